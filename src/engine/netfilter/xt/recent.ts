/**
 * `-m recent` (xt_recent.c, revision 1): named per-namespace lists of recently seen addresses,
 * each with the times it was seen. kube-proxy's `sessionAffinity: ClientIP` rests on it: the SEP
 * chain `--set`s the client's address in a list named after the endpoint, and the SVC chain sends
 * a client found in a list (`--rcheck --seconds T --reap`) back to that endpoint.
 */
import { asIpv4, formatIpv4, type Ipv4 } from '../../addr/ipv4';
import type { Netns } from '../../netns/netns';
import type { HookState, Skb } from '../skb';

export const XT_RECENT = { CHECK: 1, SET: 2, UPDATE: 4, REMOVE: 8, TTL: 16, REAP: 32 } as const;
const ANY_OP = XT_RECENT.CHECK | XT_RECENT.SET | XT_RECENT.UPDATE | XT_RECENT.REMOVE;

/** struct xt_recent_mtinfo_v1 */
export interface RecentMatch {
  kind: 'recent';
  seconds: number;
  hitCount: number;
  /** XT_RECENT bits */
  checkSet: number;
  invert: boolean;
  name: string;
  side: 'source' | 'dest';
  mask: Ipv4;
}

/** the module's defaults: ip_list_tot addresses per list, ip_pkt_list_tot times per address */
const IP_LIST_TOT = 100;
const IP_PKT_LIST_TOT = 20;

interface RecentEntry {
  /** the last IP_PKT_LIST_TOT times the address was seen (virtual ms), oldest first */
  stamps: number[];
  ttl: number;
}

/** One list: entries in LRU order (a Map keeps insertion order; an update moves the entry last). */
interface RecentTable {
  mask: Ipv4;
  entries: Map<Ipv4, RecentEntry>;
}

const nets = new WeakMap<Netns, Map<string, RecentTable>>();

/** The namespace's list of that name (recent_table_lookup; made with the first rule's mask). */
function tableOf(ns: Netns, name: string, mask: Ipv4): RecentTable {
  let lists = nets.get(ns);
  if (lists === undefined) nets.set(ns, (lists = new Map()));
  let t = lists.get(name);
  if (t === undefined) lists.set(name, (t = { mask, entries: new Map() }));
  return t;
}

/** The lists a namespace holds now: name → addresses with the time each was last seen (for /proc/net/xt_recent and tests). */
export function recentLists(ns: Netns): Map<string, { addr: string; lastSeen: number }[]> {
  const out = new Map<string, { addr: string; lastSeen: number }[]>();
  for (const [name, t] of nets.get(ns) ?? []) out.set(name, [...t.entries].map(([a, e]) => ({ addr: formatIpv4(a), lastSeen: e.stamps[e.stamps.length - 1] })));
  return out;
}

const restoreEntries = (t: RecentTable, saved: Map<Ipv4, RecentEntry>): void => {
  t.entries = saved;
};

/** What a match may change a list with: the clock, and the journal that undoes it after a probe. */
export interface RecentParam {
  journal?: { journalUndo<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void } | undefined;
}

