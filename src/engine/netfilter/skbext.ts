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

const exts = new WeakMap<Netns, Map<number, SkbExt>>();

/** The packet's extension in this namespace, if any. */
export const skbExtIfAny = (ns: Netns, pid: number): SkbExt | undefined => exts.get(ns)?.get(pid);

/** The packet's extension, made on first use. */
export function skbExt(ns: Netns, pid: number): SkbExt {
  // the caller may change the entry: inside a probe, the namespace's extensions are saved first
  if (ns.world.journaling) ns.world.willChange(ns);
  let m = exts.get(ns);
  if (m === undefined) {
    m = new Map();
    exts.set(ns, m);
  }
  let e = m.get(pid);
  if (e === undefined) {
    const now = ns.world.now;
    if (m.size > 256) {
      for (const [k, v] of m) if (v.at < now - 1000) m.delete(k);
    }
    e = { ct: undefined, ctinfo: CTINFO.INVALID, tracked: false, mark: 0, brPrerouted: false, uid: undefined, gid: undefined, at: now };
    m.set(pid, e);
  }
  return e;
}

/** The extensions of the packets in flight in this namespace. */
export const skbExtsOf = (ns: Netns): Iterable<SkbExt> => exts.get(ns)?.values() ?? [];

/** The packet left the namespace's IP stack. */
export const skbExtFree = (ns: Netns, pid: number): void => {
  const m = exts.get(ns);
  if (m === undefined || !m.has(pid)) return;
  if (ns.world.journaling) ns.world.willChange(ns);
  m.delete(pid);
};

const NONE: [number, SkbExt][] = [];

registerSoftState<never, [number, SkbExt][]>({
  name: 'skb extensions',
  netns: {
    save: (ns) => {
      const m = exts.get(ns);
      return m === undefined || m.size === 0 ? NONE : [...m].map(([pid, e]): [number, SkbExt] => [pid, { ...e }]);
    },
    restore: (ns, saved) => {
      if (saved.length === 0) exts.delete(ns);
      else exts.set(ns, new Map(saved.map(([pid, e]): [number, SkbExt] => [pid, { ...e }])));
    },
  },
});
