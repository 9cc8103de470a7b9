import { formatIpv4, parseDottedQuad, type Ipv4 } from '../addr/ipv4';
import type { TraceEvent, Verdict } from '../sim/trace';
import { STRERROR, type Errno } from '../fib/route';
import type { Netns } from '../netns/netns';
import type { World } from '../world';
import { icmpErrorText } from '../wire/icmp';
import { connectRoute, runPing, traceConnectFailure } from './session';

/** Where a request was dropped: the namespace, the device that decided, and the kernel drop reason. */
export interface DropPlace {
  reason: Verdict;
  netns: string;
  dev?: string;
}

/**
 * How one `ping -c 1 -W 1` ended, as data: the store and the UI decide from `kind` and the kernel
 * drop reason (a trace verdict such as IP_FORWARDING_DISABLED or NO_SOCKET), never from the words
 * of `summary`. The verdict is the same whether the trace is built or not.
 * - `reply`: an echo reply came back.
 * - `connect`: the socket's connect() failed before any packet left (`errno`).
 * - `icmp`: an ICMP error came back from `from` (type and code as the wire has them); `drop` says
 *   where and why the request was dropped, when the engine saw it.
 * - `dropped`: the request or its reply was dropped without a word (`reason` in `netns` at `dev`).
 * - `no-reply`: nothing came back and no drop was seen.
 * - `bad-input`: no such address or host; nothing was sent.
 */
export type ProbeVerdict =
  | { kind: 'reply' }
  | { kind: 'connect'; errno: Errno }
  | { kind: 'icmp'; type: number; code: number; from: string; drop?: DropPlace }
  | ({ kind: 'dropped' } & DropPlace)
  | { kind: 'no-reply' }
  | { kind: 'bad-input' };

export interface ProbeResult {
  ok: boolean;
  verdict: ProbeVerdict;
  /** the verdict in words, for people ("reply", "Network is unreachable", "dropped at node02: IP_FORWARDING_DISABLED") */
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
  if (addr === null) return result({ kind: 'bad-input' }, `bad address ${dst}`, []);
  const ns = world.netns(from);
  if (!ns) return result({ kind: 'bad-input' }, `no host ${from}`, []);
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
    return result({ kind: 'connect', errno: c.errno }, STRERROR[c.errno], w.drainTrace());
  }
  const run = runPing(ns, addr, c.rt.src, { count: 1, interval: 1000, timeout: 1000, ttl: 64, size: 56 });
  const trace = w.drainTrace();
  if (run.received > 0) return result({ kind: 'reply' }, 'reply', trace);
  const first = w.trace.firstDrop;
  const drop: DropPlace | undefined = first ? { reason: first.reason, netns: first.netns, ...(first.dev !== undefined && { dev: first.dev }) } : undefined;
  const err = run.events.find((e) => e.kind === 'error');
  if (err && err.kind === 'error') {
    const from = formatIpv4(err.from);
    return result({ kind: 'icmp', type: err.type, code: err.code, from, ...(drop && { drop }) }, `${icmpErrorText(err.type, err.code)} from ${from}`, trace);
  }
  if (drop) return result({ kind: 'dropped', ...drop }, `dropped at ${drop.netns}: ${drop.reason}`, trace);
  return result({ kind: 'no-reply' }, 'no reply', trace);
}

const result = (verdict: ProbeVerdict, summary: string, trace: TraceEvent[]): ProbeResult => ({ ok: verdict.kind === 'reply', verdict, summary, trace });
