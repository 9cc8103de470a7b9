import { formatIpv4, parseDottedQuad } from '../addr/ipv4';
import { isDrop, type TraceEvent, type Verdict } from '../sim/trace';
import { STRERROR, type Errno } from '../fib/route';
import type { World } from '../world';
import { connectRoute, runPing, traceConnectFailure } from './session';

/**
 * How a probe ended, as data: a reply; connect() refused before anything left (the errno); an ICMP
 * error came back (its type and code, and who sent it); the packet was dropped without a word (the
 * first drop's verdict and where); or nothing came back at all.
 */
export type ProbeVerdict =
  | { kind: 'reply' }
  | { kind: 'connect'; errno: Errno }
  | { kind: 'icmp'; type: number; code: number; from: string }
  | { kind: 'dropped'; reason: Verdict; netns: string }
  | { kind: 'no-reply' }
  | { kind: 'bad-input' };

export interface ProbeResult {
  ok: boolean;
  verdict: ProbeVerdict;
  /** the verdict in words, for people */
  summary: string;
  trace: TraceEvent[];
}

/**
 * One `ping -c 1 -W 1` verdict from `from` to `dst` that leaves the world exactly as it was:
 * it runs on a clone, so neighbour caches, FDBs and the clock of the real lab do not move.
 */
export function probe(world: World, from: string, dst: string, opts: { trace?: boolean } = {}): ProbeResult {
  const addr = parseDottedQuad(dst);
  if (addr === null) return { ok: false, verdict: { kind: 'bad-input' }, summary: `bad address ${dst}`, trace: [] };
  const ns = world.netns(from);
  if (!ns) return { ok: false, verdict: { kind: 'bad-input' }, summary: `no host ${from}`, trace: [] };
  const saved = world.beginRollback();
  try {
    world.tracing = opts.trace ?? true;
    return probeIn(world, ns, addr);
  } finally {
    world.endRollback(saved);
  }
}

function probeIn(w: World, ns: import('../netns/netns').Netns, addr: import('../addr/ipv4').Ipv4): ProbeResult {
  const c = connectRoute(ns, addr, {});
  if (!c.ok) {
    traceConnectFailure(ns, addr, c.errno);
    return { ok: false, verdict: { kind: 'connect', errno: c.errno }, summary: STRERROR[c.errno], trace: w.drainTrace() };
  }
  const run = runPing(ns, addr, c.rt.src, { count: 1, interval: 1000, timeout: 1000, ttl: 64, size: 56 });
  const trace = w.drainTrace();
  if (run.received > 0) return { ok: true, verdict: { kind: 'reply' }, summary: 'reply', trace };
  const err = run.events.find((e) => e.kind === 'error');
  if (err && err.kind === 'error') {
    const from = formatIpv4(err.from);
    return { ok: false, verdict: { kind: 'icmp', type: err.type, code: err.code, from }, summary: `${errorText(err.type, err.code)} from ${from}`, trace };
  }
  const drop = trace.find(isDrop);
  if (drop) return { ok: false, verdict: { kind: 'dropped', reason: drop.verdict, netns: drop.netns }, summary: `dropped at ${drop.netns}: ${drop.verdict}`, trace };
  return { ok: false, verdict: { kind: 'no-reply' }, summary: 'no reply', trace };
}

function errorText(type: number, code: number): string {
  if (type === 11) return 'Time to live exceeded';
  return ({ 0: 'Destination Net Unreachable', 1: 'Destination Host Unreachable', 3: 'Destination Port Unreachable', 13: 'Packet filtered' } as Record<number, string>)[code] ?? 'Destination Unreachable';
}
