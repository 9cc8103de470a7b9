import { randomMac, type Mac } from './addr/mac';
import { Mulberry32 } from './sim/rng';
import { Clock, EVENT_BUDGET } from './sim/clock';
import { Tracer } from './sim/tracelog';
import { TRACE_CAP, TraceLog, Verdict, type TraceEvent } from './sim/trace';
import { TaskTable } from './proc/table';
import { rearmAfterCut } from './sim/rearm';
import type { WorldSnapshot } from './snapshot';
import { Netns, type NetnsRole } from './netns/netns';
import { createLoopback } from './netns/loopback';
import { deleteLink } from './netns/link';
import { takeSnapshot } from './snapshotter';
import { RollbackJournal, type RollbackPoint } from './rollback/journal';
// the clock, trace and counters are soft state too: registered beside the other kinds
import './rollback/worldcore';
import * as topology from './topology';
import type { Lan } from './topology';

export { LAN_NS_PREFIX, LAN_BRIDGE } from './topology';
export type { Lan } from './topology';
export type { RollbackPoint } from './rollback/journal';
export { EVENT_BUDGET, TRACE_CAP };

/** The machine a namespace runs on: itself, or the machine that added it. */
export const machineOf = (ns: Netns): Netns => ns.machine ?? ns;

/** Ephemeral ports, handed out in turn (a deterministic stand-in for net.ipv4.ip_local_port_range). */
const EPHEMERAL_FIRST = 40001;
const EPHEMERAL_LAST = 60000;
export const EPHEMERAL_PORTS = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;

/**
 * Everything that exists: the registry of namespaces, the lab's wiring (topology.ts), the virtual
 * clock (sim/clock.ts), the trace (sim/tracelog.ts) and the rollback journal (rollback/journal.ts).
 * Deterministic: MACs come from a seeded generator and time only moves when the simulation runs.
 */
export class World {
  private readonly namespaces = new Map<string, Netns>();
  readonly lans: Lan[] = [];
  readonly links: [string, string][] = [];
  readonly rng: Mulberry32;
  readonly clock = new Clock();
  readonly trace = new Tracer(this.clock.queue);
  /** programs running on the virtual clock (src/engine/proc) */
  readonly tasks: TaskTable = new TaskTable(this);
  readonly rollback = new RollbackJournal(this);
  /** bumps on every change the snapshot shows */
  changes = 0;
  /** packet ids (the trace follows one packet by them) and IPv4 header ids */
  pidSeq = 0;
  ipIdSeq = 0;
  /** ping identifiers and ephemeral ports: per world, so a lab replays identically */
  pingIdentSeq = 0x1000;
  udpPortSeq = EPHEMERAL_FIRST - 1;

  /**
   * Hosts are separate machines: a namespace belongs to the machine that added it, and only that
   * machine sees it by name (`ip netns`, `ip -n`). Off, every namespace is visible from everywhere,
   * as on the single kernel the oracle records on.
   */
  machines = false;

  constructor(opts: { seed?: number } = {}) {
    this.rng = new Mulberry32(opts.seed ?? 1);
  }

  get now(): number {
    return this.clock.now;
  }

  get version(): number {
    return this.changes;
  }

  /** Record that state changed (the UI re-reads the snapshot when the version moves). */
  touch(): void {
    this.changes++;
  }

  randomMac(): Mac {
    return randomMac(() => this.rng.next());
  }

  random(): number {
    return this.rng.next();
  }

  nextPid(): number {
    return ++this.pidSeq;
  }

  nextIpId(): number {
    this.ipIdSeq = (this.ipIdSeq + 1) & 0xffff;
    return this.ipIdSeq;
  }

  /** The ICMP echo identifier of the next ping socket. */
  nextPingIdent(): number {
    this.pingIdentSeq = (this.pingIdentSeq + 1) & 0xffff;
    return this.pingIdentSeq;
  }

  /** The next ephemeral port (40001…60000, then round again). */
  nextUdpPort(): number {
    this.udpPortSeq = this.udpPortSeq >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : this.udpPortSeq + 1;
    return this.udpPortSeq;
  }

  // ---- namespaces -------------------------------------------------------------------------

  netns(name: string): Netns | undefined {
    return this.namespaces.get(name);
  }

  hasNetns(name: string): boolean {
    return this.namespaces.has(name);
  }

  allNetns(): Netns[] {
    return [...this.namespaces.values()];
  }

