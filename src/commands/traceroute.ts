import { formatIpv4, type Ipv4 } from '../engine/addr/ipv4';
import { STRERROR } from '../engine/fib/route';
import { fillPayload, ipRouteOutput, sockClose, udpBind, udpSendmsg, type Sock } from '../engine';
import { fail, type Ctx } from './context';
import { waitUntil, type Proc } from '../engine/proc/task';
import type { CommandSpec } from './registry/types';
import { getaddrinfo } from './netdb/names';
import { awaitDnsIo, digHost } from './dns/commands';
import { byAddr } from './dns/getent';

/** traceroute (UDP probes to port 33434 and up), as Debian's traceroute 2.1 prints it. */

const USAGE = `Usage:
  traceroute [ -46dFITnreAUDV ] [ -f first_ttl ] [ -g gate,... ] [ -i device ] [ -m max_ttl ] [ -N squeries ] [ -p port ] [ -t tos ] [ -l flow_label ] [ -w MAX,HERE,NEAR ] [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] [ --fwmark=num ] host [ packetlen ]
Options:
  -4                          Use IPv4
  -6                          Use IPv6
  -d  --debug                 Enable socket level debugging
  -F  --dont-fragment         Do not fragment packets
  -f first_ttl  --first=first_ttl
                              Start from the first_ttl hop (instead from 1)
  -g gate,...  --gateway=gate,...
                              Route packets through the specified gateway
                              (maximum 8 for IPv4 and 127 for IPv6)
  -I  --icmp                  Use ICMP ECHO for tracerouting
  -T  --tcp                   Use TCP SYN for tracerouting (default port is 80)
  -i device  --interface=device
                              Specify a network interface to operate with
  -m max_ttl  --max-hops=max_ttl
                              Set the max number of hops (max TTL to be
                              reached). Default is 30
  -N squeries  --sim-queries=squeries
                              Set the number of probes to be tried
                              simultaneously (default is 16)
  -n                          Do not resolve IP addresses to their domain names
  -p port  --port=port        Set the destination port to use. It is either
                              initial udp port value for "default" method
                              (incremented by each probe, default is 33434), or
                              initial seq for "icmp" (incremented as well,
                              default from 1), or some constant destination
                              port for other methods (with default of 80 for
                              "tcp", 53 for "udp", etc.)
  -t tos  --tos=tos           Set the TOS (IPv4 type of service) or TC (IPv6
                              traffic class) value for outgoing packets
  -l flow_label  --flowlabel=flow_label
                              Use specified flow_label for IPv6 packets
  -w MAX,HERE,NEAR  --wait=MAX,HERE,NEAR
                              Wait for a probe no more than HERE (default 3)
                              times longer than a response from the same hop,
                              or no more than NEAR (default 10) times than some
                              next hop, or MAX (default 5.0) seconds (float
                              point values allowed too)
  -q nqueries  --queries=nqueries
                              Set the number of probes per each hop. Default is
                              3
  -r                          Bypass the normal routing and send directly to a
                              host on an attached network
  -s src_addr  --source=src_addr
                              Use source src_addr for outgoing packets
  -z sendwait  --sendwait=sendwait
                              Minimal time interval between probes (default 0).
                              If the value is more than 10, then it specifies a
                              number in milliseconds, else it is a number of
                              seconds (float point values allowed too)
  -e  --extensions            Show ICMP extensions (if present), including MPLS
  -A  --as-path-lookups       Perform AS path lookups in routing registries and
                              print results directly after the corresponding
                              addresses
  -M name  --module=name      Use specified module (either builtin or external)
                              for traceroute operations. Most methods have
                              their shortcuts (\`-I' means \`-M icmp' etc.)
  -O OPTS,...  --options=OPTS,...
                              Use module-specific option OPTS for the
                              traceroute module. Several OPTS allowed,
                              separated by comma. If OPTS is "help", print info
                              about available options
  --sport=num                 Use source port num for outgoing packets. Implies
                              \`-N 1'
  --fwmark=num                Set firewall mark for outgoing packets
  -U  --udp                   Use UDP to particular port for tracerouting
                              (instead of increasing the port per each probe),
                              default port is 53
  -UL                         Use UDPLITE for tracerouting (default dest port
                              is 53)
  -D  --dccp                  Use DCCP Request for tracerouting (default port
                              is 33434)
  -P prot  --protocol=prot    Use raw packet of protocol prot for tracerouting
  --mtu                       Discover MTU along the path being traced. Implies
                              \`-F -N 1'
  --back                      Guess the number of hops in the backward path and
                              print if it differs
  -V  --version               Print version info and exit
  --help                      Read this help and exit

Arguments:
+     host          The host to traceroute to
      packetlen     The full packet length (default is the length of an IP
                    header plus 40). Can be ignored or increased to a minimal
                    allowed value
`;

