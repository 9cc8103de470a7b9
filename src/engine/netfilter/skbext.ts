/**
 * What the kernel keeps on an skb while it crosses one namespace's IP stack and Hoplab's packet
 * values cannot carry: its connection (skb->_nfct), its mark (skb->mark) and whether br_netfilter
 * already ran the IP PREROUTING hooks for it (nf_bridge). Kept per namespace by the packet's id,
 * which every copy of a packet keeps; the entry goes when the packet leaves the namespace's IP
 * stack (conntrack confirm) or, for a packet dropped on the way, when it is stale.
 *
 * The extensions are soft state: a probe's rollback puts back the packet ids (pidSeq), so a
 * probe's packet dropped on the way would otherwise leave its entry for the next real packet
 * with the same id, which conntrack would take as already tracked (a stale connection).
 */
import type { Netns } from '../netns/netns';
import { registerSoftState } from '../rollback/softstate';
import type { Conn } from '../conntrack/conn';
import { CTINFO, type CtInfo } from './skb';

export interface SkbExt {
  ct: Conn | undefined;
  ctinfo: CtInfo;
  /** conntrack has looked at the packet (or NOTRACK told it not to) */
  tracked: boolean;
  mark: number;
  /** br_netfilter ran the IP PREROUTING hooks on the bridge: ip_rcv must not run them again */
  brPrerouted: boolean;
  /** the sending socket's owner (skb->sk's sk_uid and its file's gid), for `-m owner` */
  uid: number | undefined;
  gid: number | undefined;
  /** virtual ms when made */
  at: number;
}

/**
 * A namespace's extensions as two parallel arrays searched from the newest: few packets are in
 * flight in one namespace at a time, and a Map that empties after almost every packet makes V8
 * shrink (reallocate) its table on every delete, which showed in a mesh request's profile.
 */
interface Exts {
  pids: number[];
  exts: SkbExt[];
}

const exts = new WeakMap<Netns, Exts>();

const indexOf = (m: Exts, pid: number): number => {
  for (let i = m.pids.length - 1; i >= 0; i--) if (m.pids[i] === pid) return i;
  return -1;
};

const removeAt = (m: Exts, i: number): void => {
  const last = m.pids.length - 1;
  m.pids[i] = m.pids[last];
  m.exts[i] = m.exts[last];
  m.pids.pop();
  m.exts.pop();
};

/** The packet's extension in this namespace, if any. */
export const skbExtIfAny = (ns: Netns, pid: number): SkbExt | undefined => {
  const m = exts.get(ns);
  if (m === undefined) return undefined;
  const i = indexOf(m, pid);
  return i < 0 ? undefined : m.exts[i];
};

/** The packet's extension, made on first use. */
export function skbExt(ns: Netns, pid: number): SkbExt {
  // the caller may change the entry: inside a probe, the namespace's extensions are saved first
  if (ns.world.journaling) ns.world.willChange(ns);
  let m = exts.get(ns);
  if (m === undefined) {
    m = { pids: [], exts: [] };
    exts.set(ns, m);
  }
  const i = indexOf(m, pid);
  if (i >= 0) return m.exts[i];
  const now = ns.world.now;
  if (m.pids.length > 256) {
    for (let j = m.pids.length - 1; j >= 0; j--) if (m.exts[j].at < now - 1000) removeAt(m, j);
  }
  const e: SkbExt = { ct: undefined, ctinfo: CTINFO.INVALID, tracked: false, mark: 0, brPrerouted: false, uid: undefined, gid: undefined, at: now };
  m.pids.push(pid);
  m.exts.push(e);
  return e;
}

/** The extensions of the packets in flight in this namespace. */
export const skbExtsOf = (ns: Netns): Iterable<SkbExt> => exts.get(ns)?.exts ?? [];

/** The packet left the namespace's IP stack. */
export const skbExtFree = (ns: Netns, pid: number): void => {
  const m = exts.get(ns);
  if (m === undefined) return;
  const i = indexOf(m, pid);
  if (i < 0) return;
  if (ns.world.journaling) ns.world.willChange(ns);
  removeAt(m, i);
};

const NONE: [number, SkbExt][] = [];

registerSoftState<never, [number, SkbExt][]>({
  name: 'skb extensions',
  netns: {
    save: (ns) => {
      const m = exts.get(ns);
      return m === undefined || m.pids.length === 0 ? NONE : m.pids.map((pid, i): [number, SkbExt] => [pid, { ...m.exts[i] }]);
    },
    restore: (ns, saved) => {
      if (saved.length === 0) exts.delete(ns);
      else exts.set(ns, { pids: saved.map(([pid]) => pid), exts: saved.map(([, e]) => ({ ...e })) });
    },
  },
});
