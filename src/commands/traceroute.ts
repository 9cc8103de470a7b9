import { formatIpv4, parseIpv4, type Ipv4 } from '../engine/addr/ipv4';
import { ipRouteOutput } from '../engine/fib/frontend';
import { STRERROR } from '../engine/fib/route';
import type { Socket } from '../engine/netns/netns';
import { ipLocalOut } from '../engine/ipv4/stack';
import type { Ipv4Packet } from '../engine/ipv4/packet';
import { fail, type Ctx } from './context';

/** traceroute (UDP probes to port 33434 and up), as Debian's traceroute 2.1 prints it. */

const USAGE = `Usage:
  traceroute [ -46dFITnreAUDV ] [ -f first_ttl ] [ -g gate,... ] [ -i device ] [ -m max_ttl ] [ -N squeries ] [ -p port ] [ -t tos ] [ -l flow_label ] [ -w MAX,HERE,NEAR ] [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] [ --fwmark=num ] host [ packetlen ]
`;

export function traceroute(ctx: Ctx, argv: string[]): void {
  let numeric = false;
  let maxTtl = 30;
  let first = 1;
  let nq = 3;
  let wait = 5000;
  let port = 33434;
  const pos: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a.length === 1) {
      pos.push(a);
      continue;
    }
    const flag = a[1];
    const val = (): string => {
      const v = a.length > 2 ? a.slice(2) : argv[++i];
      if (v === undefined) fail(ctx, `Option \`-${flag}' (argc ${i}) requires an argument: \`-${flag} ${flag === 'w' ? 'MAX,HERE,NEAR' : 'arg'}'\n`, 2);
      return v;
    };
    const num = (v: string, name: string): number => {
      if (!/^\d+(\.\d+)?$/.test(v)) fail(ctx, `Cannot handle \`-${flag}' option with arg \`${v}' (argc ${i})\n`, 2);
      void name;
      return Number(v);
    };
    switch (flag) {
      case 'n':
        numeric = true;
        break;
      case 'm':
        maxTtl = num(val(), 'max_ttl');
        break;
      case 'f':
        first = num(val(), 'first_ttl');
        break;
      case 'q':
        nq = num(val(), 'nqueries');
        break;
      case 'w':
        wait = num(val().split(',')[0], 'wait') * 1000;
        break;
      case 'p':
        port = num(val(), 'port');
        break;
      case '4':
      case 'I':
      case 'U':
      case 'F':
        break;
      default:
        fail(ctx, `Bad option \`${a}' (argc ${i})\n`, 2);
    }
  }
  if (argv.length === 0) {
    ctx.err.push(USAGE);
    return;
  }
  if (pos.length === 0) fail(ctx, 'Specify "host" missing argument.\n', 2);
  if (maxTtl < 1 || maxTtl > 255) fail(ctx, 'max hops cannot be more than 255\n', 2);
  if (nq < 1 || nq > 10) fail(ctx, 'no more than 10 probes per hop\n', 2);
  const target = pos[0];
  const dst = parseIpv4(target);
  if (dst === null || !/^[0-9.]+$/.test(target)) fail(ctx, `${target}: Name or service not known\nCannot handle "host" cmdline arg \`${target}' on position 1 (argc ${argv.indexOf(target)})\n`, 2);
  run(ctx, dst!, { numeric, maxTtl, first, nq, wait, port });
}

function run(ctx: Ctx, dst: Ipv4, o: { numeric: boolean; maxTtl: number; first: number; nq: number; wait: number; port: number }): void {
  const ns = ctx.ns;
  const w = ctx.world;
  const d = formatIpv4(dst);
  const header = `traceroute to ${d} (${d}), ${o.maxTtl} hops max, 60 byte packets`;
  const rt0 = ipRouteOutput(ns, dst, {});
  if (!rt0.ok) {
    ctx.out.push(header);
    fail(ctx, `\nconnect: ${STRERROR[rt0.errno]}\n`, 1);
  }
  ctx.out.push(header + '\n');
  const sport = w.nextUdpPort();
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
  const sock: Socket = {
    kind: 'udp',
    ident: sport,
    onPacket() {},
    onError(e) {
      const p = e.inner.udp && byPort.get(e.inner.udp.dport);
      if (p && p.sent !== undefined && !p.reply) p.reply = { from: e.from, type: e.icmpType, code: e.icmpCode, at: w.now };
    },
  };
  ns.sockets.push(sock);
  // traceroute sends up to 16 probes at once (-N 16) and prints hop by hop, in order
  const SIMULTANEOUS = 16;
  let next = 0; // next probe to send
  let head = 0; // first probe not yet printed
  let stopAfterTtl = Infinity;
  const send = (p: Probe) => {
    p.sent = w.now;
    const rt = ipRouteOutput(ns, dst, {});
    if (!rt.ok) return;
    const pkt: Ipv4Packet = { pid: w.nextPid(), src: rt.rt.src, dst, ttl: p.ttl, id: w.nextIpId(), proto: 'udp', udp: { sport, dport: p.dport, payloadLen: 32 } };
    ipLocalOut(ns, pkt, rt.rt);
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
      w.runUntil(deadline(p), () => !!p.reply || w.now >= deadline(p));
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
          line += o.numeric ? ` ${a}` : ` ${a} (${a})`;
          last = g.from;
        }
        line += `  ${(g.at - q.sent!).toFixed(3)} ms`;
        if (g.type === 3) {
          if (g.code === 3) {
            if (g.from === dst) stopAfterTtl = Math.min(stopAfterTtl, q.ttl);
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
    ns.sockets.splice(ns.sockets.indexOf(sock), 1);
  }
}
