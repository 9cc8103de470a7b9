/**
 * `python3 -m http.server [port] [-b ADDRESS] [-d DIRECTORY] [-p VERSION]`: Python 3.11's
 * SimpleHTTPRequestHandler serving the host's files (Debian bookworm's python3), on the engine's
 * HTTP server (src/engine/tcp/http/server.ts). Replies, directory listings, errors and the
 * request log on stderr are Python's, word for word; Ctrl+C ends it as KeyboardInterrupt does.
 */
import { formatIpv4, parseDottedQuad, type Ipv4 } from '../../engine/addr/ipv4';
import { isLocal } from '../../engine/fib/frontend';
import { waitUntil, type Proc } from '../../engine/proc/task';
import { Signaled } from '../../engine/proc/task';
import { httpListen, type HttpReply, type HttpRequest } from '../../engine/tcp/http/server';
import { byteLength, type FsView } from '../../engine/fs';
import { wallClock as wall } from '../iptables/save';
import type { Ctx } from '../context';
import type { CommandSpec } from '../registry/types';
import { cwdOf, view } from '../fs/common';

const PYTHON_VERSION = '3.11.2';
const SERVER = `SimpleHTTP/0.6 Python/${PYTHON_VERSION}`;
const USAGE = 'usage: server.py [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [port]\n';
const HELP = `${USAGE}
positional arguments:
  port                  bind to this port (default: 8000)

options:
  -h, --help            show this help message and exit
  --cgi                 run as CGI server
  -b ADDRESS, --bind ADDRESS
                        bind to this address (default: all interfaces)
  -d DIRECTORY, --directory DIRECTORY
                        serve this directory (default: current directory)
  -p VERSION, --protocol VERSION
                        conform to this HTTP version (default: HTTP/1.0)
`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
/** BaseHTTPRequestHandler.log_date_time_string(): "02/Dec/2026 09:20:53" (the host's zone is UTC) */
const logTime = (ms: number): string => {
  const d = wall(ms);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
};
/** email.utils.formatdate(usegmt=True), as the Date and Last-Modified headers carry it */
const httpDate = (ms: number): string => wall(ms).toUTCString();

/** http.HTTPStatus: the reason phrase and the long explanation send_error() puts in its page */
const STATUS: Record<number, [string, string]> = {
  200: ['OK', 'Request fulfilled, document follows'],
  301: ['Moved Permanently', 'Object moved permanently -- see URI list'],
  400: ['Bad Request', 'Bad request syntax or unsupported method'],
  404: ['Not Found', 'Nothing matches the given URI'],
  501: ['Not Implemented', 'Server does not support this operation'],
};

/** mimetypes.guess_type() with Debian's /etc/mime.types, for the files a lab holds */
const MIME: Record<string, string> = {
  txt: 'text/plain',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  json: 'application/json',
  xml: 'text/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  sh: 'text/x-sh',
  py: 'text/x-python',
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  conf: 'text/plain',
  gz: 'application/gzip',
};
const guessType = (path: string): string => MIME[/\.([^./]+)$/.exec(path)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';

const htmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** urllib.parse.quote(): everything but letters, digits, _.-~ and / percent-encoded as UTF-8 */
const urlQuote = (s: string): string => Array.from(new TextEncoder().encode(s), (b) => (/[A-Za-z0-9_.\-~/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
const urlUnquote = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
  } catch {
    return s;
  }
};

interface Options {
  port: number;
  bind: string | undefined;
  directory: string;
  protocol: string;
}

type Parsed = { ok: true; opts: Options } | { ok: false; text: string; code: number; stdout?: boolean };

/** argparse as http.server's main sets it up */
export function parseArgs(argv: string[], cwd: string): Parsed {
  const o: Options = { port: 8000, bind: undefined, directory: cwd, protocol: 'HTTP/1.0' };
  let port: string | undefined;
  const unknown: string[] = [];
  const needs = (flag: string, v: string | undefined): Parsed | null => (v === undefined || (v.startsWith('-') && v !== '-') ? { ok: false, text: `${USAGE}server.py: error: argument ${flag}: expected one argument\n`, code: 2 } : null);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const long = (name: string) => flag.length > 2 && `--${name}`.startsWith(flag);
    if (a === '-h' || (a.startsWith('--') && long('help'))) return { ok: false, text: HELP, code: 0, stdout: true };
    if (a === '--cgi') continue;
    const which = a === '-b' || a.startsWith('-b') || long('bind') ? 'b' : a === '-d' || a.startsWith('-d') || long('directory') ? 'd' : a === '-p' || a.startsWith('-p') || long('protocol') ? 'p' : null;
    if (which && a.startsWith('-')) {
      const name = which === 'b' ? '-b/--bind' : which === 'd' ? '-d/--directory' : '-p/--protocol';
      const attached = !a.startsWith('--') && a.length > 2 ? a.slice(2) : inline;
      const v = attached ?? argv[++i];
      const bad = attached === undefined ? needs(name, v) : null;
      if (bad) return bad;
      if (which === 'b') o.bind = v;
      else if (which === 'd') o.directory = v!;
      else o.protocol = v!;
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      unknown.push(a);
      continue;
    }
    if (port === undefined) port = a;
    else unknown.push(a);
  }
  if (port !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(port)) return { ok: false, text: `${USAGE}server.py: error: argument port: invalid int value: '${port}'\n`, code: 2 };
    o.port = Number(port);
  }
  if (unknown.length) return { ok: false, text: `${USAGE}server.py: error: unrecognized arguments: ${unknown.join(' ')}\n`, code: 2 };
  return { ok: true, opts: o };
}

