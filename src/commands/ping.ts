import { formatIpv4, parseInetAton, parseIpv4, type Ipv4 } from '../engine/addr/ipv4';
import { STRERROR } from '../engine/fib/route';
import { connectRoute, PingSocket, traceConnectFailure, type PingEvent, type Pmtudisc } from '../engine/ipv4/session';
import { Signaled, waitUntil, type Proc, type Wait, type Woken } from '../engine/proc/task';
import { awaitDnsIo, digHost } from './dns/commands';
import { byAddr } from './dns/getent';
import type { CommandSpec } from './registry/types';
import type { Netdev } from '../engine/netns/netdev';
import { isLocal } from '../engine/fib/frontend';
import { icmpErrorText } from '../engine';
import { fail, type Ctx } from './context';
import { getaddrinfo } from './netdb/names';

/** iputils ping (20221126), on virtual time: same lines, same statistics, same exit codes. */

const PING_USAGE = `
Usage
  ping [options] <destination>

Options:
  <destination>      dns name or ip address
  -a                 use audible ping
  -A                 use adaptive ping
  -B                 sticky source address
  -c <count>         stop after <count> replies
  -C                 call connect() syscall on socket creation
  -D                 print timestamps
  -d                 use SO_DEBUG socket option
  -e <identifier>    define identifier for ping session, default is random for
                     SOCK_RAW and kernel defined for SOCK_DGRAM
                     Imply using SOCK_RAW (for IPv4 only for identifier 0)
  -f                 flood ping
  -h                 print help and exit
  -I <interface>     either interface name or address
  -i <interval>      seconds between sending each packet
  -L                 suppress loopback of multicast packets
  -l <preload>       send <preload> number of packages while waiting replies
  -m <mark>          tag the packets going out
  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>
  -n                 no dns name resolution
  -O                 report outstanding replies
  -p <pattern>       contents of padding byte
  -q                 quiet output
  -Q <tclass>        use quality of service <tclass> bits
  -s <size>          use <size> as number of data bytes to be sent
  -S <size>          use <size> as SO_SNDBUF socket option value
  -t <ttl>           define time to live
  -U                 print user-to-user latency
  -v                 verbose output
  -V                 print version and exit
  -w <deadline>      reply wait <deadline> in seconds
  -W <timeout>       time to wait for response

IPv4 options:
  -4                 use IPv4
  -b                 allow pinging broadcast
  -R                 record route
  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>

IPv6 options:
  -6                 use IPv6
  -F <flowlabel>     define flow label, default is random
  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument

For more details see ping(8).
`;

const WITH_ARG = new Set(['c', 'e', 'i', 'I', 'W', 't', 's', 'w', 'l', 'm', 'M', 'p', 'Q', 'S', 'T', 'F', 'N']);
const FLAGS = new Set(['a', 'A', 'B', 'C', 'D', 'd', 'f', 'h', 'L', 'n', 'O', 'q', 'U', 'v', 'V', '4', '6', 'b', 'R']);

interface Opts {
  count?: number;
  interval: number;
  timeout?: number;
  deadline?: number;
  ttl: number;
  size: number;
  quiet: boolean;
  broadcast: boolean;
  /** -n, or a numeric target: no reverse lookups */
  numeric?: boolean;
  iface?: string;
  pmtudisc?: Pmtudisc;
}

const PMTUDISC: readonly Pmtudisc[] = ['do', 'dont', 'want', 'probe'];

/**
 * iputils ping_strtod(): the longest number at the front counts; anything after it (or the whole
 * argument when no number starts it) is only warned about, for now.
 */
function pingStrtod(ctx: Ctx, v: string, what: string): number {
  if (v === '') fail(ctx, `ping: ${what}: ${v}\n`, 2);
  const m = /^[ \t\n\v\f\r]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(v);
  const rest = m ? v.slice(m[0].length) : v;
  if (rest) ctx.err.push(`ping: option argument contains garbage: ${rest}\nping: this will become fatal error in the future\n`);
  return m ? Number(m[0]) : 0;
}

function parseNumber(ctx: Ctx, v: string, kind: 'int' | 'float'): number {
  const n = kind === 'int' ? (/^\d+$/.test(v) ? Number(v) : NaN) : /^\d*\.?\d+$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(n)) fail(ctx, `ping: invalid argument: '${v}'\n`, 1);
  return n;
}

