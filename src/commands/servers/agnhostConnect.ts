/**
 * `agnhost connect HOST:PORT [--timeout=D] [--protocol=tcp|udp]` (test/images/agnhost/connect),
 * the probe the upstream NetworkPolicy e2e suite runs in every pod: it tries one connection and
 * says why it failed with a fixed prefix on standard error, exit 1 (`TIMEOUT`, `REFUSED`,
 * `DNS: …`, `OTHER: …`, `UNKNOWN: …`); success prints nothing and exits 0.
 *
 * - tcp: net.DialTimeout. A SYN nobody answers (a NetworkPolicy DROP) runs into the timeout; an
 *   RST is REFUSED; an ICMP error is Go's OpError text ("dial tcp 10.244.2.3:80: connect: no
 *   route to host"). Go counts ETIMEDOUT as a timeout too, so without --timeout the kernel's own
 *   SYN retries end in TIMEOUT as well.
 * - udp: net.Dial (a connected socket), write "hostname\n", read one answer before the deadline:
 *   silence is "TIMEOUT: read udp L->R: i/o timeout", an ICMP port unreachable is
 *   "REFUSED: read udp L->R: read: connection refused".
 */
import { formatIpv4, type Ipv4 } from '../../engine/addr/ipv4';
import { waitUntil, type Proc } from '../../engine/proc/task';
import { SOCK_STRERROR, type SockErrno } from '../../engine/socket/errno';
import { udpSocket } from '../../engine/socket/udp_sock';
import { tcpSocket } from '../../engine/tcp/sock';
import { textPayload } from '../../engine/wire/payload';
import type { Ctx } from '../context';
import { parseResolvConf } from '../../kube/dns/resolvconf';
import { digHost } from '../dns/commands';
import { getaddrinfo } from '../netdb/names';

export const CONNECT_USAGE = `Usage:
  agnhost connect [host:port] [flags]

Flags:
  -h, --help               help for connect
      --protocol string    The protocol to use to perform the connection, can be tcp, udp or sctp (default "tcp")
      --sctp-data string   The SCTP payload send to the server (default "hostname")
      --timeout duration   Maximum time before returning an error
      --udp-data string    The UDP payload send to the server (default "hostname")
`;

const FLAGS = ['timeout', 'protocol', 'udp-data', 'sctp-data'] as const;
type Flag = (typeof FLAGS)[number];

/** Go's time.ParseDuration, in milliseconds ("1s", "500ms", "1m30s", "0"). */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  const body = s.replace(/^[+-]/, '');
  if (!body) return undefined;
  let ms = 0;
  re.lastIndex = 0;
  while (re.lastIndex < body.length) {
    const m = re.exec(body);
    if (!m) return undefined;
    ms += Number(m[1]) * unit[m[2]];
  }
  return s.startsWith('-') ? -ms : ms;
}

/** net.SplitHostPort's errors: "address foo: missing port in address" */
function splitHostPort(dest: string): { host: string; port: string } | string {
  const missing = `address ${dest}: missing port in address`;
  if (dest.startsWith('[')) {
    const end = dest.indexOf(']');
    if (end < 0) return `address ${dest}: missing ']' in address`;
    if (dest[end + 1] !== ':') return missing;
    return { host: dest.slice(1, end), port: dest.slice(end + 2) };
  }
  const i = dest.lastIndexOf(':');
  if (i < 0) return missing;
  if (dest.slice(0, i).includes(':')) return `address ${dest}: too many colons in address`;
  return { host: dest.slice(0, i), port: dest.slice(i + 1) };
}

/** Go's syscall error text: strerror in lower case ("connection refused"). */
const goErrno = (e: SockErrno): string => SOCK_STRERROR[e].toLowerCase();

interface Parsed {
  dest: string;
  flags: Partial<Record<Flag, string>>;
}

function parseArgs(argv: string[]): Parsed | string {
  const flags: Partial<Record<Flag, string>> = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') {
      args.push(a);
      continue;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a)!;
    const name = m[1] as Flag;
    if (!FLAGS.includes(name)) return `unknown flag: ${a.split('=')[0]}`;
    let v = m[2];
    if (v === undefined) {
      v = argv[++i];
      if (v === undefined) return `flag needs an argument: --${name}`;
    }
    flags[name] = v;
  }
  if (args.length !== 1) return `accepts 1 arg(s), received ${args.length}`;
  return { dest: args[0], flags };
}

/** The first nameserver of the pod's resolv.conf, as Go's DNSError names its server. */
function dnsServer(ctx: Ctx): string {
  const ns = parseResolvConf(digHost(ctx).resolvConf).nameservers[0] ?? '127.0.0.1';
  return `${ns}:53`;
}

