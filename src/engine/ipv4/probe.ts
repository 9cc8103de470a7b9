import { formatIpv4, parseDottedQuad, type Ipv4 } from '../addr/ipv4';
import type { TraceEvent, Verdict } from '../sim/trace';
import { STRERROR, type Errno } from '../fib/route';
import type { Netns } from '../netns/netns';
import type { World } from '../world';
import { icmpErrorText } from '../wire/icmp';
import { connectRoute, runPing, traceConnectFailure } from './session';

/**
 * How one `ping -c 1 -W 1` ended, as data: the store and the UI decide from `kind` and the kernel
 * drop reason (`reason`, a trace verdict such as IP_FORWARDING_DISABLED or NO_SOCKET), never from
 * the words of `summary`.
 * - `reply`: an echo reply came back.
 * - `connect`: the socket's connect() failed before any packet left (`errno`; reason IP_OUTNOROUTES or RTN_*).
 * - `icmp`: an ICMP error came back from `from` (type and code as the wire has them); `reason` and
 *   `at` say where the request was dropped, when the engine saw it.
 * - `drop`: the request or its reply was dropped without a word (`reason` at `at`).
 * - `timeout`: nothing came back and no drop was seen.
 */
export type ProbeVerdict =
  | { kind: 'reply'; from: string }
  | { kind: 'connect'; errno: Errno; reason: Verdict }
  | { kind: 'icmp'; type: number; code: number; from: string; reason: Verdict | undefined; at: DropPlace | undefined }
  | { kind: 'drop'; reason: Verdict; at: DropPlace }
  | { kind: 'timeout' }
  | { kind: 'invalid'; problem: 'address' | 'host' };

/** The namespace (and device) where a packet was dropped. */
export interface DropPlace {
  netns: string;
  dev: string | undefined;
}

export interface ProbeResult {
  ok: boolean;
  verdict: ProbeVerdict;
  /** the verdict in words ("reply", "Network is unreachable", "dropped at node02: IP_FORWARDING_DISABLED") */
  summary: string;
  trace: TraceEvent[];
}

/**
 * One `ping -c 1 -W 1` verdict from `from` to `dst` that leaves the world exactly as it was:
 * it runs inside a rollback, so neighbour caches, FDBs and the clock of the real lab do not move.
 * With `trace: false` no trace events are built, and the verdict still names the drop.
 */
export function probe(world: World, from: string, dst: string, opts: { trace?: boolean } = {}): ProbeResult {
  const addr = parseDottedQuad(dst);
  if (addr === null) return result({ kind: 'invalid', problem: 'address' }, `bad address ${dst}`, []);
  const ns = world.netns(from);
  if (!ns) return result({ kind: 'invalid', problem: 'host' }, `no host ${from}`, []);
  const saved = world.beginRollback();
  try {
    world.tracing = opts.trace ?? true;
    return probeIn(world, ns, addr);
  } finally {
    world.endRollback(saved);
  }
}

function probeIn(w: World, ns: Netns, addr: Ipv4): ProbeResult {
  const c = connectRoute(ns, addr, {});
  if (!c.ok) {
    traceConnectFailure(ns, addr, c.errno);
    const reason = w.trace.firstDrop!.reason;
    return result({ kind: 'connect', errno: c.errno, reason }, STRERROR[c.errno], w.drainTrace());
  }
  const run = runPing(ns, addr, c.rt.src, { count: 1, interval: 1000, timeout: 1000, ttl: 64, size: 56 });
  const trace = w.drainTrace();
  const reply = run.events.find((e) => e.kind === 'reply');
  if (reply) return result({ kind: 'reply', from: formatIpv4(reply.from) }, 'reply', trace);
  const drop = w.trace.firstDrop;
  const at = drop ? { netns: drop.netns, dev: drop.dev } : undefined;
  const err = run.events.find((e) => e.kind === 'error');
  if (err && err.kind === 'error') return result({ kind: 'icmp', type: err.type, code: err.code, from: formatIpv4(err.from), reason: drop?.reason, at }, `${icmpErrorText(err.type, err.code)} from ${formatIpv4(err.from)}`, trace);
  if (drop) return result({ kind: 'drop', reason: drop.reason, at: at! }, `dropped at ${drop.netns}: ${drop.reason}`, trace);
  return result({ kind: 'timeout' }, 'no reply', trace);
}

const result = (verdict: ProbeVerdict, summary: string, trace: TraceEvent[]): ProbeResult => ({ ok: verdict.kind === 'reply', verdict, summary, trace });
