/**
 * A sidecar's upstream side, as coroutine steps of the task serving a connection: one try of a
 * request on a new connection (connect with Envoy's connect timeout, Istio's mTLS handshake when
 * the endpoint gets mutual TLS, the request, the response by its framing or until the try's
 * deadline), and a TCP relay between two connections for what is not HTTP.
 */
import { formatIpv4, parseIpv4, type Ipv4 } from '../../../engine/addr/ipv4';
import { waitUntil, type Task, type Wait, type Woken } from '../../../engine/proc/task';
import type { TcpSock } from '../../../engine/tcp/sock';
import { header, headEnd, parseRequest, parseResponse, responseBytes, type HttpRequestHead, type HttpResponseMsg } from './http1';
import type { Sidecar } from './sidecar';
import { clientHello, Conn } from './stream';
import type { SpanConn } from './telemetry';

export type TryOutcome =
  | { kind: 'response'; res: HttpResponseMsg; conn: SpanConn; peer: string | undefined }
  | { kind: 'connect-failure'; reason: string; conn: SpanConn | undefined }
  | { kind: 'reset'; conn: SpanConn }
  | { kind: 'timeout'; conn: SpanConn | undefined };

export interface TryRequest {
  ip: string;
  port: number;
  bytes: Uint8Array;
  head: boolean;
  /** mutual TLS: the SNI to ask for and our identity */
  mtls: { sni: string; identity: string } | undefined;
  /** a local address to bind (the inbound passthrough's 127.0.0.6) */
  bindAddr?: Ipv4;
  deadline: number;
  connectTimeoutMs: number;
}

type Step<T> = Generator<Wait, T, Woken>;

export const connOf = (sk: TcpSock): SpanConn => ({ src: formatIpv4(sk.laddr), sport: sk.lport, dst: formatIpv4(sk.raddr), dport: sk.rport });

/** Open an upstream connection for a task; undefined and the reason when it cannot be made. */
export function* connectUpstream(
  sc: Sidecar,
  task: Task,
  ip: string,
  port: number,
  deadline: number,
  connectTimeoutMs: number,
  bindAddr?: Ipv4,
): Step<{ sk: TcpSock } | { fail: 'connect' | 'timeout'; reason: string; conn?: SpanConn }> {
  const w = sc.world;
  const sk = sc.socket(task);
  if (bindAddr !== undefined && sk.bind(bindAddr, 0)) {
    sk.close();
    return { fail: 'connect', reason: 'local connection failure' };
  }
  const addr = parseIpv4(ip);
  if (addr === null || sk.connect(addr, port)) {
    sk.close();
    return { fail: 'connect', reason: 'connection failure' };
  }
  // the connection that failed, so its SYNs and the reset can be found in the trace
  const conn = connOf(sk);
  const by = Math.min(deadline, w.now + connectTimeoutMs);
  while (sk.state === 'SYN_SENT') {
    if (w.now >= by) {
      sk.close();
      return by === deadline ? { fail: 'timeout', reason: 'connection timeout', conn } : { fail: 'connect', reason: 'connection timeout', conn };
    }
    yield waitUntil(by);
  }
  if (sk.state !== 'ESTABLISHED' && sk.state !== 'CLOSE_WAIT') {
    sk.close();
    return { fail: 'connect', reason: 'connection failure', conn };
  }
  return { sk };
}

/** The pool a try's connection belongs to: same host, same local address, same mTLS SNI. */
const poolKey = (r: TryRequest): string => `${r.bindAddr ?? ''}|${r.ip}:${r.port}|${r.mtls?.sni ?? ''}`;

/** The exchange left the connection clean: the response was framed by its length and nobody asked to close. */
function reusable(up: Conn, res: HttpResponseMsg, r: TryRequest, request: HttpRequestHead | undefined): boolean {
  if (up.eof || up.sock.state !== 'ESTABLISHED') return false;
  if ((header(res.headers, 'connection') ?? '').toLowerCase() === 'close') return false;
  if (request && (header(request.headers, 'connection') ?? '').toLowerCase() === 'close') return false;
  const b = up.buffered;
  const end = headEnd(b);
  const cl = header(res.headers, 'content-length');
  const bodyless = r.head || res.status === 204 || res.status === 304;
  if (!bodyless && cl === undefined) return false;
  return b.length === end + (bodyless ? 0 : Number(cl));
}

