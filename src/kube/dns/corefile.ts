/**
 * The Corefile, read as CoreDNS reads it (the Caddyfile lexer and parser of caddy v1, which
 * CoreDNS embeds): tokens with their line numbers, server blocks with their keys ("zone:port"),
 * directives checked against CoreDNS's plugin list, and a Dispenser through which each plugin's
 * setup reads its own tokens (Next, NextArg, NextBlock, RemainingArgs) and words its errors as
 * caddy does ("/etc/coredns/Corefile:5 - Error during parsing: ...").
 */

/** CoreDNS 1.11's plugin.cfg: every directive it knows, in the order its handlers are chained. */
export const PLUGIN_ORDER = [
  'root', 'metadata', 'geoip', 'cancel', 'tls', 'timeouts', 'multisocket', 'reload', 'nsid', 'bufsize', 'bind', 'debug', 'trace', 'ready', 'health',
  'pprof', 'prometheus', 'errors', 'log', 'dnstap', 'local', 'dns64', 'acl', 'any', 'chaos', 'loadbalance', 'tsig', 'cache', 'rewrite', 'header',
  'dnssec', 'autopath', 'minimal', 'template', 'transfer', 'hosts', 'route53', 'azure', 'clouddns', 'k8s_external', 'kubernetes', 'file', 'auto',
  'secondary', 'etcd', 'loop', 'forward', 'grpc', 'erratic', 'whoami', 'on', 'sign', 'view',
] as const;

const DIRECTIVES = new Set<string>(PLUGIN_ORDER);

/** Where CoreDNS reads its configuration in a kubeadm cluster (the Deployment's -conf). */
export const COREFILE_PATH = '/etc/coredns/Corefile';

export interface Token {
  text: string;
  line: number;
  /** written in double quotes (a quoted "{" is not a brace) */
  quoted: boolean;
}

export class CorefileError extends Error {}

/** caddy's lexer: words split on white space, "quoted strings" with \" escapes, # comments. */
export function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = line;
    if (c === '"') {
      let s = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && text[i + 1] === '"') {
          s += '"';
          i += 2;
          continue;
        }
        if (text[i] === '\n') line++;
        s += text[i++];
      }
      i++;
      tokens.push({ text: s, line: start, quoted: true });
      continue;
    }
    let s = '';
    while (i < text.length && !/[ \t\r\n]/.test(text[i])) s += text[i++];
    tokens.push({ text: s, line: start, quoted: false });
  }
  return tokens;
}

export interface ServerBlock {
  keys: string[];
  /** directive → all its tokens in this block, every occurrence, in order */
  tokens: Map<string, Token[]>;
  /** directives in the order they appear (for messages) */
  order: string[];
}

const isBrace = (t: Token | undefined, b: '{' | '}') => t !== undefined && !t.quoted && t.text === b;

/** Parse the whole file into server blocks (caddy parse.go); a bad file throws CorefileError. */
export function parseCorefile(text: string, file = COREFILE_PATH): ServerBlock[] {
  const toks = lex(text);
  const err = (line: number, msg: string) => new CorefileError(`${file}:${line} - Error during parsing: ${msg}`);
  const blocks: ServerBlock[] = [];
  let i = 0;
  while (i < toks.length) {
    const block: ServerBlock = { keys: [], tokens: new Map(), order: [] };
    // addresses: up to the opening brace or the end of the line
    let another = false;
    for (;;) {
      const t = toks[i];
      if (isBrace(t, '{')) {
        if (another) throw err(t.line, `Expected another address but had '{' - check for extra comma`);
        break;
      }
      let key = t.text;
      another = key.endsWith(',');
      if (another) key = key.slice(0, -1);
      if (key !== '') block.keys.push(key);
      i++;
      if (i >= toks.length) {
        if (another) throw err(t.line, 'Unexpected EOF');
        break;
      }
      if (!another && toks[i].line !== t.line) break;
    }
    const braced = isBrace(toks[i], '{');
    if (braced) i++;
    else if (blocks.length > 0 || i < toks.length) {
      // only a file with a single server block may leave out its braces
      if (blocks.length > 0) throw err(toks[i - 1].line, `Syntax error: Unexpected token '${toks[i - 1].text}', expecting '{'`);
    }
    // directives
    while (i < toks.length) {
      const t = toks[i];
      if (braced && isBrace(t, '}')) break;
      if (!DIRECTIVES.has(t.text)) throw err(t.line, `Unknown directive '${t.text}'`);
      const dir = t.text;
      const list = block.tokens.get(dir) ?? [];
      if (!block.tokens.has(dir)) {
        block.tokens.set(dir, list);
        block.order.push(dir);
      }
      list.push(t);
      let nesting = 0;
      let last = t;
      i++;
      while (i < toks.length) {
        const n = toks[i];
        if (isBrace(n, '{')) nesting++;
        else if (nesting === 0 && n.line !== last.line) break;
        else if (isBrace(n, '}') && nesting > 0) nesting--;
        else if (isBrace(n, '}')) {
          if (!braced) throw err(n.line, "Unexpected '}' because no matching opening brace");
          break;
        }
        list.push(n);
        last = n;
        i++;
      }
      if (nesting > 0) throw err(last.line, 'Unexpected EOF');
    }
    if (braced) {
      if (!isBrace(toks[i], '}')) throw err(toks[toks.length - 1]?.line ?? 1, 'Unexpected EOF');
      i++;
    }
    blocks.push(block);
  }
  return blocks;
}