/** The traceback socketserver's bind leaves when the address cannot be had (Debian's python3.11 paths). */
function bindTraceback(errno: 98 | 99 | 13, text: string): string {
  return `Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3.11/http/server.py", line 1313, in <module>
    test(
  File "/usr/lib/python3.11/http/server.py", line 1260, in test
    with ServerClass(addr, HandlerClass) as httpd:
         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/socketserver.py", line 456, in __init__
    self.server_bind()
  File "/usr/lib/python3.11/http/server.py", line 1307, in server_bind
    return super().server_bind()
           ^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/http/server.py", line 136, in server_bind
    socketserver.TCPServer.server_bind(self)
  File "/usr/lib/python3.11/socketserver.py", line 472, in server_bind
    self.socket.bind(self.server_address)
OSError: [Errno ${errno}] ${text}
`;
}

/** SimpleHTTPRequestHandler over the host's file system, logging to `log` as log_message() does. */
export function simpleHttpHandler(fs: FsView, root: string, protocol: string, now: () => number, log: (line: string) => void): (req: HttpRequest) => HttpReply {
  return (req) => {
    const client = formatIpv4(req.peer.addr);
    const requestline = `${req.method} ${req.target} ${req.version}`;
    const logLine = (msg: string) => log(`${client} - - [${logTime(now())}] ${msg}\n`);
    const head = (code: number, message = STATUS[code]?.[0] ?? '???') => {
      logLine(`"${requestline}" ${code} -`);
      return [`${protocol} ${code} ${message}`, `Server: ${SERVER}`, `Date: ${httpDate(now())}`];
    };
    const error = (code: number, message?: string): HttpReply => {
      const [short, explain] = STATUS[code] ?? ['???', '???'];
      const msg = message ?? short;
      logLine(`code ${code}, message ${msg}`);
      const body = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: ${code}</p>
        <p>Message: ${htmlEscape(msg)}.</p>
        <p>Error code explanation: ${code} - ${htmlEscape(explain)}.</p>
    </body>
</html>
`;
      return { head: [...head(code, msg), 'Connection: close', 'Content-Type: text/html;charset=utf-8', `Content-Length: ${byteLength(body)}`], body, close: true };
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return error(501, `Unsupported method ('${req.method}')`);
    // translate_path(): query and fragment dropped, unquoted, normalised, .. and . ignored
    const raw = req.target.split('?')[0].split('#')[0];
    const trailing = raw.trimEnd().endsWith('/');
    const words = urlUnquote(raw).split('/').filter((w) => w !== '' && w !== '.' && w !== '..');
    let path = [root.replace(/\/+$/, ''), ...words].join('/') || '/';
    const close = protocol === 'HTTP/1.0';
    const st = fs.stat(path, '/');
    // the stat of what is sent: the path itself, or the directory's index page
    let file = st;
    if (st.ok && st.value.kind === 'dir') {
      if (!raw.endsWith('/')) {
        const [p, q] = req.target.split(/(?=[?#])/, 2);
        return { head: [...head(301), `Location: ${p}/${q ?? ''}`, 'Content-Length: 0'], body: '', close };
      }
      const index = ['index.html', 'index.htm'].map((n) => `${path.replace(/\/+$/, '')}/${n}`).map((p) => ({ p, s: fs.stat(p, '/') })).find(({ s }) => s.ok && s.value.kind === 'file');
      if (index === undefined) {
        const list = fs.readdir(path, '/');
        if (!list.ok) return error(404, 'No permission to list directory');
        const entries = [...list.value].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
        const title = `Directory listing for ${htmlEscape(urlUnquote(req.target))}`;
        const items = entries.map((e) => {
          const dir = e.stat.kind === 'dir';
          const link = dir ? `${e.name}/` : e.name;
          return `<li><a href="${urlQuote(link)}">${htmlEscape(link)}</a></li>`;
        });
        const body = ['<!DOCTYPE HTML>', '<html lang="en">', '<head>', '<meta charset="utf-8">', `<title>${title}</title>\n</head>`, `<body>\n<h1>${title}</h1>`, '<hr>\n<ul>', ...items, '</ul>\n<hr>\n</body>\n</html>\n'].join('\n');
        return { head: [...head(200), 'Content-type: text/html; charset=utf-8', `Content-Length: ${byteLength(body)}`], body, close };
      }
      path = index.p;
      file = index.s;
    }
    if (trailing && !(st.ok && st.value.kind === 'dir')) return error(404, 'File not found');
    const data = fs.readFile(path, '/');
    if (!data.ok || !file.ok || file.value.kind === 'dir') return error(404, 'File not found');
    return { head: [...head(200), `Content-type: ${guessType(path)}`, `Content-Length: ${file.value.size}`, `Last-Modified: ${httpDate(file.value.mtime)}`], body: data.value, close };
  };
}

function* pythonHttpServer(ctx: Ctx, argv: string[]): Proc {
  const cwd = cwdOf(ctx);
  const parsed = parseArgs(argv, cwd);
  if (!parsed.ok) {
    (parsed.stdout ? ctx.out : ctx.err).push(parsed.text);
    return parsed.code;
  }
  const o = parsed.opts;
  const ns = ctx.ns;
  const w = ctx.world;
  const fs = view(ctx);
  const bindAddr = o.bind === undefined ? (0 as Ipv4) : parseDottedQuad(o.bind);
  if (bindAddr === null) {
    ctx.err.push(`Traceback (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\nsocket.gaierror: [Errno -2] Name or service not known\n`);
    return 1;
  }
  if (o.port < 0 || o.port > 65535) {
    ctx.err.push(`Traceback (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\nOverflowError: bind(): port must be 0-65535.\n`);
    return 1;
  }
  if (bindAddr !== 0 && !isLocal(ns, bindAddr)) {
    ctx.err.push(bindTraceback(99, 'Cannot assign requested address'));
    return 1;
  }
  // the directory is looked up per request (os.path.join(directory, …)): a missing one answers 404
  const root = o.directory.startsWith('/') ? o.directory : `${cwd.replace(/\/+$/, '')}/${o.directory}`;
  const pid = 'pid' in ctx.task ? (ctx.task as { pid: number }).pid : 0;
  const server = httpListen(ns, bindAddr, o.port, simpleHttpHandler(fs, root, o.protocol, () => w.now, (line) => ctx.err.push(line)), { comm: 'python3', pid }, 5);
  if (typeof server === 'string') {
    ctx.err.push(server === 'EADDRINUSE' ? bindTraceback(98, 'Address already in use') : bindTraceback(13, 'Permission denied'));
    return 1;
  }
  const host = o.bind === undefined ? '0.0.0.0' : o.bind;
  const banner = `Serving HTTP on ${host} port ${o.port} (http://${host}:${o.port}/) ...\n`;
  // print() is line-buffered on a terminal, block-buffered into a file or a pipe: there it
  // shows only when the interpreter exits normally
  if (ctx.tty) ctx.out.push(banner);
  try {
    for (;;) yield waitUntil();
  } catch (e) {
    if (!(e instanceof Signaled) || e.signal !== 'SIGINT') throw e;
    if (!ctx.tty) ctx.out.push(banner);
    ctx.out.push('\nKeyboard interrupt received, exiting.\n');
    return 0;
  } finally {
    server.close();
  }
}

const PYTHON_USAGE = 'usage: python3 [option] ... [-c cmd | -m mod | file | -] [arg] ...\n';

function* python3(ctx: Ctx, argv: string[]): Proc {
  let i = 0;
  // interpreter options before -m that change nothing here (unbuffered, isolated, no site…)
  while (i < argv.length && /^-[uBsSEIq]+$/.test(argv[i])) i++;
  const a = argv[i];
  if (a === '--version' || a === '-V') {
    ctx.out.push(`Python ${PYTHON_VERSION}\n`);
    return 0;
  }
  if (a === '-m' || a?.startsWith('-m')) {
    const mod = a === '-m' ? argv[i + 1] : a.slice(2);
    const rest = argv.slice(a === '-m' ? i + 2 : i + 1);
    if (mod === undefined) {
      ctx.err.push(`Argument expected for the -m option\n${PYTHON_USAGE}Try \`python -h' for more information.\n`);
      return 2;
    }
    if (mod === 'http.server') return yield* pythonHttpServer(ctx, rest);
    ctx.err.push(`/usr/bin/python3: No module named ${mod}\n`);
    return 1;
  }
  // the interpreter itself (scripts, -c, the REPL) is not in the lab: only its web server is
  ctx.err.push(`python3: Hoplab runs only \`python3 -m http.server\` (a file server for the lab); other Python programs are not available here\n`);
  return 2;
}

export const python3Command: CommandSpec = {
  name: 'python3',
  kind: 'probe',
  summary: "`python3 -m http.server [PORT] [-b ADDR] [-d DIR]`: Python's file server, serving this host's files and logging each request",
  learn: 'python3 -m http.server --help',
  complete: (args) => (args.length <= 1 ? ['-m'] : args.length === 2 ? ['http.server'] : ['8000', '--bind', '--directory']),
  run: python3,
};