/** What each option's argument is called in the "requires an argument" message. */
const ARG_NAMES: Record<string, string> = { m: 'max_ttl', f: 'first_ttl', q: 'nqueries', w: 'MAX,HERE,NEAR', p: 'port', i: 'device', s: 'src_addr', t: 'tos', N: 'squeries', z: 'sendwait', g: 'gate,...', l: 'flow_label', M: 'name', O: 'OPTS,...', P: 'prot' };
const MAX_PACKET_LEN = 65000;

export function* traceroute(ctx: Ctx, argv: string[]): Proc {
  let numeric = false;
  let maxTtl = 30;
  let first = 1;
  let nq = 3;
  let wait = 5000;
  let port = 33434;
  // positional arguments with their argc (index in the full argv, the program name being 0)
  const pos: { text: string; argc: number }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a.length === 1) {
      pos.push({ text: a, argc: i + 1 });
      continue;
    }
    const flag = a[1];
    const val = (): string => {
      const v = a.length > 2 ? a.slice(2) : argv[++i];
      if (v === undefined) fail(ctx, `Option \`-${flag}' (argc ${i}) requires an argument: \`-${flag} ${ARG_NAMES[flag] ?? 'arg'}'\n`, 2);
      return v;
    };
    // integer options, except the waits which take floating point
    const num = (v: string): number => {
      const ok = flag === 'w' || flag === 'z' ? /^\d+(\.\d+)?$/.test(v) : /^\d+$/.test(v);
      if (!ok) fail(ctx, `Cannot handle \`-${flag}' option with arg \`${v}' (argc ${i + 1})\n`, 2);
      return Number(v);
    };
    switch (flag) {
      case 'n':
        numeric = true;
        break;
      case 'm':
        maxTtl = num(val());
        break;
      case 'f':
        first = num(val());
        break;
      case 'q':
        nq = num(val());
        break;
      case 'w':
        wait = num(val().split(',')[0]) * 1000;
        break;
      case 'p':
        port = num(val());
        break;
      case '4':
      case 'I':
      case 'U':
      case 'F':
        break;
      default:
        fail(ctx, `Bad option \`${a}' (argc ${i + 1})\n`, 2);
    }
  }
  if (argv.length === 0) {
    ctx.err.push(USAGE);
    return 0;
  }
  if (pos.length === 0) fail(ctx, 'Specify "host" missing argument.\n', 2);
  if (maxTtl < 1 || maxTtl > 255) fail(ctx, 'max hops cannot be more than 255\n', 2);
  if (nq < 1 || nq > 10) fail(ctx, 'no more than 10 probes per hop\n', 2);
  const [host, len, extra] = pos;
  // getaddrinfo(): a numeric host as inet_aton() reads it, a name through the resolver
  const found = yield* getaddrinfo(ctx, host.text);
  if (!found.ok) return fail(ctx, `${host.text}: ${found.error}\nCannot handle "host" cmdline arg \`${host.text}' on position 1 (argc ${host.argc})\n`, 2);
  const dst = found.addr;
  let packetLen = 60;
  if (len) {
    const n = /^0[xX][0-9a-fA-F]+$/.test(len.text) ? parseInt(len.text, 16) : /^0[0-7]*$/.test(len.text) ? parseInt(len.text, 8) : /^[1-9]\d*$/.test(len.text) ? Number(len.text) : NaN;
    if (Number.isNaN(n)) fail(ctx, `Cannot handle "packetlen" cmdline arg \`${len.text}' on position 2 (argc ${len.argc})\n`, 2);
    if (n > MAX_PACKET_LEN) fail(ctx, `too big packetlen ${n} specified\n`, 2);
    packetLen = Math.max(n, 28);
  }
  if (extra) fail(ctx, `Extra arg \`${extra.text}' (position 3, argc ${extra.argc})\n`, 2);
  return yield* run(ctx, dst, host.text, { numeric, maxTtl, first, nq, wait, port, packetLen });
}

export const tracerouteCommand: CommandSpec = {
  name: 'traceroute',
  kind: 'probe',
  summary: 'print the routers a packet crosses, hop by hop (UDP probes with growing TTL)',
  learn: 'traceroute --help',
  complete: (args, env) => (['-m', '-q', '-w', '-f', '-p'].includes(args[args.length - 1]) ? [] : env.addresses),
  run: traceroute,
};