/**
 * caddy's Dispenser over one directive's tokens: each plugin's setup walks its tokens with it and
 * words its errors with the file and line of the token it stands on.
 */
export class Dispenser {
  private cursor = -1;
  private nesting = 0;

  constructor(
    private readonly toks: Token[],
    readonly file: string,
    /** the server block's keys, for plugins that default to them */
    readonly keys: string[],
  ) {}

  /** the token under the cursor */
  val(): string {
    return this.toks[this.cursor]?.text ?? '';
  }

  line(): number {
    return this.toks[Math.max(0, Math.min(this.cursor, this.toks.length - 1))]?.line ?? 0;
  }

  next(): boolean {
    if (this.cursor < this.toks.length - 1) {
      this.cursor++;
      return true;
    }
    return false;
  }

  /** the next token, if it is on the same line */
  nextArg(): boolean {
    if (this.cursor < 0) {
      this.cursor++;
      return true;
    }
    if (this.cursor >= this.toks.length - 1) return false;
    if (this.toks[this.cursor].line === this.toks[this.cursor + 1].line) {
      this.cursor++;
      return true;
    }
    return false;
  }

  /** the arguments left on this line, up to an opening brace */
  remainingArgs(): string[] {
    const args: string[] = [];
    while (this.nextArg()) {
      if (isBrace(this.toks[this.cursor], '{')) {
        this.cursor--;
        break;
      }
      args.push(this.val());
    }
    return args;
  }

  /** step into a block's next line ("{ … }" opened on the directive's line); false at its end */
  nextBlock(): boolean {
    if (this.nesting > 0) {
      this.next();
      if (isBrace(this.toks[this.cursor], '}')) {
        this.nesting--;
        return false;
      }
      return true;
    }
    if (!this.nextArg()) return false;
    if (!isBrace(this.toks[this.cursor], '{')) {
      this.cursor--;
      return false;
    }
    this.next();
    if (isBrace(this.toks[this.cursor], '}')) return false;
    this.nesting++;
    return true;
  }

  errf(msg: string): CorefileError {
    return new CorefileError(`${this.file}:${this.line()} - Error during parsing: ${msg}`);
  }

  argErr(): CorefileError {
    if (isBrace(this.toks[this.cursor], '{')) return this.errf("Unexpected token '{', expecting argument");
    return this.errf(`Wrong argument count or unexpected line ending after '${this.val()}'`);
  }
}

/** A zone or server key normalised as CoreDNS does (plugin.Host Normalize): lower case, absolute. */
export function normalizeZone(z: string): string {
  let s = z.toLowerCase().replace(/^dns:\/\//, '');
  const colon = s.lastIndexOf(':');
  if (colon !== -1 && !s.includes('[')) s = s.slice(0, colon);
  if (s === '' || s === '.') return '.';
  return s.endsWith('.') ? s : `${s}.`;
}

/** The port a server key names (53 when it names none). */
export function keyPort(key: string): number | null {
  const s = key.replace(/^dns:\/\//, '');
  const colon = s.lastIndexOf(':');
  if (colon === -1) return 53;
  const p = s.slice(colon + 1);
  return /^\d+$/.test(p) && Number(p) <= 65535 ? Number(p) : null;
}
