/**
 * GNU sed 4.9: the script language (addresses N, $, /re/, \cREc, first~step, A,B, A,+N, and `!`;
 * commands s y p P d D n N g G h H x = a i c q Q b t T : { } l and #), -n -e -f -E/-r -s -i, and
 * its messages (`-e expression #1, char 5: unterminated `s' command`).
 */
import { Exit, type Ctx } from '../context';
import { cwdOf, getopt, has, readInput, strerror, view } from '../fs/common';
import { RegexError, translate } from './regex';

class SedError extends Error {
  constructor(
    readonly char: number,
    msg: string,
  ) {
    super(msg);
  }
}

type Addr = { k: 'line'; n: number } | { k: 'last' } | { k: 're'; re: RegExp | null } | { k: 'step'; first: number; step: number };

interface Cmd {
  a1: Addr | null;
  a2: Addr | { k: 'plus'; n: number } | null;
  negate: boolean;
  name: string;
  /** s: the regex, replacement, flags; y: maps; a/i/c: text; b/t: label; q: exit code; {: index of matching } */
  re?: RegExp | null;
  rep?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  text?: string;
  label?: string;
  code?: number;
  from?: string;
  to?: string;
  end?: number;
  /** range state: inside the range, and the line where it started */
  active?: boolean;
  groups?: number;
}

const USAGE = `Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the \`l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
`;

class ScriptParser {
  i = 0;
  readonly cmds: Cmd[] = [];
  private readonly blocks: number[] = [];

  constructor(
    private readonly s: string,
    private readonly ere: boolean,
  ) {}

  private err(msg: string, at = this.i): never {
    throw new SedError(at, msg);
  }

  private skipWs(): void {
    while (this.i < this.s.length && /[ \t]/.test(this.s[this.i])) this.i++;
  }

