import { randomMac, MAC_ZERO, type Mac } from './addr/mac';
import { asIpv4, type Ipv4 } from './addr/ipv4';
import { Mulberry32 } from './sim/rng';
import { EventQueue } from './sim/events';
import { TRACE_CAP, Verdict, type TraceEvent, type TraceLog } from './sim/trace';
import type { WorldSnapshot } from './snapshot';
import { Netns, type InetPeer, type NetnsRole } from './netns/netns';
import { makeNetdev, type Loopback } from './netns/netdev';
import { addAddress } from './netns/devinet';
import { createBridge, createVeth, deleteLink, setLinkUp, setMaster } from './netns/link';
import { takeSnapshot } from './snapshotter';
import type { NeighSave } from './neighbour/table';
import { TaskTable } from './proc/table';

export const LAN_NS_PREFIX = '__lan_';
export const LAN_BRIDGE = 'br0';
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const IFNAME_RE = /^[A-Za-z0-9_.-]{1,15}$/;

/** A namespace's soft state as it was when a rollback first saw it change. */
interface NsSave {
  ns: Netns;
  /** the namespace's rollback mark before this save (an enclosing rollback's, or 0) */
  mark: number;
  neigh: NeighSave;
  peers: [Ipv4, InetPeer][];
  redirects: [Ipv4, Ipv4][];
  redirectExpiry: [Ipv4, number][];
}

interface Journal {
  /** marks the namespaces saved in this journal (Netns.rollbackMark), so asking is one comparison */
  id: number;
  saved: NsSave[];
  /** undo steps as flat (fn, a, b) triples, so journaling a change allocates no closure */
  undo: unknown[];
}

const NONE: never[] = [];

/** Put a map back to saved entries (in their order); `size` is the map's size, read without making it. */
function restoreMap<K, V>(size: number, m: () => Map<K, V>, saved: readonly (readonly [K, V])[]): void {
  if (size === 0 && saved.length === 0) return;
  const map = m();
  map.clear();
  for (const [k, v] of saved) map.set(k, v);
}

/** What beginRollback() saved and endRollback() puts back. */
export interface RollbackPoint {
  readonly clock: number;
  readonly rng: number;
  readonly changes: number;
  readonly queue: ReturnType<EventQueue['save']>;
  readonly traceLog: TraceEvent[];
  readonly traceTarget: TraceLog | null;
  readonly traceSeq: number;
  readonly pidSeq: number;
  readonly ipIdSeq: number;
  readonly tracing: boolean;
  readonly budgetUsed: number;
  readonly journal: Journal | null;
  /** the journal this rollback opened */
  readonly open: Journal;
}

export interface Lan {
  name: string;
  members: { netns: string; dev: string }[];
}

/** Ephemeral ports, handed out in turn (a deterministic stand-in for net.ipv4.ip_local_port_range). */
const EPHEMERAL_FIRST = 40001;
const EPHEMERAL_LAST = 60000;
export const EPHEMERAL_PORTS = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;

/** Events a single command may cause before the simulator declares a loop and stops it. */
export const EVENT_BUDGET = 50_000;

export { TRACE_CAP } from './sim/trace';

/**
 * Everything that exists: namespaces, LAN switches, cables, the virtual clock and the event queue.
 * Deterministic: MACs come from a seeded generator and time only moves when the simulation runs.
 */
export class World {
  private readonly namespaces = new Map<string, Netns>();
  readonly lans: Lan[] = [];
  readonly links: [string, string][] = [];
  private readonly rng: Mulberry32;
  private clock = 0;
  private changes = 0;
  readonly queue = new EventQueue();
  /** programs running on the virtual clock (src/engine/proc) */
  readonly tasks: TaskTable = new TaskTable(this);
  /** trace events are only built while someone listens */
  tracing = true;
  private traceLog: TraceEvent[] = [];
  private traceSeq = 0;
  private pidSeq = 0;
  private ipIdSeq = 0;
  /** ping identifiers and traceroute source ports: per world, so a lab replays identically */
  private pingIdentSeq = 0x1000;
  private udpPortSeq = EPHEMERAL_FIRST - 1;
  /** events processed since the budget was last reset */
  budgetUsed = 0;
  budgetExceeded = false;
  /** what withRollback must put back; null outside of it */
  private journal: Journal | null = null;
  private journalIds = 0;

  constructor(opts: { seed?: number } = {}) {
    this.rng = new Mulberry32(opts.seed ?? 1);
  }

