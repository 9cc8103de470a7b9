/**
 * curl 7.88.1 over the lab's TCP: resolve, connect (with -m and --connect-timeout on the virtual
 * clock), one HTTP/1.1 request, the response read by Content-Length, chunked encoding or until
 * the server closes, with curl's -v lines, error messages and exit codes (6, 7, 28, 22, 52, 56…).
 *
 * curl draws its progress meter on stderr only when output goes to a pipe or a file; a lab's
 * terminal is a terminal, and scenarios use -s, so Hoplab never draws it.
 */
import { formatIpv4, type Ipv4 } from '../../engine/addr/ipv4';
import { waitUntil, type Proc } from '../../engine/proc/task';
import { SOCK_STRERROR, type SockErrno } from '../../engine/socket/errno';
import { tcpSocket } from '../../engine/tcp/sock';
import type { Ctx } from '../context';
import { getaddrinfo } from '../netdb/names';
import type { CommandSpec } from '../registry/types';
import { parseCurlArgs, type CurlOptions } from './options';
import { readResponse, type HttpResponse } from './response';
import { parseCurlUrl, type CurlUrl } from './url';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What one transfer ended with: curl's exit code and message, and what -w reports. */
interface Transfer {
  code: number;
  message: string;
  httpCode: number;
  remoteIp: string;
  remotePort: number;
  sizeDownload: number;
  url: string;
}

export function* curl(ctx: Ctx, argv: string[]): Proc {
  const p = parseCurlArgs(argv);
  if (!p.ok) {
    ctx.err.push(p.stderr);
    return p.exit;
  }
  const o = p.o;
  let exit = 0;
  for (let i = 0; i < o.urls.length; i++) {
    const t = yield* transfer(ctx, o, o.urls[i], i);
    if (t.code !== 0 && (!o.silent || o.showError)) ctx.err.push(`curl: (${t.code}) ${t.message}\n`);
    if (o.writeOut !== undefined) ctx.out.push(writeOut(o.writeOut, t));
    exit = t.code;
  }
  return exit;
}

/** -w: the variables a lab script reads; \n and \t as curl expands them. */
function writeOut(fmt: string, t: Transfer): string {
  return fmt
    .replace(/%\{(\w+)\}/g, (all, v: string) => {
      switch (v) {
        case 'http_code':
        case 'response_code':
          return String(t.httpCode).padStart(3, '0');
        case 'exitcode':
          return String(t.code);
        case 'remote_ip':
          return t.remoteIp;
        case 'remote_port':
          return String(t.remotePort);
        case 'size_download':
          return String(t.sizeDownload);
        case 'url_effective':
          return t.url;
      }
      return all;
    })
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\r/g, '\r');
}

function* transfer(ctx: Ctx, o: CurlOptions, text: string, n: number): Generator<ReturnType<typeof waitUntil>, Transfer, 'timer' | 'wake'> {
  const w = ctx.world;
  const start = w.now;
  const t: Transfer = { code: 0, message: '', httpCode: 0, remoteIp: '', remotePort: 0, sizeDownload: 0, url: text };
  const verbose = (line: string) => {
    if (o.verbose) ctx.err.push(`${line}\n`);
  };
  const fail = (code: number, message: string): Transfer => Object.assign(t, { code, message });
  const u = parseCurlUrl(text);
  if (!u.ok) return fail(u.code, u.message);
  const url = u.url;
  const r = yield* getaddrinfo(ctx, url.host);
  if (!r.ok) return fail(6, `Could not resolve host: ${url.host}`);
  const ip = formatIpv4(r.addr);
  // -m bounds the whole transfer, --connect-timeout only the connect
  const endAll = o.maxTime > 0 ? start + o.maxTime * 1000 : Infinity;
  const endConnect = Math.min(endAll, o.connectTimeout > 0 ? start + o.connectTimeout * 1000 : Infinity);
  const elapsed = () => Math.round(w.now - start);
  verbose(`*   Trying ${ip}:${url.port}...`);
  const sk = tcpSocket(ctx.ns, ctx.task);
  sk.owner = { comm: 'curl', pid: 'pid' in ctx.task ? (ctx.task as { pid: number }).pid : 0, fd: 5 };
  try {
    const failConnect = (why: string): Transfer => {
      const msg = `Failed to connect to ${url.host} port ${url.port} after ${elapsed()} ms: ${why}`;
      verbose(`* ${msg}`);
      verbose(`* Closing connection ${n}`);
      return fail(why === 'Timeout was reached' ? 28 : 7, msg);
    };
    const e = sk.connect(r.addr as Ipv4, url.port);
    if (e) {
      verbose(`* Immediate connect fail for ${ip}: ${SOCK_STRERROR[e]}`);
      return failConnect("Couldn't connect to server");
    }
    while (sk.state === 'SYN_SENT') {
      if (w.now >= endConnect) {
        if (endConnect === endAll && o.maxTime > 0) {
          const msg = `Connection timed out after ${elapsed()} milliseconds`;
          verbose(`* ${msg}`);
          verbose(`* Closing connection ${n}`);
          return fail(28, msg);
        }
        verbose(`* ipv4 connect timeout after ${Math.round(endConnect - start)}ms, move on!`);
        return failConnect('Timeout was reached');
      }
      yield waitUntil(endConnect);
    }
    if (sk.state !== 'ESTABLISHED' && sk.state !== 'CLOSE_WAIT') {
      const err: SockErrno = sk.takeError() ?? 'ECONNREFUSED';
      verbose(`* connect to ${ip} port ${url.port} failed: ${SOCK_STRERROR[err]}`);
      return failConnect("Couldn't connect to server");
    }
    t.remoteIp = ip;
    t.remotePort = url.port;
    verbose(`* Connected to ${url.host} (${ip}) port ${url.port} (#${n})`);
    if (url.scheme !== 'http') return fail(1, `Hoplab's curl speaks plain HTTP only, not ${url.scheme}`);
    const request = requestText(o, url);
    if (o.verbose) for (const line of request.split('\r\n').slice(0, -1)) ctx.err.push(`> ${line}\r\n`);
    sk.send(encoder.encode(request));
    const res = yield* readResponse(sk, o.head || o.method === 'HEAD', endAll);
    return finish(ctx, o, t, res, url, n, elapsed);
  } finally {
    sk.close();
  }
}

