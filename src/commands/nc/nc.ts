/**
 * nc: netcat-openbsd 1.219 (Debian) on the lab's sockets. A client connects to each port in turn
 * (TCP, or UDP with -u), a server listens (-l, -k), and both copy standard input to the network
 * and what arrives to standard output, with nc's messages (-v), timeouts (-w, -q) and exit codes.
 *
 * Standard input is the step's input or the pipe before nc, then end of file (a script's nc reads
 * /dev/null); typed in a terminal without a pipe it is the terminal, which never ends.
 */
import { formatIpv4, parseInetAton, type Ipv4 } from '../../engine/addr/ipv4';
import { serviceName } from '../../engine/netfilter/netdb';
import { sleepUntil, waitUntil, type Proc, type Task, type Wait, type Woken } from '../../engine/proc/task';
import { SOCK_STRERROR, type SockErrno } from '../../engine/socket/errno';
import { udpSocket, type UdpSock } from '../../engine/socket/udp_sock';
import { tcpSocket, TcpSock } from '../../engine/tcp/sock';
import { textPayload, payloadText } from '../../engine/wire/payload';
import type { Ctx } from '../context';
import { getaddrinfo, getnameinfo } from '../netdb/names';
import type { CommandSpec } from '../registry/types';
import { buildPorts, NC_USAGE, parseNcArgs, strtoport, type NcOptions } from './options';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** How long one write() takes: time for an ICMP error on a LAN to come back before the next one (udptest). */
const SYSCALL_MS = 0.1;

const pidOf = (ctx: Ctx): number => ('pid' in ctx.task ? (ctx.task as Task).pid : 0);

/** What nc reads on standard input: the text, and whether end of file follows it. */
function stdinOf(ctx: Ctx, o: NcOptions): { text: string; eof: boolean } {
  if (o.noStdin) return { text: '', eof: false };
  if (ctx.stdin !== undefined) return { text: o.crlf ? ctx.stdin.replace(/\r?\n/g, '\r\n') : ctx.stdin, eof: true };
  return { text: '', eof: ctx.shell === 'sh' };
}

/** report_sock(): "Listening on 0.0.0.0 8080", "Connection received on 10.0.0.1 37638". */
function reportSock(ctx: Ctx, o: NcOptions, msg: string, addr: Ipv4, port: number): void {
  const n = getnameinfo(addr, o.numeric);
  if (!n.ok) ctx.err.push(`nc: getnameinfo: ${n.error}\n`);
  else ctx.err.push(`${msg} on ${n.host} ${port}\n`);
}

export function* nc(ctx: Ctx, argv: string[]): Proc {
  const p = parseNcArgs(argv);
  if (!p.ok) {
    ctx.err.push(p.stderr);
    return p.exit;
  }
  const o = p.o;
  const args = o.args;
  let host: string | undefined;
  let ports: string[] = [];
  if (o.listen) {
    if (args.length === 0) {
      if (o.sourcePort === undefined) return failWith(ctx, 'nc: missing port number\n');
      ports = [o.sourcePort];
    } else if (args.length === 1) {
      if (o.sourcePort !== undefined) return usage(ctx);
      ports = [args[0]];
    } else if (args.length === 2 && o.sourcePort === undefined) {
      host = args[0];
      ports = [args[1]];
    } else return usage(ctx);
  } else if (args.length === 0) return usage(ctx);
  else if (args.length === 1) return failWith(ctx, 'nc: missing port number\n');
  else {
    host = args[0];
    ports = args.slice(1);
  }
  if (o.listen && o.zero) return failWith(ctx, 'nc: cannot use -z and -l\n');
  if (!o.listen && o.keep) return failWith(ctx, 'nc: must use -l with -k\n');
  return o.listen ? yield* listenMode(ctx, o, host, ports[0]) : yield* clientMode(ctx, o, host!, ports);
}

function usage(ctx: Ctx): number {
  ctx.err.push(NC_USAGE);
  return 1;
}

function failWith(ctx: Ctx, msg: string): number {
  ctx.err.push(msg);
  return 1;
}