export function* ping(ctx: Ctx, argv: string[]): Proc {
  const o: Opts = { interval: 1000, ttl: 64, size: 56, quiet: false, broadcast: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (FLAGS.has(c)) {
        if (c === 'q') o.quiet = true;
        if (c === 'b') o.broadcast = true;
        if (c === 'n') o.numeric = true;
        if (c === 'h') fail(ctx, PING_USAGE, 2);
        if (c === 'V') {
          ctx.out.push('ping from iputils 20221126\n');
          return 0;
        }
        continue;
      }
      if (!WITH_ARG.has(c)) fail(ctx, `ping: invalid option -- '${c}'\n${PING_USAGE}`, 2);
      const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
      if (v === undefined) fail(ctx, `ping: option requires an argument -- '${c}'\n${PING_USAGE}`, 2);
      switch (c) {
        case 'c':
          o.count = parseNumber(ctx, v, 'int');
          if (o.count < 1) fail(ctx, `ping: invalid argument: '${v}': out of range: 1 <= value <= 9223372036854775807\n`, 1);
          break;
        case 'i': {
          // iputils takes a negative interval too; it cannot send into the past, so it is 0 here
          o.interval = Math.max(0, pingStrtod(ctx, v, 'bad timing interval')) * 1000;
          break;
        }
        case 'W': {
          const t = pingStrtod(ctx, v, 'bad linger time');
          if (t < 0 || t > 2147) fail(ctx, `ping: bad linger time: ${v}\n`, 2);
          // -W 0 still collects the answers already on their way while ping winds down
          o.timeout = Math.max(t * 1000, 1);
          break;
        }
        case 'w':
          o.deadline = parseNumber(ctx, v, 'int') * 1000;
          break;
        case 't':
          o.ttl = parseNumber(ctx, v, 'int');
          if (o.ttl > 255) fail(ctx, `ping: invalid argument: '${v}': out of range: 0 <= value <= 255\n`, 1);
          break;
        case 's':
          o.size = parseNumber(ctx, v, 'int');
          break;
        case 'I':
          o.iface = v;
          break;
        case 'M':
          if (!(PMTUDISC as readonly string[]).includes(v)) fail(ctx, `ping: invalid -M argument: ${v}\n`, 2);
          o.pmtudisc = v as Pmtudisc;
          break;
      }
      break;
    }
  }
  if (positional.length === 0) fail(ctx, 'ping: usage error: Destination address required\n', 1);
  // getaddrinfo() (AI_CANONNAME) for each argument in order: a numeric host as inet_aton() reads
  // it, a name through the resolver; the ones before the last are source-route hops
  const addrs: Ipv4[] = [];
  let target = '';
  for (const p of positional) {
    const r = yield* getaddrinfo(ctx, p);
    if (!r.ok) return fail(ctx, `ping: ${p}: ${r.error}\n`, 2);
    addrs.push(r.addr);
    target = r.canonical;
  }
  // a numeric target is printed as it is: only a name's replies are looked up again (pr_addr)
  if (parseInetAton(positional[positional.length - 1]) !== null) o.numeric = true;
  return yield* runPingCommand(ctx, addrs[addrs.length - 1], target, o, addrs[0], addrs.length > 1);
}

export const pingCommand: CommandSpec = {
  name: 'ping',
  kind: 'probe',
  summary: 'send ICMP echo requests and report the replies (iputils)',
  learn: 'ping -h',
  complete: (args, env) => (['-c', '-W', '-w', '-i', '-s', '-t'].includes(args[args.length - 1]) ? [] : env.addresses),
  run: ping,
};

/**
 * The most requests one ping sends. Linux goes on until interrupted (or -c runs out); a simulated
 * ping stops here and says so, after sending and counting every request for real. Without -c the
 * cap is lower: in a terminal a person stops it long before (10,000 requests are almost three
 * hours at one a second), and a script that forgets -c should not run for minutes.
 */
export const PING_PACKET_CAP = 100_000;
/** MININTERVAL of iputils' ping_common.c (ms) */
const FLOOD_MININTERVAL = 10;
export const PING_UNBOUNDED_CAP = 10_000;

