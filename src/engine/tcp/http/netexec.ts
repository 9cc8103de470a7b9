/**
 * agnhost netexec (kubernetes test/images/agnhost/netexec/netexec.go), the server Kubernetes e2e
 * pods run: over HTTP `/hostname`, `/clientip` (the client's ip:port as the pod sees it, after
 * any NAT), `/echo?msg=…[&code=N]`, `/healthz`, and `/` ("NOW: <time>"); over UDP the commands
 * `hostname`, `echo …` and `clientip`. Replies are framed as Go's net/http frames them: Date,
 * Content-Length, then the sniffed Content-Type, keep-alive.
 */
import { formatIpv4, type Ipv4 } from '../../addr/ipv4';
import type { Netns } from '../../netns/netns';
import type { SockErrno } from '../../socket/errno';
import { udpSocket, type UdpSock } from '../../socket/udp_sock';
import { textPayload, payloadText } from '../../wire/payload';
import { httpListen, type HttpReply, type HttpRequest, type HttpServer } from './server';

/** net/http's StatusText for the codes a lab sees (Envoy's codec writes the same reason phrases) */
export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  417: 'Expectation Failed',
  418: "I'm a teapot",
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The wall clock a server reads, as Go formats it for a Date header (http.TimeFormat). */
export type HttpDate = (virtualMs: number) => string;

/** A Go net/http reply: Date and Content-Length, and text/plain sniffed for a non-empty body. */
export function goReply(status: number, body: string, date: string): HttpReply {
  const head = [`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd(), `Date: ${date}`, `Content-Length: ${new TextEncoder().encode(body).length}`];
  if (body.length > 0) head.push('Content-Type: text/plain; charset=utf-8');
  return { head, body, close: false };
}

/** r.FormValue(name) from the query string */
function formValue(target: string, name: string): string {
  const q = target.indexOf('?');
  if (q < 0) return '';
  for (const kv of target.slice(q + 1).split('&')) {
    const [k, v = ''] = kv.split('=');
    if (decodeURIComponent(k) === name) return decodeURIComponent(v.replace(/\+/g, ' '));
  }
  return '';
}

/** The netexec mux: a request in, Go's reply out. */
export function netexecHandler(ns: Netns, date: HttpDate, nowText: (virtualMs: number) => string): (req: HttpRequest) => HttpReply {
  return (req) => {
    const now = ns.world.now;
    const path = req.target.split('?')[0];
    switch (path) {
      case '/hostname':
      case '/hostName':
        return goReply(200, ns.hostname, date(now));
      case '/clientip':
        return goReply(200, `${formatIpv4(req.peer.addr)}:${req.peer.port}`, date(now));
      case '/healthz':
        return goReply(200, '', date(now));
      case '/echo': {
        const msg = formValue(req.target, 'msg');
        const code = formValue(req.target, 'code');
        if (code !== '' && !/^-?\d+$/.test(code)) return goReply(200, `argument 'code' must be an integer or empty, got "${code}"\n`, date(now));
        return goReply(code === '' ? 200 : Number(code), msg, date(now));
      }
      default:
        return goReply(200, `NOW: ${nowText(now)}`, date(now));
    }
  };
}

export interface Netexec {
  http: HttpServer;
  udp: UdpSock | null;
  close(): void;
}

/** `agnhost netexec --http-port=P --udp-port=U` in a namespace (udpPort -1: none). */
export function startNetexec(ns: Netns, httpPort: number, udpPort: number, date: HttpDate, nowText: (ms: number) => string, owner?: { comm: string; pid: number }): Netexec | SockErrno {
  const http = httpListen(ns, 0 as Ipv4, httpPort, netexecHandler(ns, date, nowText), owner);
  if (typeof http === 'string') return http;
  let udp: UdpSock | null = null;
  if (udpPort !== -1) {
    const u = udpSocket(ns);
    const e = u.bind(0 as Ipv4, udpPort);
    if (e) {
      http.close();
      return e;
    }
    if (owner) u.owner = { ...owner, fd: 5 };
    u.waker = { wake: () => ns.world.scheduleCall(0, answerUdp, u, ns) };
    udp = u;
  }
  return {
    http,
    udp,
    close: () => {
      http.close();
      udp?.close();
    },
  };
}

/** startUDPServer(): answer each datagram's command. */
function answerUdp(u: UdpSock, ns: Netns): void {
  for (let d = u.recv(); d !== undefined; d = u.recv()) {
    if (typeof d === 'string') continue;
    const text = (payloadText(d.payload) ?? '').trim().toLowerCase();
    let reply: string | undefined;
    if (text === 'hostname') reply = ns.hostname;
    else if (text.startsWith('echo ')) reply = text.slice(5);
    else if (text === 'clientip') reply = `${formatIpv4(d.from)}:${d.port}`;
    if (reply !== undefined) u.sendto(textPayload(reply), d.from, d.port);
  }
}