function* run(ctx: Ctx, dst: Ipv4, target: string, o: { numeric: boolean; maxTtl: number; first: number; nq: number; wait: number; port: number; packetLen: number }): Proc {
  const ns = ctx.ns;
  const w = ctx.world;
  const d = formatIpv4(dst);
  const header = `traceroute to ${target} (${d}), ${o.maxTtl} hops max, ${o.packetLen} byte packets`;
  const rt0 = ipRouteOutput(ns, dst, {});
  if (!rt0.ok) {
    ctx.out.push(header);
    fail(ctx, `\nconnect: ${STRERROR[rt0.errno]}\n`, 1);
  }
  // ip4_datagram_connect(): a broadcast route needs SO_BROADCAST, which traceroute does not set
  if (rt0.ok && rt0.rt.type === 'broadcast') {
    ctx.out.push(header);
    fail(ctx, '\nconnect: Permission denied\n', 1);
  }
  ctx.out.push(header + '\n');
  interface Probe {
    ttl: number;
    dport: number;
    sent?: number;
    done?: boolean;
    reply?: { from: Ipv4; type: number; code: number; at: number };
  }
  const probes: Probe[] = [];
  for (let ttl = o.first, port = o.port; ttl <= o.maxTtl; ttl++) for (let q = 0; q < o.nq; q++) probes.push({ ttl, dport: port++ });
  const byPort = new Map(probes.map((p) => [p.dport, p]));
  const task = ctx.task;
  const sock: Sock = {
    proto: 'udp',
    laddr: 0 as Ipv4,
    lport: 0,
    raddr: 0 as Ipv4,
    rport: 0,
    onPacket() {},
    onError(e) {
      const p = e.inner.udp && byPort.get(e.inner.udp.dport);
      if (p && p.sent !== undefined && !p.reply) {
        p.reply = { from: e.from, type: e.icmpType, code: e.icmpCode, at: w.now };
        task.wake();
      }
    },
  };
  if (udpBind(ns, sock)) fail(ctx, 'bind: Address already in use\n', 1);
  // traceroute sends up to 16 probes at once (-N 16) and prints hop by hop, in order
  const SIMULTANEOUS = 16;
  let next = 0; // next probe to send
  let head = 0; // first probe not yet printed
  let stopAfterTtl = Infinity;
  // 0.0.0.0 is this host: the probes really go where the route says (127.0.0.1)
  const to = dst === 0 && rt0.ok ? rt0.rt.nexthop : dst;
  const payload = fillPayload(o.packetLen - 28);
  const send = (p: Probe) => {
    p.sent = w.now;
    udpSendmsg(ns, sock, to, p.dport, payload, { ttl: p.ttl });
  };
  /** when an unanswered probe gives up: max wait, or 3x/10x the RTT of answers from its own or later hops */
  const deadline = (p: Probe): number => {
    let t = p.sent! + o.wait;
    for (const q of probes) {
      if (!q.reply || q.sent === undefined) continue;
      const rtt = Math.max(q.reply.at - q.sent, 0.001);
      if (q.ttl === p.ttl) t = Math.min(t, Math.max(q.reply.at, p.sent! + 3 * rtt));
      else if (q.ttl > p.ttl) t = Math.min(t, Math.max(q.reply.at, p.sent! + 10 * rtt));
    }
    return t;
  };
  try {
    while (head < probes.length && probes[head].ttl <= stopAfterTtl) {
      while (next < probes.length && next - head < SIMULTANEOUS && probes[next].ttl <= stopAfterTtl) send(probes[next++]);
      const p = probes[head];
      while (!p.reply && w.now < deadline(p)) yield waitUntil(deadline(p));
      p.done = true;
      // a hop is printed once all its probes are settled
      const hop = probes.filter((q) => q.ttl === p.ttl);
      if (hop.some((q) => !q.done && !q.reply)) {
        head++;
        continue;
      }
      let line = `${String(p.ttl).padStart(2)} `;
      let last: Ipv4 | undefined;
      for (const q of hop) {
        q.done = true;
        const g = q.reply;
        if (!g) {
          line += ' *';
          continue;
        }
        if (g.from !== last) {
          const a = formatIpv4(g.from);
          // print_addr(): getnameinfo() gives the hosts file's or DNS's name, else the address again
          const name = o.numeric ? null : yield* awaitDnsIo(ctx, byAddr(a, digHost(ctx)));
          line += o.numeric ? ` ${a}` : ` ${name?.canonical ?? a} (${a})`;
          last = g.from;
        }
        line += `  ${(g.at - q.sent!).toFixed(3)} ms`;
        if (g.type === 3) {
          if (g.code === 3) {
            if (g.from === to) stopAfterTtl = Math.min(stopAfterTtl, q.ttl);
          } else {
            line += ` ${({ 0: '!N', 1: '!H', 2: '!P', 13: '!X', 9: '!X', 10: '!X' } as Record<number, string>)[g.code] ?? `!<${g.code}>`}`;
            stopAfterTtl = Math.min(stopAfterTtl, q.ttl);
          }
        }
      }
      ctx.out.push(line + '\n');
      head = probes.indexOf(hop[hop.length - 1]) + 1;
    }
  } finally {
    sockClose(ns, sock);
  }
  return 0;
}
