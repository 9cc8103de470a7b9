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

let portSeq = 40000;

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
  const sport = (portSeq = portSeq >= 60000 ? 40000 : portSeq + 1);
  let got: { from: Ipv4; type: number; code: number; at: number } | undefined;
  const sock: Socket = {
    kind: 'udp',
    ident: sport,
    onPacket() {},
    onError(e) {
      got = { from: e.from, type: e.icmpType, code: e.icmpCode, at: w.now };
    },
  };
  ns.sockets.push(sock);
  let dport = o.port;
  try {
    for (let ttl = o.first; ttl <= o.maxTtl; ttl++) {
      let line = `${String(ttl).padStart(2)} `;
      let last: Ipv4 | undefined;
      let stop = false;
      for (let q = 0; q < o.nq; q++) {
        got = undefined;
        const rt = ipRouteOutput(ns, dst, {});
        const sent = w.now;
        if (rt.ok) {
          const pkt: Ipv4Packet = { pid: w.nextPid(), src: rt.rt.src, dst, ttl, id: w.nextIpId(), proto: 'udp', udp: { sport, dport: dport++, payloadLen: 32 } };
          ipLocalOut(ns, pkt, rt.rt);
        }
        w.runUntil(sent + o.wait, () => got !== undefined);
        if (!got) {
          line += ' *';
          continue;
        }
        const g = got as { from: Ipv4; type: number; code: number; at: number };
        if (g.from !== last) {
          const a = formatIpv4(g.from);
          line += o.numeric ? ` ${a}` : ` ${a} (${a})`;
          last = g.from;
        }
        line += `  ${(g.at - sent).toFixed(3)} ms`;
        if (g.type === 3) {
          const mark = ({ 0: '!N', 1: '!H', 2: '!P', 13: '!X', 9: '!X', 10: '!X' } as Record<number, string>)[g.code];
          if (g.code === 3) {
            if (g.from === dst) stop = true;
          } else {
            line += ` ${mark ?? `!<${g.code}>`}`;
            stop = true;
          }
        }
      }
      ctx.out.push(line + '\n');
      if (stop) break;
    }
  } finally {
    ns.sockets.splice(ns.sockets.indexOf(sock), 1);
  }
}