function* runPingCommand(ctx: Ctx, dst: Ipv4, target: string, o: Opts, firstHop: Ipv4 = dst, sourceRoute = false): Proc {
  const ns = ctx.ns;
  let oif: Netdev | undefined;
  let saddr: Ipv4 | undefined;
  if (o.iface !== undefined) {
    const asAddr = parseIpv4(o.iface);
    if (asAddr !== null && /^[0-9.]+$/.test(o.iface)) {
      if (!isLocal(ns, asAddr)) fail(ctx, 'ping: bind: Cannot assign requested address\n', 2);
      saddr = asAddr;
    } else {
      oif = ns.devByName(o.iface);
      if (!oif) fail(ctx, `ping: SO_BINDTODEVICE ${o.iface}: No such device\n`, 2);
    }
  }
  // with source-route hops the socket connects towards the first one
  const c = connectRoute(ns, firstHop, { oif, saddr });
  if (!c.ok) {
    traceConnectFailure(ns, dst, c.errno);
    if (c.errno === 'EACCES') fail(ctx, 'ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n', 2);
    return fail(ctx, `ping: connect: ${STRERROR[c.errno]}\n`, 2);
  }
  // the hops go into an IP_OPTIONS source route, which the kernel refuses on ping's socket
  // (iputils words this failure "record route")
  if (sourceRoute) fail(ctx, 'ping: record route: Operation not permitted\n', 2);
  if (c.rt.type === 'broadcast') {
    if (!o.broadcast) fail(ctx, 'ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n', 2);
    ctx.err.push('WARNING: pinging broadcast address\n');
  }
  // 0.0.0.0 is this host: ping talks to the address the route gave (127.0.0.1, or the source on -I)
  if (dst === 0) {
    if (!ns.loopback.adminUp) fail(ctx, `ping: connect: ${STRERROR.ENETUNREACH}\n`, 2);
    dst = c.rt.nexthop;
  }
  const src = saddr ?? c.rt.src;
  const d = formatIpv4(dst);
  const from = o.iface !== undefined ? ` from ${formatIpv4(src)} ${oif ? `${oif.name}` : ''}:` : '';
  ctx.out.push(`PING ${target} (${d})${from} ${o.size}(${o.size + 28}) bytes of data.\n`);
  // without -c ping runs until interrupted; -w alone bounds it by its deadline
  const count = o.count ?? (o.deadline ? Math.ceil(o.deadline / o.interval) : Infinity);
  const timeout = o.timeout ?? o.deadline ?? 10000;
  const timing = o.size >= 16;
  const cap = o.count === undefined ? PING_UNBOUNDED_CAP : PING_PACKET_CAP;
  const w = ctx.world;
  const sock = PingSocket.open(ns, ctx.task);
  const start = w.now;
  let lastSend = start;
  const rtts: number[] = [];
  let printed = 0;
  // pr_addr(): a name target's replies and errors name their sender as getnameinfo(NI_NAMEREQD)
  // finds it (hosts file, then a PTR question), "NAME (ADDR)"; the last answer is kept
  let last: { addr: Ipv4; text: string } | undefined;
  let exiting = false;
  // pr_addr() for a name target: getnameinfo(NI_NAMEREQD) (hosts file, then a PTR question),
  // "NAME (ADDR)"; the answer is kept as `last`, which the printing then uses
  function* lookupSender(a: Ipv4): Generator<Wait, void, Woken> {
    const text = formatIpv4(a);
    const r = yield* awaitDnsIo(ctx, byAddr(text, digHost(ctx)));
    last = { addr: a, text: r !== null && r.canonical !== text ? `${r.canonical} (${text})` : text };
  }
  // replies and errors are printed as they arrive, as iputils does between two requests
  function printEvents(from: (a: Ipv4) => string | null): boolean {
    for (; printed < sock.events.length; printed++) {
      const e = sock.events[printed];
      // receive_error_msg(): a local error goes to stderr, and -q keeps it quiet too
      if (e.kind === 'localerr') {
        if (!o.quiet) ctx.err.push(`ping: local error: message too long, mtu=${e.mtu}\n`);
        continue;
      }
      const named = e.kind === 'reply' || e.kind === 'error' || e.kind === 'redirect' ? from(e.from) : '';
      // a name not looked up yet: the caller waits for the resolver and comes back to this event
      if (named === null) return false;
      if (e.kind === 'reply') rtts.push(e.rtt);
      const line = eventLine(e, timing, o.broadcast ? undefined : dst, named);
      if (!o.quiet && line) ctx.out.push(line);
    }
    return true;
  }
  const known = (a: Ipv4): string | null => (last?.addr === a ? last.text : null);
  const numericText = (a: Ipv4): string => (last?.addr === a ? last.text : ((last = { addr: a, text: formatIpv4(a) }), last.text));
  /** Print what can be printed without waiting; false when a sender's name must be looked up first. */
  const flushNow = (exiting = false): boolean => printEvents(o.numeric || exiting ? numericText : known);
  /** flushNow() stopped at a sender whose name is not known yet: look it up, then print on. */
  function* flushAfterLookup(): Generator<Wait, void, Woken> {
    do yield* lookupSender((sock.events[printed] as Extract<PingEvent, { from: Ipv4 }>).from);
    while (!flushNow());
  }
  try {
    for (let i = 0; i < count; i++) {
      if (i > 0 && o.interval === 0) {
        // iputils pinger(): an unlimited flood sends the next request once the one in flight is
        // answered, else MININTERVAL after the last (at most 100 a second into silence)
        const limit = lastSend + FLOOD_MININTERVAL;
        while (sock.transmitted - sock.received - sock.errors >= 1 && w.now < limit) {
          yield waitUntil(limit);
          if (!flushNow()) yield* flushAfterLookup();
        }
      } else if (i > 0) {
        const at = start + i * o.interval;
        do {
          yield waitUntil(at);
          if (!flushNow()) yield* flushAfterLookup();
        } while (w.now < at);
      }
      if (i >= cap) {
        ctx.err.push(`ping: Hoplab stops a ping ${o.count === undefined ? 'without -c ' : ''}after ${cap} requests (Linux would go on${o.count === undefined ? ' until interrupted' : ` to ${o.count}`})\n`);
        break;
      }
      lastSend = w.now;
      sock.sendEcho(ns, dst, src, i + 1, { ttl: o.ttl, size: o.size, oif, pmtudisc: o.pmtudisc });
      if (!flushNow()) yield* flushAfterLookup();
    }
    const end = lastSend + timeout;
    while (sock.received + sock.errors < Math.min(count, sock.transmitted) && w.now < end) {
      yield waitUntil(end);
      if (!flushNow()) yield* flushAfterLookup();
    }
  } catch (e) {
    // Ctrl+C (SIGINT), or Hoplab stopping a storm: the statistics of what was really sent and received
    if (!(e instanceof Signaled)) throw e;
    exiting = true;
  } finally {
    sock.close(ns);
  }
  // when exiting (Ctrl+C) nothing is looked up any more: the sender is printed as an address
  if (!flushNow(exiting)) yield* flushAfterLookup();
  const tx = sock.transmitted;
  const rx = sock.received;
  let stats = `\n--- ${target} ping statistics ---\n${tx} packets transmitted, ${rx} received`;
  if (sock.errors) stats += `, +${sock.errors} errors`;
  const loss = tx ? ((tx - rx) * 100) / tx : 0;
  stats += `, ${formatG(loss)}% packet loss, time ${Math.round(lastSend - start)}ms\n`;
  const tail: string[] = [];
  if (rx && timing) {
    const min = Math.min(...rtts);
    const max = Math.max(...rtts);
    const avg = rtts.reduce((s, x) => s + x, 0) / rtts.length;
    const mdev = Math.sqrt(rtts.reduce((s, x) => s + x * x, 0) / rtts.length - avg * avg);
    tail.push(`rtt min/avg/max/mdev = ${ms3(min)}/${ms3(avg)}/${ms3(max)}/${ms3(mdev)} ms`);
  }
  if (sock.pipe > 1) tail.push(`pipe ${sock.pipe}`);
  stats += tail.join(', ') + '\n';
  ctx.out.push(stats);
  return rx === 0 ? 1 : 0;
}