/** One try of a request: a pooled connection or a new one (with the mTLS handshake), send, read the response. */
export function* tryUpstream(sc: Sidecar, task: Task, r: TryRequest): Step<TryOutcome> {
  const w = sc.world;
  const key = poolKey(r);
  let pooled = sc.pool.take(key, task);
  if (pooled === undefined) {
    const c = yield* connectUpstream(sc, task, r.ip, r.port, r.deadline, r.connectTimeoutMs, r.bindAddr);
    if ('fail' in c) return c.fail === 'timeout' ? { kind: 'timeout', conn: c.conn } : { kind: 'connect-failure', reason: c.reason, conn: c.conn };
    pooled = { up: new Conn(c.sk), peer: undefined };
  }
  const { up } = pooled;
  const sk = up.sock;
  const conn = connOf(sk);
  let keep = false;
  try {
    if (r.mtls && !up.tls) {
      up.send(clientHello(r.mtls.sni, r.mtls.identity));
      for (;;) {
        up.pull();
        const hello = up.handshake.find((h) => h.kind === 'server-hello');
        if (hello) {
          pooled.peer = hello.identity;
          break;
        }
        if (up.eof) return { kind: 'reset', conn };
        if (w.now >= r.deadline) return { kind: 'timeout', conn };
        yield waitUntil(r.deadline);
      }
      up.tls = true;
    }
    up.write(r.bytes);
    for (;;) {
      up.pull();
      const res = parseResponse(up.buffered, up.eof, r.head);
      if (res) {
        if (reusable(up, res, r, parseRequest(r.bytes))) {
          up.take();
          sc.pool.put(key, pooled, (fn) => w.scheduleCall(0, fn, undefined, undefined));
          keep = true;
        }
        return { kind: 'response', res, conn, peer: pooled.peer };
      }
      if (up.eof) return { kind: 'reset', conn };
      if (w.now >= r.deadline) return { kind: 'timeout', conn };
      yield waitUntil(r.deadline);
    }
  } finally {
    if (!keep) sk.close();
  }
}

/** Move bytes both ways until both sides are done (a FIN passed on as a FIN, a reset as a reset). */
export function* relay(a: Conn, b: Conn): Step<void> {
  let aDone = false;
  let bDone = false;
  for (;;) {
    a.pull();
    b.pull();
    if (a.size) b.write(a.take());
    if (b.size) a.write(b.take());
    if (a.eof && !aDone) {
      aDone = true;
      if (a.error) b.sock.abort();
      else b.sock.shutdownWrite();
    }
    if (b.eof && !bDone) {
      bDone = true;
      if (b.error) a.sock.abort();
      else a.sock.shutdownWrite();
    }
    if (aDone && bDone) break;
    yield waitUntil();
  }
  a.sock.close();
  b.sock.close();
}

/**
 * HTTP/1.1 on a downstream connection, request after request: each whole request (its body as
 * long as Content-Length says) is answered by `handle`, until the client closes or asks to.
 */
export function* serveRequests(task: Task, down: Conn, sock: TcpSock, handle: (req: HttpRequestHead, body: Uint8Array) => Step<HttpResponseMsg>): Step<number> {
  for (let n = 0; ; n++) {
    let req: HttpRequestHead | undefined;
    for (;;) {
      down.pull();
      req = parseRequest(down.buffered);
      if (req || down.eof) break;
      yield waitUntil();
    }
    if (!req) break;
    // a request on a kept connection is the work of whoever sent it (the trace of its command)
    if (n > 0) task.followWaker();
    const body = down.buffered.slice(req.headLength, req.length);
    down.consume(req.length);
    const res = yield* handle(req, body);
    if (!down.open) break;
    down.write(responseBytes(res, req.method === 'HEAD'));
    if ((header(req.headers, 'connection') ?? '').toLowerCase() === 'close') break;
  }
  sock.close();
  return 0;
}
