/**
 * An HTTP/1.x server on a listening TCP socket, run by the socket's wake-ups rather than by a task:
 * the servers a lab's pods run (agnhost netexec, python's http.server) are kernels of request →
 * reply, and this file is the connection handling around them: accept, wait for a whole request
 * head, answer, then close (HTTP/1.0 servers, `Connection: close`) or wait for the next request.
 *
 * Nothing is kept outside the sockets: a request not yet whole stays unread in the socket's
 * receive queue (peeked, not taken), so a probe's rollback puts a server back exactly as it was.
 */
import type { Ipv4 } from '../../addr/ipv4';
import type { Netns } from '../../netns/netns';
import type { SockErrno } from '../../socket/errno';
import { tcpSocket, type TcpSock } from '../sock';

export interface HttpRequest {
  method: string;
  /** the request target, path and query ("/echo?msg=hi") */
  target: string;
  /** "HTTP/1.1" */
  version: string;
  /** header lines as received, in order */
  headers: readonly (readonly [string, string])[];
  /** the client as the server's socket sees it */
  peer: { addr: Ipv4; port: number };
}

export interface HttpReply {
  /** the status line and header lines, without CRLF */
  head: readonly string[];
  body: string;
  /** the server closes the connection after this reply */
  close: boolean;
}

/** A server program: a request in, a reply out (it may log as it goes). */
export type HttpHandler = (req: HttpRequest) => HttpReply;

export interface HttpServer {
  readonly sock: TcpSock;
  /** stop listening: the listener closes, connections in progress are reset as close() does */
  close(): void;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** listen() on addr:port (0 = any address) and answer every request with handler. */
export function httpListen(ns: Netns, addr: Ipv4, port: number, handler: HttpHandler, owner?: { comm: string; pid: number }, backlog = 4096): HttpServer | SockErrno {
  const l = tcpSocket(ns);
  const e = l.bind(addr, port) ?? l.listen(backlog);
  if (e) {
    l.close();
    return e;
  }
  if (owner) l.owner = { ...owner, fd: 3 };
  const conns: TcpSock[] = [];
  const serve = (): void => {
    for (let c = l.accept(); c !== undefined; c = l.accept()) {
      if (owner) c.owner = { ...owner, fd: 4 + conns.length };
      c.waker = { wake: () => ns.world.scheduleCall(0, serveConn, c, handler) };
      conns.push(c);
      serveConn(c, handler);
    }
  };
  l.waker = { wake: () => ns.world.scheduleCall(0, serve, undefined, undefined) };
  return {
    sock: l,
    close: () => {
      l.close();
      for (const c of conns) c.close();
    },
  };
}

/** Answer every whole request waiting on c; close when the client is done or the reply says so. */
function serveConn(c: TcpSock, handler: HttpHandler): void {
  for (;;) {
    if (c.state === 'CLOSED' || c.userClosed) return;
    const req = peekRequest(c);
    if (req === undefined) {
      // no whole request: a client that has finished sending gets the connection closed
      if (c.rcvFin) c.close();
      return;
    }
    const reply = handler(req);
    const text = `${reply.head.join('\r\n')}\r\n\r\n${req.method === 'HEAD' ? '' : reply.body}`;
    c.send(encoder.encode(text));
    if (reply.close) {
      c.close();
      return;
    }
  }
}

/** The first whole request head in c's receive queue, taken off it; undefined while incomplete. */
function peekRequest(c: TcpSock): HttpRequest | undefined {
  let text = '';
  for (const chunk of c.recvQ) text += chunk instanceof Uint8Array ? decoder.decode(chunk, { stream: true }) : '';
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = text.slice(0, end).split('\r\n');
  const [method = '', target = '/', version = 'HTTP/1.0'] = lines[0].split(' ');
  const headers = lines.slice(1).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()] as const;
  });
  // take the request off the queue (a body, which the lab's servers ignore, goes with it)
  c.recv();
  return { method, target, version, headers, peer: { addr: c.raddr, port: c.rport } };
}