export function* agnhostConnect(ctx: Ctx, argv: string[]): Proc {
  const p = parseArgs(argv);
  if (typeof p === 'string') {
    ctx.err.push(`Error: ${p}\n${CONNECT_USAGE}`);
    return 1;
  }
  const timeoutText = p.flags.timeout ?? '0s';
  const timeout = parseGoDuration(timeoutText);
  if (timeout === undefined) {
    ctx.err.push(`Error: invalid argument "${timeoutText}" for "--timeout" flag: time: invalid duration "${timeoutText}"\n${CONNECT_USAGE}`);
    return 1;
  }
  const protocol = p.flags.protocol ?? 'tcp';
  if (protocol !== '' && protocol !== 'tcp' && protocol !== 'udp') {
    // upstream prints the message, then the protocol (Fprint of two operands)
    ctx.err.push(`Unsupported protocol\n${protocol}`);
    return 1;
  }
  const hp = splitHostPort(p.dest);
  if (typeof hp === 'string') {
    ctx.err.push(protocol === 'udp' ? `DNS: ${hp}\n` : `UNKNOWN: ${hp}\n`);
    return 1;
  }
  const net = protocol === 'udp' ? 'udp' : 'tcp';
  const port = /^\d+$/.test(hp.port) && Number(hp.port) <= 65535 ? Number(hp.port) : undefined;
  if (port === undefined) {
    ctx.err.push(`DNS: lookup ${net}/${hp.port}: unknown port\n`);
    return 1;
  }
  const r = yield* getaddrinfo(ctx, hp.host);
  if (!r.ok) {
    ctx.err.push(`DNS: lookup ${hp.host} on ${dnsServer(ctx)}: no such host\n`);
    return 1;
  }
  const deadline = timeout > 0 ? ctx.world.now + timeout : Infinity;
  return net === 'tcp' ? yield* dialTcp(ctx, r.addr, port, deadline) : yield* dialUdp(ctx, r.addr, port, deadline, p.flags['udp-data'] ?? 'hostname');
}

const hostPort = (a: Ipv4, port: number) => `${formatIpv4(a)}:${port}`;

function* dialTcp(ctx: Ctx, addr: Ipv4, port: number, deadline: number): Proc {
  const sk = tcpSocket(ctx.ns, ctx.task);
  try {
    const e = sk.connect(addr, port);
    if (e) return other(ctx, `dial tcp ${hostPort(addr, port)}: connect: ${goErrno(e)}`);
    while (sk.state === 'SYN_SENT') {
      if (ctx.world.now >= deadline) return timedOut(ctx, 'TIMEOUT\n');
      yield waitUntil(deadline);
    }
    if (sk.state !== 'CLOSED') return 0;
    const err = sk.takeError() ?? 'ECONNREFUSED';
    if (err === 'ECONNREFUSED') return timedOut(ctx, 'REFUSED\n');
    if (err === 'ETIMEDOUT') return timedOut(ctx, 'TIMEOUT\n');
    return other(ctx, `dial tcp ${hostPort(addr, port)}: connect: ${goErrno(err)}`);
  } finally {
    sk.close();
  }
}

function* dialUdp(ctx: Ctx, addr: Ipv4, port: number, deadline: number, data: string): Proc {
  const sk = udpSocket(ctx.ns, ctx.task);
  try {
    const e = sk.connect(addr, port);
    if (e) return other(ctx, `dial udp ${hostPort(addr, port)}: connect: ${goErrno(e)}`);
    const conn = `${hostPort(sk.laddr, sk.lport)}->${hostPort(addr, port)}`;
    const w = sk.sendto(textPayload(`${data}\n`));
    if (w) return udpError(ctx, `write udp ${conn}: write: ${goErrno(w)}`, w);
    for (;;) {
      const got = sk.recv();
      if (typeof got === 'string') return udpError(ctx, `read udp ${conn}: read: ${goErrno(got)}`, got);
      if (got !== undefined) {
        if (got.payload.len > 0) return 0;
        ctx.err.push('OTHER: No data received from the server. Cannot guarantee the server received the request.\n');
        return 1;
      }
      if (ctx.world.now >= deadline) return udpError(ctx, `read udp ${conn}: i/o timeout`, 'ETIMEDOUT');
      yield deadline === Infinity ? waitUntil() : waitUntil(deadline);
    }
  } finally {
    sk.close();
  }
}

/** parseUDPErrorAndExit */
function udpError(ctx: Ctx, text: string, e: SockErrno): number {
  ctx.err.push(e === 'ETIMEDOUT' ? `TIMEOUT: ${text}\n` : e === 'ECONNREFUSED' ? `REFUSED: ${text}\n` : `UNKNOWN: ${text}\n`);
  return 1;
}

function timedOut(ctx: Ctx, text: string): number {
  ctx.err.push(text);
  return 1;
}

function other(ctx: Ctx, text: string): number {
  ctx.err.push(`OTHER: ${text}\n`);
  return 1;
}