  /** A delimited piece (regex or replacement): up to the unescaped delimiter; `\n` stays as two chars. */
  private delimited(delim: string, what: string): string {
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.err(what, this.s.length);
      const c = this.s[this.i++];
      if (c === '\\') {
        const n = this.s[this.i++];
        if (n === undefined) this.err(what, this.s.length);
        if (n === delim && delim !== '\\') out += delim === '&' ? '\\&' : /[.*[\]^$+?(){}|]/.test(delim) ? `\\${delim}` : delim;
        else if (n === 'n') out += '\n';
        else out += `\\${n}`;
        continue;
      }
      if (c === delim) return out;
      if (c === '\n' && what !== 'unterminated `y\' command') this.err(what);
      out += c;
    }
  }

  private regex(src: string): { re: RegExp | null; groups: number } {
    if (src === '') return { re: null, groups: 9 };
    try {
      const t = translate(src, { extended: this.ere });
      return { re: new RegExp(t.source, ''), groups: t.groups };
    } catch (e) {
      this.err(e instanceof RegexError ? e.message : 'Invalid regular expression');
    }
  }

  private number(): number {
    const m = /^\d+/.exec(this.s.slice(this.i))!;
    this.i += m[0].length;
    return Number(m[0]);
  }

  private address(): Addr | null {
    const c = this.s[this.i];
    if (c === undefined) return null;
    if (/\d/.test(c)) {
      const n = this.number();
      if (this.s[this.i] === '~') {
        this.i++;
        const step = /\d/.test(this.s[this.i] ?? '') ? this.number() : 0;
        return { k: 'step', first: n, step };
      }
      return { k: 'line', n };
    }
    if (c === '$') {
      this.i++;
      return { k: 'last' };
    }
    if (c === '/' || c === '\\') {
      this.i++;
      const delim = c === '\\' ? this.s[this.i++] : '/';
      const src = this.delimited(delim, 'unterminated address regex');
      let icase = false;
      while (this.s[this.i] === 'I' || this.s[this.i] === 'M') if (this.s[this.i++] === 'I') icase = true;
      const r = this.regex(src);
      return { k: 're', re: r.re && icase ? new RegExp(r.re.source, 'i') : r.re };
    }
    return null;
  }

  /** Text of a, i, c: `a\` newline text, or GNU's one-liner `a text`. */
  private text(name: string): string {
    this.skipWs();
    if (this.s[this.i] === '\\') {
      this.i++;
      if (this.s[this.i] === '\n') this.i++;
    } else if (this.i >= this.s.length) this.err("expected \\ after `a', `c' or `i'");
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++];
      if (c === '\\') {
        const n = this.s[this.i++];
        if (n !== undefined) out += n;
        continue;
      }
      if (c === '\n') break;
      out += c;
    }
    void name;
    return out;
  }

  private label(): string {
    this.skipWs();
    const start = this.i;
    while (this.i < this.s.length && !/[;\n]/.test(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i).trim();
  }

  /** After a command: blanks, then `;`, a newline, `}` or `#`, or the end. */
  private endCommand(): void {
    this.skipWs();
    const c = this.s[this.i];
    if (c === undefined || c === '\n' || c === ';') {
      if (c !== undefined) this.i++;
      return;
    }
    if (c === '}' || c === '#') return;
    this.err('extra characters after command', this.i + 1);
  }

  parse(): Cmd[] {
    const s = this.s;
    while (this.i < s.length) {
      this.skipWs();
      const c0 = s[this.i];
      if (c0 === undefined) break;
      if (c0 === ';' || c0 === '\n') {
        this.i++;
        continue;
      }
      if (c0 === '#') {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
        continue;
      }
      const cmd: Cmd = { a1: this.address(), a2: null, negate: false, name: '' };
      if (cmd.a1 && s[this.i] === ',') {
        this.i++;
        if (s[this.i] === '+' && /\d/.test(s[this.i + 1] ?? '')) {
          this.i++;
          cmd.a2 = { k: 'plus', n: this.number() };
        } else {
          const a2 = this.address();
          if (!a2) this.err("unexpected `,'", this.i + 1);
          cmd.a2 = a2;
        }
      } else if (!cmd.a1 && s[this.i] === ',') this.err("unexpected `,'", this.i + 1);
      this.skipWs();
      while (s[this.i] === '!') {
        cmd.negate = true;
        this.i++;
        this.skipWs();
      }
      const name = s[this.i++];
      if (name === undefined) this.err('missing command');
      if (cmd.a1?.k === 'line' && cmd.a1.n === 0 && !(cmd.a2 && cmd.a2.k === 're')) this.err('invalid usage of line address 0');
      cmd.name = name;
      switch (name) {
        case '{':
          this.blocks.push(this.cmds.length);
          this.cmds.push(cmd);
          continue;
        case '}': {
          if (cmd.a1) this.err("} doesn't want any addresses");
          const open = this.blocks.pop();
          if (open === undefined) this.err("unexpected `}'");
          this.cmds[open].end = this.cmds.length;
          this.endCommand();
          continue;
        }
        case 's': {
          const delim = s[this.i++];
          if (delim === undefined || delim === '\n' || delim === '\\') this.err("unterminated `s' command");
          const src = this.delimited(delim, "unterminated `s' command");
          const rep = this.delimited(delim, "unterminated `s' command");
          const r = this.regex(src);
          cmd.re = r.re;
          cmd.rep = rep;
          let icase = false;
          for (;;) {
            const f = s[this.i];
            if (f === 'g') {
              if (cmd.global) this.err("multiple `g' options to `s' command", this.i + 1);
              cmd.global = true;
            } else if (f === 'p') {
              if (cmd.print) this.err("multiple `p' options to `s' command", this.i + 1);
              cmd.print = true;
            } else if (f === 'i' || f === 'I') icase = true;
            else if (f === 'm' || f === 'M' || f === 'e') {
              /* accepted, no effect on single lines */
            } else if (f !== undefined && /\d/.test(f)) {
              if (cmd.nth !== undefined) this.err("multiple number options to `s' command", this.i + 1);
              cmd.nth = this.number();
              if (cmd.nth === 0) this.err("number option to `s' command may not be zero");
              continue;
            } else break;
            this.i++;
          }
          if (icase && cmd.re) cmd.re = new RegExp(cmd.re.source, 'i');
          const refs = [...rep.matchAll(/\\(\d)/g)].map((m) => Number(m[1]));
          if (refs.some((n) => n > r.groups)) this.err(`invalid reference \\${refs.find((n) => n > r.groups)} on \`s' command's RHS`, this.i);
          const f = s[this.i];
          if (f !== undefined && !/[ \t;\n}#]/.test(f)) this.err("unknown option to `s'", this.i + 1);
          this.endCommand();
          break;
        }
        case 'y': {
          const delim = s[this.i++];
          const from = this.delimited(delim, "unterminated `y' command").replace(/\\\\/g, '\\');
          const to = this.delimited(delim, "unterminated `y' command").replace(/\\\\/g, '\\');
          if ([...from].length !== [...to].length) this.err("strings for `y' command are different lengths");
          cmd.from = from;
          cmd.to = to;
          this.endCommand();
          break;
        }
        case 'a':
        case 'i':
        case 'c':
          cmd.text = this.text(name);
          break;
        case ':':
          if (cmd.a1) this.err(': doesn\'t want any addresses');
          cmd.label = this.label();
          if (!cmd.label) this.err('":" lacks a label');
          if (s[this.i] === ';') this.i++;
          break;
        case 'b':
        case 't':
        case 'T':
          cmd.label = this.label();
          if (s[this.i] === ';') this.i++;
          break;
        case 'q':
        case 'Q':
        case 'l':
        case 'L':
          this.skipWs();
          cmd.code = /\d/.test(s[this.i] ?? '') ? this.number() : 0;
          this.endCommand();
          break;
        case 'p':
        case 'P':
        case 'd':
        case 'D':
        case 'n':
        case 'N':
        case 'g':
        case 'G':
        case 'h':
        case 'H':
        case 'x':
        case '=':
        case 'z':
          this.endCommand();
          break;
        default:
          this.err(`unknown command: \`${name}'`);
      }
      this.cmds.push(cmd);
    }
    if (this.blocks.length) this.err("unmatched `{'", 0);
    return this.cmds;
  }
}

/** The replacement of one match: & and \1–\9, \n, and GNU's \U \L \u \l \E case conversions. */
function substitute(rep: string, m: RegExpExecArray): string {
  let out = '';
  let mode: 'U' | 'L' | null = null;
  let once: 'u' | 'l' | null = null;
  const put = (t: string) => {
    for (const ch of t) {
      let x = mode === 'U' ? ch.toUpperCase() : mode === 'L' ? ch.toLowerCase() : ch;
      if (once) {
        x = once === 'u' ? x.toUpperCase() : x.toLowerCase();
        once = null;
      }
      out += x;
    }
  };
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (c === '&') put(m[0]);
    else if (c === '\\' && i + 1 < rep.length) {
      const n = rep[++i];
      if (/\d/.test(n)) put(m[Number(n)] ?? '');
      else if (n === 'U' || n === 'L') mode = n;
      else if (n === 'E') mode = null;
      else if (n === 'u' || n === 'l') once = n;
      else if (n === 'n') put('\n');
      else if (n === 't') put('\t');
      else put(n);
    } else put(c);
  }
  return out;
}