/** recent_mt() */
export function recentMatch(m: RecentMatch, skb: Skb, st: HookState, p: RecentParam): boolean {
  const now = st.ns.world.now;
  const t = tableOf(st.ns, m.name, m.mask);
  const addr = asIpv4((m.side === 'dest' ? skb.dst : skb.src) & t.mask);
  // the TTL as seen before forwarding
  const ttl = st.out !== undefined && st.uid === undefined ? skb.ttl + 1 : skb.ttl;
  let e = t.entries.get(addr);
  if (e !== undefined && m.checkSet & XT_RECENT.TTL && e.ttl !== ttl) e = undefined;
  let ret = m.invert;
  const change = () => {
    if (p.journal) p.journal.journalUndo(restoreEntries, t, new Map([...t.entries].map(([a, x]) => [a, { stamps: [...x.stamps], ttl: x.ttl }])));
  };
  if (e === undefined) {
    if (!(m.checkSet & XT_RECENT.SET)) return ret;
    change();
    // recent_entry_init(): a full list forgets its least recently seen address
    if (t.entries.size >= IP_LIST_TOT) t.entries.delete(t.entries.keys().next().value!);
    t.entries.set(addr, { stamps: [now], ttl });
    return !ret;
  }
  if (m.checkSet & XT_RECENT.SET) ret = !ret;
  else if (m.checkSet & XT_RECENT.REMOVE) {
    change();
    t.entries.delete(addr);
    return !ret;
  } else if (m.seconds !== 0 || m.hitCount !== 0) {
    const since = now - m.seconds * 1000;
    let hits = 0;
    for (const s of e.stamps) {
      if (m.seconds !== 0 && since > s) continue;
      if (m.hitCount === 0 || ++hits >= m.hitCount) {
        ret = !ret;
        break;
      }
    }
    // recent_entry_reap(): only the least recently seen address, and not the one about to be updated
    if (m.checkSet & XT_RECENT.REAP) {
      const [oldAddr, old] = t.entries.entries().next().value!;
      if (!(old === e && m.checkSet & XT_RECENT.UPDATE && ret) && since > old.stamps[old.stamps.length - 1]) {
        change();
        t.entries.delete(oldAddr);
      }
    }
  } else ret = !ret;
  if (m.checkSet & XT_RECENT.SET || (m.checkSet & XT_RECENT.UPDATE && ret)) {
    change();
    // recent_entry_update(): one more time, and to the end of the LRU order
    const stamps = [...e.stamps, now].slice(-IP_PKT_LIST_TOT);
    t.entries.delete(addr);
    t.entries.set(addr, { stamps, ttl });
  }
  return ret;
}

/** recent_mt_check(): what the kernel refuses (EINVAL) that iptables let through. */
export function recentAllowed(m: RecentMatch): boolean {
  const ops = m.checkSet & ANY_OP;
  if (ops === 0 || (ops & (ops - 1)) !== 0) return false;
  if (m.checkSet & (XT_RECENT.SET | XT_RECENT.REMOVE) && (m.seconds !== 0 || m.hitCount !== 0 || m.checkSet & (XT_RECENT.TTL | XT_RECENT.REAP))) return false;
  if (m.checkSet & XT_RECENT.REAP && m.seconds === 0) return false;
  // xt_check_proc_name(): the list is a file under /proc/net/xt_recent
  return m.name !== '' && m.name !== '.' && m.name !== '..' && !m.name.includes('/');
}

/** libxt_recent's save (`--` options) and print (-L words). */
export function recentText(m: RecentMatch, save: boolean): string {
  const inv = m.invert ? ' !' : '';
  const f = (bit: number, a: string, b: string) => (m.checkSet & bit ? (save ? a : b) : '');
  let s = save ? inv : `${inv} recent:`;
  s += f(XT_RECENT.SET, ' --set', ' SET') + f(XT_RECENT.CHECK, ' --rcheck', ' CHECK') + f(XT_RECENT.UPDATE, ' --update', ' UPDATE') + f(XT_RECENT.REMOVE, ' --remove', ' REMOVE');
  if (m.seconds) s += save ? ` --seconds ${m.seconds}` : ` seconds: ${m.seconds}`;
  s += f(XT_RECENT.REAP, ' --reap', ' reap');
  if (m.hitCount) s += save ? ` --hitcount ${m.hitCount}` : ` hit_count: ${m.hitCount}`;
  s += f(XT_RECENT.TTL, ' --rttl', ' TTL-Match');
  if (save) return `${s} --name ${m.name} --mask ${formatIpv4(m.mask)} --${m.side === 'dest' ? 'rdest' : 'rsource'}`;
  return `${s} name: ${m.name} side: ${m.side} mask: ${formatIpv4(m.mask)}`;
}