function* clientMode(ctx: Ctx, o: NcOptions, host: string, portArgs: string[]): Proc {
  const proto = o.udp ? 'udp' : 'tcp';
  const ports: number[] = [];
  for (const a of portArgs) {
    const r = buildPorts(a, o.udp);
    if (typeof r === 'string') return failWith(ctx, r);
    ports.push(...r);
  }
  let ret = 1;
  for (const port of ports) {
    const r = yield* getaddrinfo(ctx, host, o.numeric);
    if (!r.ok) return failWith(ctx, `nc: getaddrinfo for host "${host}" port ${port}: ${r.error}\n`);
    // "localhost (127.0.0.1)": the address too, when it says something the name did not
    const ip = formatIpv4(r.addr);
    const shown = o.numeric || ip === host ? host : `${host} (${ip})`;
    const sk = o.udp ? udpSocket(ctx.ns, ctx.task) : tcpSocket(ctx.ns, ctx.task);
    sk.owner = { comm: 'nc', pid: pidOf(ctx), fd: 3 };
    try {
      const bound = bindSource(ctx, o, sk);
      if (bound !== undefined) return bound;
      const e = o.udp ? (sk as UdpSock).connect(r.addr, port) : yield* tcpConnect(ctx, o, sk as TcpSock, r.addr, port, shown);
      if (e === 'timeout') continue;
      if (e) {
        if (o.verbose) ctx.err.push(`nc: connect to ${shown} port ${port} (${proto}) failed: ${SOCK_STRERROR[e]}\n`);
        continue;
      }
      ret = 0;
      if (o.verbose || o.zero) {
        if (o.udp && !(yield* udptest(sk as UdpSock))) {
          ret = 1;
          continue;
        }
        const sv = o.numeric ? undefined : serviceName(port, proto);
        if (o.verbose) ctx.err.push(`Connection to ${shown} ${port} port [${proto}/${sv ?? '*'}] succeeded!\n`);
      }
      if (!o.zero) yield* readwrite(ctx, o, sk, false);
    } finally {
      sk.close();
    }
  }
  return ret;
}

/** -s ADDR / -p PORT: bind the client's socket first. Returns an exit status when it fails. */
function bindSource(ctx: Ctx, o: NcOptions, sk: TcpSock | UdpSock): number | undefined {
  if (o.sourceAddr === undefined && o.sourcePort === undefined) return undefined;
  let addr = 0 as Ipv4;
  if (o.sourceAddr !== undefined) {
    const a = parseInetAton(o.sourceAddr);
    if (a === null) return failWith(ctx, 'nc: getaddrinfo: Name or service not known\n');
    addr = a;
  }
  let port = 0;
  if (o.sourcePort !== undefined) {
    const p = strtoport(o.sourcePort, o.udp);
    if (typeof p === 'string') return failWith(ctx, p);
    port = p;
  }
  const e = sk.bind(addr, port);
  // remote_connect(): err(1, "bind failed")
  return e ? failWith(ctx, `nc: bind failed: ${SOCK_STRERROR[e]}\n`) : undefined;
}

/** connect() with -w as the limit (timeout_connect()); 'timeout' once it has said so. */
function* tcpConnect(ctx: Ctx, o: NcOptions, sk: TcpSock, addr: Ipv4, port: number, host: string): Generator<Wait, SockErrno | 'timeout' | undefined, Woken> {
  const e = sk.connect(addr, port);
  if (e) return e;
  const deadline = o.timeout >= 0 ? ctx.world.now + o.timeout * 1000 : Infinity;
  while (sk.state === 'SYN_SENT') {
    if (ctx.world.now >= deadline) {
      if (o.verbose) ctx.err.push(`nc: connect to ${host} port ${port} (tcp) timed out: Operation now in progress\n`);
      return 'timeout';
    }
    yield waitUntil(deadline);
  }
  return sk.state === 'CLOSED' ? (sk.takeError() ?? 'ECONNREFUSED') : undefined;
}

/** udptest(): four one-byte writes; a closed port's ICMP error makes the last of them fail. */
function* udptest(sk: UdpSock): Generator<Wait, boolean, Woken> {
  let ok = false;
  for (let i = 0; i <= 3; i++) {
    ok = sk.sendto(textPayload('X')) === undefined;
    yield sleepUntil(sk.ns.world.now + SYSCALL_MS);
  }
  return ok;
}

