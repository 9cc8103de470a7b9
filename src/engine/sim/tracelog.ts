import type { EventQueue } from './events';
import { TraceLog, Verdict, type TraceEvent } from './trace';

/** Where a packet was dropped, and why (a kernel drop reason). */
export interface DropNote {
  reason: Verdict;
  netns: string;
  dev: string | undefined;
}

/**
 * Where trace events are recorded, while someone listens (`tracing`): into the trace of the command
 * whose work is running (the event queue carries that TraceLog from cause to effect, see
 * World.traceTarget), or into the world's own log, which drain() takes. Every event, however made,
 * passes through record(): it gets its sequence number and time there, and there the cap holds
 * (TraceLog.add); a capped trace ends with one summary event (capSummary).
 */
export class Tracer {
  /** trace events are only built while someone listens */
  tracing = true;
  /** events that belong to no command's trace (probes, tests), until drained */
  own = new TraceLog();
  seq = 0;
  /**
   * The first drop since the last probe began, with its kernel reason and place: what a probe's
   * verdict says even when no trace is kept (World.drop notes it).
   */
  firstDrop: DropNote | null = null;

  constructor(private readonly queue: EventQueue) {}

  /** the trace of the command line whose work is running, or null */
  get target(): TraceLog | null {
    return this.queue.context as TraceLog | null;
  }

  set target(log: TraceLog | null) {
    this.queue.context = log;
  }

  /**
   * Packet taps (AF_PACKET sockets: a running tcpdump): every event, whichever command's trace it
   * goes to, or none (a finished command's packets still in flight), uncapped.
   */
  readonly taps = new Set<(e: TraceEvent) => void>();

  /** The one place trace events are stored: the trace of the command whose work this is, capped. */
  record(e: TraceEvent, now: number): void {
    const log = this.target ?? this.own;
    if (log.closed && this.taps.size === 0) return;
    e.seq = ++this.seq;
    e.time = now;
    for (const tap of this.taps) tap(e);
    if (!log.closed) log.add(e);
  }

  /** A trace is complete: it takes no more events, and a capped one says what it left out. */
  close(log: TraceLog): void {
    if (log.closed) return;
    log.closed = true;
    if (log.dropped > 0) log.events.push(capSummary(log, ++this.seq));
  }

  /** Take the events recorded in the world's own log since the last call. */
  drain(): TraceEvent[] {
    const log = this.own;
    this.own = new TraceLog();
    this.close(log);
    return log.events;
  }
}

/**
 * Verdicts of a frame or packet sent on: a place in a loop sends the same packet again and again
 * (a host at the edge only keeps receiving copies, and is not part of the loop).
 */
const SENDING = new Set<Verdict>([Verdict.XMIT, Verdict.VETH_XMIT, Verdict.FDB_HIT, Verdict.FLOOD, Verdict.FORWARD]);
/** how many of the last events to look at, and how often a packet must pass a place to be going round */
const TAIL = 600;
const ROUNDS = 3;

/**
 * The last event of a capped trace: how many events it holds and left out, and, when the same
 * packet kept passing the same places, the loop it went round, named by those places.
 */
export function capSummary(log: TraceLog, seq: number): TraceEvent {
  const kept = log.events;
  const last = kept[kept.length - 1];
  const loop = loopPlaces(kept.slice(-TAIL));
  const head = `trace stopped after ${kept.length.toLocaleString('en')} events (${log.dropped.toLocaleString('en')} more left out)`;
  return {
    seq,
    time: last?.time ?? 0,
    netns: loop.length ? loop[0].netns : (last?.netns ?? ''),
    dev: loop.length ? loop[0].dev : undefined,
    verdict: Verdict.TRACE_CAP,
    packetId: 0,
    text: loop.length ? `${head}: a forwarding loop ${loop.length > 1 && new Set(loop.map((p) => p.netns)).size > 1 ? 'between' : 'in'} ${describeLoop(loop)}` : head,
  };
}

type Place = { netns: string; dev: string | undefined };
const nsName = (netns: string): string => (netns.startsWith('__lan_') ? `switch ${netns.slice(6)}` : netns);

/** "switch lan0 (br0, p0, p1) and node01 (br0, eth0, eth1)": each namespace with its devices. */
function describeLoop(places: Place[]): string {
  const byNs = new Map<string, string[]>();
  for (const p of places) {
    const devs = byNs.get(p.netns) ?? [];
    if (p.dev !== undefined && !devs.includes(p.dev)) devs.push(p.dev);
    byNs.set(p.netns, devs);
  }
  const names = [...byNs].map(([ns, devs]) => `${nsName(ns)}${devs.length ? ` (${devs.join(', ')})` : ''}`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : `${names[0]}`;
}

/**
 * The places (netns, device) that sent one packet at least ROUNDS times with the same verdict, in
 * the order first seen; a veth end whose copies all go to a namespace outside the loop (a host at
 * the edge) is left out.
 */
function loopPlaces(tail: readonly TraceEvent[]): Place[] {
  const counts = new Map<string, number>();
  const order: { key: string; id: string; place: Place }[] = [];
  /** per place: the namespaces its veth crossings lead into */
  const into = new Map<string, Set<string>>();
  for (const e of tail) {
    if (!SENDING.has(e.verdict)) continue;
    const id = `${e.netns}|${e.dev ?? ''}`;
    const key = `${e.packetId}|${e.verdict}|${id}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n === 1) order.push({ key, id, place: { netns: e.netns, dev: e.dev } });
    if (e.verdict === Verdict.VETH_XMIT && e.to) {
      let s = into.get(id);
      if (!s) into.set(id, (s = new Set()));
      s.add(e.to.netns);
    }
  }
  const seen = new Set<string>();
  const found: { id: string; place: Place }[] = [];
  for (const { key, id, place } of order) {
    if ((counts.get(key) ?? 0) < ROUNDS || seen.has(id)) continue;
    seen.add(id);
    found.push({ id, place });
  }
  const inLoop = new Set(found.map((f) => f.place.netns));
  return found
    .filter((f) => {
      const to = into.get(f.id);
      return to === undefined || [...to].some((ns) => inLoop.has(ns));
    })
    .map((f) => f.place);
}