  hostNames(): string[] {
    return this.allNetns()
      .filter((n) => n.role === 'host')
      .map((n) => n.name);
  }

  /** `ip netns add`: a namespace with only lo, and lo down (on `machine`, when hosts are machines). */
  createNetns(name: string, role: NetnsRole = 'host', machine?: Netns): Netns {
    if (this.namespaces.has(name)) throw new Error(`Cannot create namespace file "/run/netns/${name}": File exists`);
    const ns = new Netns(this, name, role, this.machines && machine ? machineOf(machine) : undefined);
    this.namespaces.set(name, ns);
    createLoopback(ns);
    this.touch();
    return ns;
  }

  /**
   * `ip netns del`: the namespace goes and its devices with it (cleanup_net); a veth takes its
   * peer along wherever that is, so the bridge port or LAN port at the other end disappears too.
   */
  deleteNetns(name: string): void {
    const ns = this.namespaces.get(name);
    if (!ns) throw new Error(`Cannot remove namespace file "/run/netns/${name}": No such file or directory`);
    this.tasks.killNetns(ns);
    for (const dev of ns.devList()) if (dev !== ns.loopback && ns.devs.get(dev.ifindex) === dev) deleteLink(dev);
    this.namespaces.delete(name);
    for (const other of this.namespaces.values()) other.nsids.delete(ns);
    topology.forgetNetns(this, name, ns.role === 'lan');
    this.touch();
  }

  /** Take a machine (or pod) off the lab: its namespace and every cable into it. */
  removeHost(name: string): void {
    const ns = this.namespaces.get(name);
    if (!ns || ns.role !== 'host') throw new Error(`no host "${name}"`);
    this.deleteNetns(name);
  }

  /** Take a LAN switch away: its ports go, and with them the members' interfaces on it. */
  removeLan(name: string): void {
    if (!this.lans.some((l) => l.name === name)) throw new Error(`no LAN "${name}"`);
    this.deleteNetns(topology.LAN_NS_PREFIX + name);
  }

  addHost(name: string): void {
    topology.addHost(this, name);
  }

  addLan(name: string, members: string[]): void {
    topology.addLan(this, name, members);
  }

  addLanMember(lanName: string, member: string): void {
    topology.addLanMember(this, lanName, member);
  }

  addLink(a: string, b: string): void {
    topology.addLink(this, a, b);
  }

  /** The namespaces `from`'s machine has in /run/netns, in creation order (all of them when hosts are not machines). */
  namedNetns(from: Netns): Netns[] {
    if (!this.machines) return this.allNetns();
    const m = machineOf(from);
    return this.allNetns().filter((n) => n.machine === m);
  }

  /** A namespace by the name `from`'s machine knows it by. */
  netnsFrom(from: Netns, name: string): Netns | undefined {
    const ns = this.namespaces.get(name);
    return ns && (!this.machines || ns.machine === machineOf(from)) ? ns : undefined;
  }

  // ---- time and events --------------------------------------------------------------------

  get queue(): Clock['queue'] {
    return this.clock.queue;
  }

  get budgetUsed(): number {
    return this.clock.budgetUsed;
  }

  set budgetUsed(n: number) {
    this.clock.budgetUsed = n;
  }

  get budgetExceeded(): boolean {
    return this.clock.budgetExceeded;
  }

  set budgetExceeded(b: boolean) {
    this.clock.budgetExceeded = b;
  }

  schedule(delay: number, fn: () => void): void {
    this.clock.schedule(delay, fn);
  }

  /** schedule(delay, () => fn(a, b)) without allocating the closure (the packet path does this per hop). */
  scheduleCall<A, B>(delay: number, fn: (a: A, b: B) => void, a: A, b: B): void {
    this.clock.scheduleCall(delay, fn, a, b);
  }

  /** Run events up to and including time `until` (or until `stop()` says so), then set the clock there. */
  runUntil(until: number, stop?: () => boolean): void {
    const q = this.clock.queue;
    const caller = q.context;
    const callerCpu = q.cpu;
    try {
      if (this.clock.runUntil(until, stop)) return;
      // the queue was emptied: sleeping programs and the kernel's timers (neighbours…) get their timers back, and the trace says why
      this.tasks.rearm();
      rearmAfterCut(this);
      // the cut is the reset: what runs next starts a new count (a task stepping also resets it)
      this.clock.budgetUsed = 0;
      if (this.drop(Verdict.LOOP_BUDGET, ''))
        this.trace.record(
          {
            seq: 0,
            time: 0,
            netns: '',
            verdict: Verdict.LOOP_BUDGET,
            packetId: 0,
            text: `Hoplab stopped the simulation after ${EVENT_BUDGET.toLocaleString('en')} events: frames or packets are going round in circles (a bridge loop — Linux bridges run no STP unless told to — or a broadcast storm). Real Linux would keep forwarding them.`,
          },
          this.clock.now,
        );
    } finally {
      q.context = caller;
      q.cpu = callerCpu;
    }
  }