function* listenMode(ctx: Ctx, o: NcOptions, host: string | undefined, portArg: string): Proc {
  const port = strtoport(portArg, o.udp);
  if (typeof port === 'string') return failWith(ctx, port);
  let addr = 0 as Ipv4;
  if (host !== undefined) {
    const r = yield* getaddrinfo(ctx, host, o.numeric);
    if (!r.ok) return failWith(ctx, `nc: getaddrinfo: ${r.error}\n`);
    addr = r.addr;
  }
  const pid = pidOf(ctx);
  if (o.udp) {
    const sk = udpSocket(ctx.ns, ctx.task);
    sk.owner = { comm: 'nc', pid, fd: 3 };
    // local_listen() sets SO_REUSEADDR and SO_REUSEPORT before bind(): a second nc -l binds beside it
    sk.reuseAddr = true;
    sk.reusePort = true;
    try {
      const e = sk.bind(addr, port);
      if (e) return failWith(ctx, `nc: ${SOCK_STRERROR[e]}\n`);
      if (o.verbose) reportSock(ctx, o, 'Bound', addr, port);
      // the first datagram decides the peer (recvfrom with MSG_PEEK, then connect unless -k)
      while (sk.recvQ.length === 0) yield waitUntil();
      const first = sk.recvQ[0];
      if (!o.keep) sk.connect(first.from, first.port);
      if (o.verbose) reportSock(ctx, o, 'Connection received', first.from, first.port);
      yield* readwrite(ctx, o, sk, true);
    } finally {
      sk.close();
    }
    return 0;
  }
  const l = tcpSocket(ctx.ns, ctx.task);
  l.owner = { comm: 'nc', pid, fd: 3 };
  l.reuseAddr = true;
  l.reusePort = true;
  try {
    const e = l.bind(addr, port) ?? l.listen(1);
    if (e) return failWith(ctx, `nc: ${SOCK_STRERROR[e]}\n`);
    if (o.verbose) reportSock(ctx, o, 'Listening', addr, port);
    for (;;) {
      let c: TcpSock | undefined;
      while ((c = l.accept()) === undefined) yield waitUntil();
      c.waker = ctx.task;
      c.owner = { comm: 'nc', pid, fd: 4 };
      if (o.verbose) reportSock(ctx, o, 'Connection received', c.raddr, c.rport);
      try {
        yield* readwrite(ctx, o, c, true);
      } finally {
        c.close();
      }
      if (!o.keep) break;
    }
  } finally {
    l.close();
  }
  return 0;
}

/**
 * readwrite(): standard input to the network, the network to standard output, until both inputs
 * are done (a server: until the peer is done), -q after the end of standard input, or -w of
 * silence.
 */
function* readwrite(ctx: Ctx, o: NcOptions, sk: TcpSock | UdpSock, server: boolean): Proc {
  const w = ctx.world;
  const input = stdinOf(ctx, o);
  let stdinDone = false;
  let netDone = false;
  let quitAt = Infinity;
  let received = 0;
  const stdinEof = () => {
    stdinDone = true;
    if (o.shutdownOnEof && sk instanceof TcpSock) sk.shutdownWrite();
    if (o.quit >= 0) quitAt = w.now + o.quit * 1000;
  };
  // the read that finds end of file is a later turn of nc's poll loop (on a LAN the peer's ACK of
  // the data comes first); what the network brings meanwhile is printed as it comes
  let eofAt = Infinity;
  if (input.text) {
    const e = sk instanceof TcpSock ? sk.send(encoder.encode(input.text)) : sk.sendto(textPayload(input.text));
    if (e) netDone = true;
    if (input.eof) eofAt = w.now + SYSCALL_MS;
  } else if (input.eof) stdinEof();
  let idleUntil = o.timeout >= 0 ? w.now + o.timeout * 1000 : Infinity;
  for (;;) {
    if (w.now >= eofAt) {
      eofAt = Infinity;
      stdinEof();
    }
    // what arrived
    if (sk instanceof TcpSock) {
      // poll() is level-triggered: read until the socket would block (the FIN may be behind the data)
      for (let r = sk.recv(); r !== undefined && !netDone; r = sk.recv()) {
        if (!Array.isArray(r)) {
          netDone = true;
          break;
        }
        for (const c of r) ctx.out.push(c instanceof Uint8Array ? decoder.decode(c) : '');
        received += r.length;
        idleUntil = o.timeout >= 0 ? w.now + o.timeout * 1000 : Infinity;
      }
    } else {
      let d;
      while ((d = sk.recv()) !== undefined) {
        if (typeof d === 'string') {
          netDone = true;
          break;
        }
        ctx.out.push(payloadText(d.payload) ?? '');
        received++;
        idleUntil = o.timeout >= 0 ? w.now + o.timeout * 1000 : Infinity;
      }
    }
    if (o.recvLimit > 0 && received >= o.recvLimit) return 0;
    if (netDone && (stdinDone || server)) return 0;
    const until = Math.min(quitAt, idleUntil);
    if (w.now >= until) return 0;
    yield waitUntil(Math.min(until, eofAt));
  }
}

export const ncCommand: CommandSpec = {
  name: 'nc',
  kind: 'probe',
  summary: 'open TCP or UDP connections and listen on ports, copying standard input and output (netcat-openbsd)',
  learn: 'nc -h',
  complete: (args, env) => (['-p', '-w', '-q', '-s', '-i'].includes(args[args.length - 1]) ? [] : env.addresses),
  run: nc,
};