  get now(): number {
    return this.clock;
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

  /** `ip netns add`: a namespace with only lo, and lo down. */
  createNetns(name: string, role: NetnsRole = 'host'): Netns {
    if (this.namespaces.has(name)) throw new Error(`Cannot create namespace file "/run/netns/${name}": File exists`);
    const ns = new Netns(this, name, role);
    this.namespaces.set(name, ns);
    const lo: Loopback = makeNetdev(ns, 'lo', 'loopback', MAC_ZERO, 65536, 'noqueue');
    ns.attach(lo, 1);
    ns.loopback = lo;
    addAddress(ns, lo, asIpv4(0x7f000001), 8, { scope: 254 });
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
    for (const dev of ns.devList()) if (dev.kind !== 'loopback' && ns.devs.get(dev.ifindex) === dev) deleteLink(dev);
    this.namespaces.delete(name);
    for (const other of this.namespaces.values()) other.nsids.delete(ns);
    if (ns.role === 'lan') {
      const i = this.lans.findIndex((l) => LAN_NS_PREFIX + l.name === name);
      if (i >= 0) this.lans.splice(i, 1);
    }
    for (const lan of this.lans) {
      const kept = lan.members.filter((m) => m.netns !== name);
      lan.members.splice(0, lan.members.length, ...kept);
    }
    const links = this.links.filter(([a, b]) => a.split(':')[0] !== name && b.split(':')[0] !== name);
    this.links.splice(0, this.links.length, ...links);
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
    this.deleteNetns(LAN_NS_PREFIX + name);
  }

  /** A host as the oracle builds one: a namespace with lo up. */
  addHost(name: string): void {
    if (!NAME_RE.test(name)) throw new Error(`invalid host name "${name}"`);
    if (name.startsWith(LAN_NS_PREFIX)) throw new Error(`host names may not start with ${LAN_NS_PREFIX}`);
    const ns = this.createNetns(name, 'host');
    setLinkUp(ns.loopback, true);
  }

  /** A LAN segment: bridge br0 in a hidden namespace, one veth per member (its far end a bridge port). */
  addLan(name: string, members: string[]): void {
    if (!NAME_RE.test(name)) throw new Error(`invalid LAN name "${name}"`);
    if (this.lans.some((l) => l.name === name)) throw new Error(`LAN "${name}" exists`);
    for (const m of members) this.checkEndpoint(m);
    const twice = members.find((m, i) => members.indexOf(m) !== i);
    if (twice !== undefined) throw new Error(`interface "${twice}" is listed twice`);
    const ns = this.createNetns(LAN_NS_PREFIX + name, 'lan');
    const br = createBridge(ns, LAN_BRIDGE);
    setLinkUp(br, true);
    const lan: Lan = { name, members: [] };
    this.lans.push(lan);
    for (const m of members) this.plugLan(lan, m);
  }

  addLanMember(lanName: string, member: string): void {
    const lan = this.lans.find((l) => l.name === lanName);
    if (!lan) throw new Error(`no LAN "${lanName}"`);
    this.checkEndpoint(member);
    this.plugLan(lan, member);
  }

  private plugLan(lan: Lan, member: string): void {
    const [host, ifname] = member.split(':');
    const hostNs = this.netns(host)!;
    const lanNs = this.netns(LAN_NS_PREFIX + lan.name)!;
    const port = `p${lan.members.length}`;
    const dev = createVeth(hostNs, ifname, port, lanNs);
    const peer = dev.peer;
    setMaster(peer, lanNs.devByName(LAN_BRIDGE) as never);
    setLinkUp(peer, true);
    setLinkUp(dev, true);
    lan.members.push({ netns: host, dev: ifname });
    this.touch();
  }

  /** A point-to-point cable: a veth pair with one end in each host, both up. */
  addLink(a: string, b: string): void {
    this.checkEndpoint(a);
    this.checkEndpoint(b);
    if (a === b) throw new Error(`a cable needs two ends`);
    const [ha, ia] = a.split(':');
    const [hb, ib] = b.split(':');
    const dev = createVeth(this.netns(ha)!, ia, ib, this.netns(hb)!);
    setLinkUp(dev, true);
    setLinkUp(dev.peer, true);
    this.links.push([a, b]);
    this.touch();
  }

  private checkEndpoint(ref: string): void {
    const parts = ref.split(':');
    if (parts.length !== 2) throw new Error(`expected "host:ifname", got "${ref}"`);
    const [host, ifname] = parts;
    const ns = this.netns(host);
    if (!ns || ns.role !== 'host') throw new Error(`unknown host "${host}" in "${ref}"`);
    if (!IFNAME_RE.test(ifname) || ifname === 'lo') throw new Error(`invalid interface name "${ifname}"`);
    if (ns.devByName(ifname)) throw new Error(`interface "${ref}" already exists`);
  }

  // ---- time and events --------------------------------------------------------------------

  schedule(delay: number, fn: () => void): void {
    this.queue.push(this.clock + delay, fn);
  }

  /** schedule(delay, () => fn(a, b)) without allocating the closure (the packet path does this per hop). */
  scheduleCall<A, B>(delay: number, fn: (a: A, b: B) => void, a: A, b: B): void {
    this.queue.push(this.clock + delay, fn, a, b);
  }

  /** Run events up to and including time `until` (or until `stop()` says so), then set the clock there. */
  runUntil(until: number, stop?: () => boolean): void {
    const q = this.queue;
    const caller = q.context;
    try {
      this.runEvents(until, stop);
    } finally {
      q.context = caller;
    }
  }

  private runEvents(until: number, stop?: () => boolean): void {
    const q = this.queue;
    for (;;) {
      if (stop?.()) return;
      const t = q.peekTime();
      if (t === undefined || t > until) break;
      const e = q.pop()!;
      this.clock = Math.max(this.clock, e.at);
      // an event works for whoever caused it: its trace events go to that command's trace
      q.context = e.ctx;
      if (++this.budgetUsed > EVENT_BUDGET) {
        this.budgetExceeded = true;
        q.clear();
        this.tasks.rearm();
        if (this.tracing)
          this.record({
            seq: ++this.traceSeq,
            time: this.clock,
            netns: e.netns ?? '',
            verdict: Verdict.LOOP_BUDGET,
            packetId: 0,
            text: `Hoplab stopped the simulation after ${EVENT_BUDGET.toLocaleString('en')} events: frames or packets are going round in circles (a bridge loop — Linux bridges run no STP unless told to — or a broadcast storm). Real Linux would keep forwarding them.`,
          } as TraceEvent);
        return;
      }
      e.fn(e.a, e.b);
    }
    if (!stop?.()) this.clock = Math.max(this.clock, until);
  }

  /** Let time pass (a person thinking between commands): timers fire. */
  advance(ms: number): void {
    this.runUntil(this.clock + ms);
  }

  // ---- tracing ----------------------------------------------------------------------------

  emit(e: Omit<TraceEvent, 'seq' | 'time'>): void {
    if (!this.tracing) return;
    this.record({ ...e, seq: 0, time: 0 });
  }

  /** Record an event built by the caller (only while tracing): it gets its sequence number and time here. */
  emitEvent(e: TraceEvent): void {
    this.record(e);
  }

  /** The one place trace events are stored: the trace of the command whose work this is, capped. */
  private record(e: TraceEvent): void {
    const target = this.queue.context as TraceLog | null;
    if (target !== null) {
      if (target.closed) return;
      e.seq = ++this.traceSeq;
      e.time = this.clock;
      target.add(e);
      return;
    }
    if (this.traceLog.length >= TRACE_CAP) return;
    e.seq = ++this.traceSeq;
    e.time = this.clock;
    this.traceLog.push(e);
  }

  /**
   * Where trace events go now: the trace of the command line whose work is running (null: the
   * world's own log, which drainTrace() takes). Events scheduled from here on carry it along, so
   * an ICMP error that comes back after its command ended still lands in that command's trace.
   */
  get traceTarget(): TraceLog | null {
    return this.queue.context as TraceLog | null;
  }

  set traceTarget(log: TraceLog | null) {
    this.queue.context = log;
  }

  /**
   * A command line ended: its trace takes no more events (its packets still in flight go on, but
   * are no longer shown), and what the cap left out is said in a last event.
   */
  closeTrace(log: TraceLog): void {
    if (log.closed) return;
    log.closed = true;
    if (log.dropped === 0) return;
    const last = log.events[log.events.length - 1];
    log.events.push({
      seq: ++this.traceSeq,
      time: last?.time ?? this.clock,
      netns: last?.netns ?? '',
      verdict: Verdict.TRACE_CAP,
      packetId: 0,
      text: `Hoplab kept the first ${log.cap.toLocaleString('en')} events of this trace and left out ${log.dropped.toLocaleString('en')} more`,
    });
  }

  /** Run fn on behalf of `cause` (a traceTarget saved earlier): work held back and resumed later keeps its owner. */
  asCause(cause: TraceLog | null, fn: () => void): void {
    const q = this.queue;
    const now = q.context;
    q.context = cause;
    try {
      fn();
    } finally {
      q.context = now;
    }
  }

  /** Take the events recorded since the last call. */
  drainTrace(): TraceEvent[] {
    const t = this.traceLog;
    this.traceLog = [];
    return t;
  }

  /**
   * Run fn, then put back every piece of soft state a packet can change (neighbours, FDBs,
   * rate-limit peers, redirects, clock, pending events, counters): a "what if" that leaves no trace.
   *
   * Nothing is copied up front but the event queue: the packet path calls `willChange(ns)` before it
   * changes a namespace's neighbours, peers or redirects (that namespace is saved then, once),
   * and bridge FDB and socket table changes are journaled one by one (`journalUndo`). So a probe costs what its packets
   * touch, not the size of the lab.
   */
  withRollback<T>(fn: () => T): T {
    const saved = this.beginRollback();
    try {
      return fn();
    } finally {
      this.endRollback(saved);
    }
  }

  /** withRollback() in two halves, for hot callers that would otherwise allocate a closure per call. */
  beginRollback(): RollbackPoint {
    const saved: RollbackPoint = {
      clock: this.clock,
      rng: this.rng.state,
      changes: this.changes,
      queue: this.queue.save(),
      traceLog: this.traceLog,
      traceTarget: this.traceTarget,
      traceSeq: this.traceSeq,
      pidSeq: this.pidSeq,
      ipIdSeq: this.ipIdSeq,
      tracing: this.tracing,
      budgetUsed: this.budgetUsed,
      journal: this.journal,
      open: { id: ++this.journalIds, saved: [], undo: [] },
    };
    this.journal = saved.open;
    this.traceLog = [];
    // a probe's events go to the log it drains, whoever asked for it
    this.traceTarget = null;
    return saved;
  }

  /** Put back everything since beginRollback(saved); call exactly once, in a finally. */
  endRollback(saved: RollbackPoint): void {
    const journal = saved.open;
    this.journal = saved.journal;
    this.clock = saved.clock;
    this.rng.state = saved.rng;
    this.changes = saved.changes;
    this.queue.restore(saved.queue);
    this.traceLog = saved.traceLog;
    this.traceTarget = saved.traceTarget;
    this.traceSeq = saved.traceSeq;
    this.pidSeq = saved.pidSeq;
    this.ipIdSeq = saved.ipIdSeq;
    this.tracing = saved.tracing;
    this.budgetUsed = saved.budgetUsed;
    const undo = journal.undo;
    for (let i = undo.length - 3; i >= 0; i -= 3) (undo[i] as (a: unknown, b: unknown) => void)(undo[i + 1], undo[i + 2]);
    for (let i = journal.saved.length - 1; i >= 0; i--) {
      const s = journal.saved[i];
      const ns = s.ns;
      ns.neigh.restore(s.neigh);
      restoreMap(ns.peerCount, () => ns.peers, s.peers);
      restoreMap(ns.hasRedirects ? 1 : 0, () => ns.redirects, s.redirects);
      restoreMap(ns.redirectExpiryCount, () => ns.redirectExpiry, s.redirectExpiry);
      ns.rollbackMark = s.mark;
    }
  }

  /** Soft state of ns is about to change: inside withRollback, save it first (once per rollback). */
  willChange(ns: Netns): void {
    const j = this.journal;
    if (j === null || ns.rollbackMark === j.id) return;
    j.saved.push({
      ns,
      mark: ns.rollbackMark,
      neigh: ns.neigh.save(),
      peers: ns.peerCount ? [...ns.peers].map(([k, v]) => [k, { ...v }]) : NONE,
      redirects: ns.hasRedirects ? [...ns.redirects] : NONE,
      redirectExpiry: ns.redirectExpiryCount ? [...ns.redirectExpiry] : NONE,
    });
    ns.rollbackMark = j.id;
  }

  /** Inside withRollback: remember how to undo one change, as fn(a, b) (undone last-first). */
  journalUndo<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void {
    this.journal?.undo.push(fn, a, b);
  }

  get journaling(): boolean {
    return this.journal !== null;
  }

  snapshot(): WorldSnapshot {
    return takeSnapshot(this);
  }
}