/** printf("%g") for the loss percentage */
function formatG(x: number): string {
  return String(Number(x.toPrecision(6)));
}

const ms3 = (v: number): string => (Math.max(0, v) || 0).toFixed(3);

/** iputils prints rtt with fewer decimals as it grows */
function rttText(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** `wrongSource`: the address pinged, when a reply from any other is flagged (not for -b) */
function eventLine(e: PingEvent, timing: boolean, wrongSource: Ipv4 | undefined, from: string): string | undefined {
  switch (e.kind) {
    case 'reply':
      // a reply from another address than the one pinged (a DNAT the reply did not come back through)
      return `${e.bytes} bytes from ${from}: icmp_seq=${e.seq} ttl=${e.ttl}${timing ? ` time=${rttText(e.rtt)} ms` : ''}${wrongSource !== undefined && e.from !== wrongSource ? ' (DIFFERENT ADDRESS!)' : ''}\n`;
    case 'error':
      return `From ${from} icmp_seq=${e.seq} ${icmpErrorText(e.type, e.code)}${e.mtu !== undefined ? ` (mtu = ${e.mtu})` : ''}\n`;
    case 'redirect':
      return `From ${from}: icmp_seq=${e.seq} Redirect Host(New nexthop: ${formatIpv4(e.gateway)})\n`;
    case 'senderr':
      return `ping: sendmsg: ${STRERROR[e.errno]}\n`;
  }
}
