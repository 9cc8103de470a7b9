import { formatIpv4, parseDottedQuad } from '../addr/ipv4';
import { isDrop, type TraceEvent } from '../sim/trace';
import { STRERROR } from '../fib/route';
import type { World } from '../world';
import { connectRoute, runPing, traceConnectFailure } from './session';

export interface ProbeResult {
  ok: boolean;
  summary: string;
  trace: TraceEvent[];
}

/**
 * One `ping -c 1 -W 1` verdict from `from` to `dst` that leaves the world exactly as it was:
 * it runs on a clone, so neighbour caches, FDBs and the clock of the real lab do not move.
 */
export function probe(world: World, from: string, dst: string, opts: { trace?: boolean } = {}): ProbeResult {
  const addr = parseDottedQuad(dst);
  if (addr === null) return { ok: false, summary: `bad address ${dst}`, trace: [] };
  const ns = world.netns(from);
  if (!ns) return { ok: false, summary: `no host ${from}`, trace: [] };
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
    return { ok: false, summary: STRERROR[c.errno], trace: w.drainTrace() };
  }
  const run = runPing(ns, addr, c.rt.src, { count: 1, interval: 1000, timeout: 1000, ttl: 64, size: 56 });
  const trace = w.drainTrace();
  if (run.received > 0) return { ok: true, summary: 'reply', trace };
  const err = run.events.find((e) => e.kind === 'error');
  if (err && err.kind === 'error') return { ok: false, summary: `${errorText(err.type, err.code)} from ${formatIpv4(err.from)}`, trace };
  const drop = trace.find(isDrop);
  return { ok: false, summary: drop ? `dropped at ${drop.netns}: ${drop.verdict}` : 'no reply', trace };
}

function errorText(type: number, code: number): string {
  if (type === 11) return 'Time to live exceeded';
  return ({ 0: 'Destination Net Unreachable', 1: 'Destination Host Unreachable', 3: 'Destination Port Unreachable', 13: 'Packet filtered' } as Record<number, string>)[code] ?? 'Destination Unreachable';
}