/** `l`: the pattern space with non-printing characters escaped, lines folded at 70, ending in `$`. */
function unambiguous(s: string): string {
  const map: Record<string, string> = { '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  let line = '';
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    const e = map[ch] ?? (code < 32 || code >= 127 ? `\\${code.toString(8).padStart(3, '0')}` : ch);
    if (line.length + e.length > 69) {
      out += `${line}\\\n`;
      line = '';
    }
    line += e;
  }
  return `${out}${line}$\n`;
}

export function sed(ctx: Ctx, argv: string[]): void {
  const p = getopt(
    ctx,
    'sed',
    argv,
    {
      short: 'ne:f:Erisuz',
      long: { quiet: { as: 'n' }, silent: { as: 'n' }, expression: { as: 'e', arg: true }, file: { as: 'f', arg: true }, 'regexp-extended': { as: 'E' }, 'in-place': { as: 'i' }, separate: { as: 's' }, posix: { as: 'P' }, debug: { as: 'D' } },
    },
    1,
    USAGE,
  );
  const scripts: string[] = [];
  for (const o of p.opts) {
    if (o.name === 'e') scripts.push(o.arg!);
    if (o.name === 'f') {
      const r = readInput(ctx, o.arg!);
      if (!r.ok) {
        ctx.err.push(`sed: couldn't open file ${o.arg}: ${strerror(r.errno)}\n`);
        throw new Exit(1);
      }
      scripts.push(r.text.replace(/\n$/, ''));
    }
  }
  let operands = p.operands;
  if (scripts.length === 0) {
    if (operands.length === 0) {
      ctx.err.push(USAGE);
      throw new Exit(1);
    }
    scripts.push(operands[0]);
    operands = operands.slice(1);
  }
  const script = scripts.join('\n');
  let cmds: Cmd[];
  try {
    cmds = new ScriptParser(script, has(p, 'E', 'r')).parse();
  } catch (e) {
    if (!(e instanceof SedError)) throw e;
    ctx.err.push(`sed: -e expression #1, char ${e.char}: ${e.message}\n`);
    throw new Exit(1);
  }
  const labels = new Map<string, number>();
  cmds.forEach((c, i) => c.name === ':' && labels.set(c.label!, i));
  for (const c of cmds) {
    if ((c.name === 'b' || c.name === 't' || c.name === 'T') && c.label && !labels.has(c.label)) {
      ctx.err.push(`sed: can't find label for jump to \`${c.label}'\n`);
      throw new Exit(4);
    }
  }
  const inPlace = has(p, 'i');
  if (inPlace && operands.length === 0) {
    ctx.err.push('sed: no input files\n');
    throw new Exit(4);
  }
  const quiet = has(p, 'n');
  const files = operands.length ? operands : ['-'];
  let status = 0;
  const inputs: { name: string; lines: string[]; trailingNewline: boolean }[] = [];
  for (const f of files) {
    const r = readInput(ctx, f);
    if (!r.ok) {
      ctx.err.push(r.errno === 'EISDIR' ? `sed: read error on ${f}: Is a directory\n` : `sed: can't read ${f}: ${strerror(r.errno)}\n`);
      status = r.errno === 'EISDIR' ? 4 : 2;
      continue;
    }
    const lines = r.text.split('\n');
    const trailingNewline = lines[lines.length - 1] === '';
    if (trailingNewline) lines.pop();
    inputs.push({ name: f, lines, trailingNewline });
  }
  let lastRe: RegExp | null = null;
  const streams = inPlace || has(p, 's') ? inputs.map((x) => [x]) : [inputs];
  let quitCode: number | null = null;
  for (const stream of streams) {
    const all: string[] = stream.flatMap((x) => x.lines);
    const endsWithNewline = stream.length === 0 || stream[stream.length - 1].trailingNewline;
    let out = '';
    let lineNo = 0;
    let hold = '';
    let idx = 0;
    for (const c of cmds) c.active = false;
    const match = (a: Addr, ps: string): boolean => {
      switch (a.k) {
        case 'line':
          return lineNo === a.n;
        case 'last':
          return idx >= all.length;
        case 'step':
          return a.step <= 0 ? lineNo === a.first : lineNo >= a.first && (lineNo - a.first) % a.step === 0;
        case 're': {
          const re = a.re ?? lastRe;
          if (!re) return false;
          lastRe = re;
          return re.test(ps);
        }
      }
    };
    const selected = (c: Cmd, ps: string): boolean => {
      let r: boolean;
      if (!c.a1) r = true;
      else if (!c.a2) r = match(c.a1, ps);
      else if (c.active) {
        const a2 = c.a2;
        if (a2.k === 'plus') c.active = lineNo < (c.code ?? 0) + a2.n;
        else if (a2.k === 'line') c.active = lineNo < a2.n;
        else c.active = !match(a2, ps);
        r = true;
      } else if (match(c.a1, ps) || (c.a1.k === 'line' && c.a1.n === 0 && c.a2.k === 're')) {
        const a2 = c.a2;
        c.code = lineNo;
        if (a2.k === 'plus') c.active = a2.n > 0;
        else if (a2.k === 'line') c.active = a2.n > lineNo;
        else if (a2.k === 'last') c.active = idx < all.length;
        else c.active = c.a1.k === 'line' && c.a1.n === 0 ? !match(a2, ps) : true;
        r = true;
      } else r = false;
      return r !== c.negate;
    };
    cycle: while (idx < all.length && quitCode === null) {
      let ps = all[idx++];
      lineNo++;
      let appendQueue = '';
      let substituted = false;
      let autoprint = !quiet;
      let pc = 0;
      let restart = false;
      while (pc < cmds.length) {
        const c = cmds[pc];
        if (c.name === '}' || c.name === ':') {
          pc++;
          continue;
        }
        if (!selected(c, ps)) {
          pc = c.name === '{' ? c.end! : pc + 1;
          continue;
        }
        switch (c.name) {
          case '{':
            break;
          case 's': {
            const re0: RegExp | null = c.re ?? lastRe;
            if (!re0) break;
            lastRe = re0;
            const re = new RegExp(re0.source, `${re0.flags.replace('g', '')}g`);
            let count = 0;
            let result = '';
            let last = 0;
            let did = false;
            for (let m = re.exec(ps); m; m = re.exec(ps)) {
              count++;
              if ((c.nth === undefined || count >= c.nth) && (c.global || count === (c.nth ?? 1))) {
                result += ps.slice(last, m.index) + substitute(c.rep!, m);
                last = m.index + m[0].length;
                did = true;
                if (!c.global) break;
              }
              if (m[0] === '') re.lastIndex++;
            }
            if (did) {
              ps = result + ps.slice(last);
              substituted = true;
              if (c.print) out += `${ps}\n`;
            }
            break;
          }
          case 'y': {
            const from = [...c.from!];
            const to = [...c.to!];
            ps = [...ps].map((ch) => (from.includes(ch) ? to[from.indexOf(ch)] : ch)).join('');
            break;
          }
          case 'p':
            out += `${ps}\n`;
            break;
          case 'P':
            out += `${ps.split('\n')[0]}\n`;
            break;
          case 'd':
            autoprint = false;
            out += appendQueue;
            continue cycle;
          case 'D': {
            const nl = ps.indexOf('\n');
            if (nl < 0) {
              out += appendQueue;
              continue cycle;
            }
            ps = ps.slice(nl + 1);
            out += appendQueue;
            appendQueue = '';
            pc = 0;
            restart = true;
            break;
          }
          case 'n':
            if (idx >= all.length) {
              // no next line: GNU sed prints the pattern space (unless -n) and stops
              quitCode = 0;
              break;
            }
            if (!quiet) out += `${ps}\n`;
            out += appendQueue;
            appendQueue = '';
            ps = all[idx++];
            lineNo++;
            break;
          case 'N':
            if (idx >= all.length) {
              // GNU prints the pattern space when N has no next line
              break;
            }
            ps += `\n${all[idx++]}`;
            lineNo++;
            break;
          case 'g':
            ps = hold;
            break;
          case 'G':
            ps += `\n${hold}`;
            break;
          case 'h':
            hold = ps;
            break;
          case 'H':
            hold += `\n${ps}`;
            break;
          case 'x':
            [ps, hold] = [hold, ps];
            break;
          case '=':
            out += `${lineNo}\n`;
            break;
          case 'l':
            out += unambiguous(ps);
            break;
          case 'z':
            ps = '';
            break;
          case 'a':
            appendQueue += `${c.text}\n`;
            break;
          case 'i':
            out += `${c.text}\n`;
            break;
          case 'c':
            autoprint = false;
            if (!c.a2 || !c.active || c.negate) out += `${c.text}\n`;
            out += appendQueue;
            continue cycle;
          case 'q':
            quitCode = c.code ?? 0;
            break;
          case 'Q':
            quitCode = c.code ?? 0;
            autoprint = false;
            break;
          case 'b':
            pc = c.label ? labels.get(c.label)! : cmds.length;
            continue;
          case 't':
          case 'T':
            if (substituted === (c.name === 't')) {
              substituted = false;
              pc = c.label ? labels.get(c.label)! : cmds.length;
              continue;
            }
            substituted = false;
            break;
        }
        if (quitCode !== null) break;
        if (restart) {
          restart = false;
          continue;
        }
        pc++;
      }
      if (autoprint) out += `${ps}\n`;
      out += appendQueue;
    }
    if (!endsWithNewline && out.endsWith('\n')) out = out.slice(0, -1);
    if (inPlace) {
      const e = view(ctx).writeFile(stream[0].name, cwdOf(ctx), out);
      if (e) {
        ctx.err.push(`sed: couldn't open temporary file ${stream[0].name}: ${strerror(e)}\n`);
        status = 4;
      }
    } else ctx.out.push(out);
    if (quitCode !== null) break;
  }
  if (quitCode !== null && quitCode !== 0) throw new Exit(quitCode);
  if (status) throw new Exit(status);
}