/** The request curl sends: the method, Host (with the port only when the URL named one), its User-Agent and Accept. */
function requestText(o: CurlOptions, url: CurlUrl): string {
  const method = o.method ?? (o.head ? 'HEAD' : 'GET');
  const host = url.explicitPort && url.port !== 80 ? `${url.host}:${url.port}` : url.host;
  const extra = o.headers.map((h) => `${h}\r\n`).join('');
  return `${method} ${url.target} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n${extra}\r\n`;
}

function finish(ctx: Ctx, o: CurlOptions, t: Transfer, res: HttpResponse, url: CurlUrl, n: number, elapsed: () => number): Transfer {
  const verbose = (line: string) => {
    if (o.verbose) ctx.err.push(`${line}\n`);
  };
  if (res.kind === 'timeout') {
    const msg = `Operation timed out after ${elapsed()} milliseconds with ${res.received} bytes received`;
    verbose(`* ${msg}`);
    verbose(`* Closing connection ${n}`);
    return Object.assign(t, { code: 28, message: msg });
  }
  if (res.kind === 'empty') {
    verbose('* Empty reply from server');
    verbose(`* Closing connection ${n}`);
    return Object.assign(t, { code: 52, message: 'Empty reply from server' });
  }
  if (res.kind === 'reset') {
    verbose(`* Recv failure: Connection reset by peer`);
    verbose(`* Closing connection ${n}`);
    return Object.assign(t, { code: 56, message: 'Recv failure: Connection reset by peer' });
  }
  t.httpCode = res.status;
  if (o.verbose) {
    if (res.http10) ctx.err.push('* HTTP 1.0, assume close after body\n');
    for (const h of res.headerLines) ctx.err.push(`< ${h}\r\n`);
    ctx.err.push('< \r\n');
  }
  if (o.fail && res.status >= 400) {
    verbose(`* The requested URL returned error: ${res.status}`);
    verbose(`* Closing connection ${n}`);
    return Object.assign(t, { code: 22, message: `The requested URL returned error: ${res.status}` });
  }
  const out = o.output === '/dev/null' ? null : ctx.out;
  if (o.head || o.include) out?.push(res.headerLines.map((h) => `${h}\r\n`).join('') + '\r\n');
  if (res.body.length > 0) {
    if (o.verbose) ctx.err.push(`{ [${res.body.length} bytes data]\n`);
    out?.push(decoder.decode(res.body));
  }
  t.sizeDownload = res.body.length;
  verbose(res.keepAlive ? `* Connection #${n} to host ${url.host} left intact` : `* Closing connection ${n}`);
  return t;
}

export const curlCommand: CommandSpec = {
  name: 'curl',
  kind: 'probe',
  summary: 'fetch a URL over HTTP and print the response (curl)',
  learn: 'curl --help',
  complete: (args, env) => (args[args.length - 1] === '-o' ? ['/dev/null'] : env.addresses.map((a) => `http://${a}/`)),
  run: curl,
};