  /** Let time pass (a person thinking between commands): timers fire. */
  advance(ms: number): void {
    this.runUntil(this.clock.now + ms);
  }

  // ---- tracing ----------------------------------------------------------------------------

  /** trace events are only built while someone listens */
  get tracing(): boolean {
    return this.trace.tracing;
  }

  set tracing(on: boolean) {
    this.trace.tracing = on;
  }

  /**
   * kfree_skb_reason(): a packet is dropped for `reason` at netns (and dev). The first drop of a
   * probe becomes its verdict; returns whether to trace the drop (build its event only then).
   */
  drop(reason: Verdict, netns: string, dev?: string): boolean {
    if (this.trace.firstDrop === null) this.trace.firstDrop = { reason, netns, dev };
    return this.trace.tracing;
  }

  emit(e: Omit<TraceEvent, 'seq' | 'time'>): void {
    if (!this.trace.tracing) return;
    this.trace.record({ ...e, seq: 0, time: 0 }, this.clock.now);
  }

  /** Record an event built by the caller (only while tracing): it gets its sequence number and time here. */
  emitEvent(e: TraceEvent): void {
    this.trace.record(e, this.clock.now);
  }

  /** Take the events recorded since the last call. */
  drainTrace(): TraceEvent[] {
    return this.trace.drain();
  }

  /**
   * Where trace events go now: the trace of the command line whose work is running (null: the
   * world's own log, which drainTrace() takes). Events scheduled from here on carry it along, so
   * an ICMP error that comes back after its command ended still lands in that command's trace.
   */
  get traceTarget(): TraceLog | null {
    return this.trace.target;
  }

  set traceTarget(log: TraceLog | null) {
    this.trace.target = log;
  }

  /**
   * A command line ended: its trace takes no more events (its packets still in flight go on, but
   * are no longer shown), and what the cap left out is said in a last event.
   */
  closeTrace(log: TraceLog): void {
    this.trace.close(log);
  }

  /**
   * The CPU the work running now is on (sched_getcpu()): a task's own (taskset), and for the
   * kernel's work the CPU of whatever caused it, as softirqs run where the sender ran. Per-CPU
   * statistics (`conntrack -S`) count on it.
   */
  get cpu(): number {
    return this.clock.queue.cpu;
  }

  set cpu(n: number) {
    this.clock.queue.cpu = n;
  }

  /** Run fn on behalf of `cause` (a traceTarget saved earlier): work held back and resumed later keeps its owner. */
  asCause(cause: TraceLog | null, fn: () => void): void {
    const now = this.trace.target;
    this.trace.target = cause;
    try {
      fn();
    } finally {
      this.trace.target = now;
    }
  }

  // ---- rollback ---------------------------------------------------------------------------

  /**
   * Run fn, then put back every piece of soft state a packet can change (everything registered in
   * rollback/softstate.ts): a "what if" that leaves no trace, costing what its packets touch.
   */
  withRollback<T>(fn: () => T): T {
    const saved = this.rollback.begin();
    try {
      return fn();
    } finally {
      this.rollback.end(saved);
    }
  }

  /** withRollback() in two halves, for hot callers that would otherwise allocate a closure per call. */
  beginRollback(): RollbackPoint {
    return this.rollback.begin();
  }

  /** Put back everything since beginRollback(saved); call exactly once, in a finally. */
  endRollback(saved: RollbackPoint): void {
    this.rollback.end(saved);
  }

  /** Soft state of ns is about to change: inside withRollback, save it first (once per rollback). */
  willChange(ns: Netns): void {
    this.rollback.willChange(ns);
  }

  /** Inside withRollback: remember how to undo one change, as fn(a, b) (undone last-first). */
  journalUndo<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void {
    this.rollback.undo(fn, a, b);
  }

  get journaling(): boolean {
    return this.rollback.active;
  }

  snapshot(): WorldSnapshot {
    return takeSnapshot(this);
  }
}
