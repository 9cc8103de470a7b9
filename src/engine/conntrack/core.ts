/**
 * nf_conntrack_in() and nf_conntrack_confirm() (net/netfilter/nf_conntrack_core.c).
 *
 * At PREROUTING and OUTPUT a packet is looked up by its tuple: a packet of a known connection is
 * ESTABLISHED (in either direction, once a reply was seen), an ICMP error quoting a packet of a
 * known connection is RELATED, a packet that may start one makes a NEW, unconfirmed connection,
 * anything else is INVALID. The new connection enters the table only when its first packet
 * leaves the namespace's IP stack alive (POSTROUTING, or INPUT for local delivery), so a packet
 * dropped on the way leaves nothing behind.
 *
 * The kernel hangs the connection on the skb (skb->_nfct); here it is the packet's extension
 * (netfilter/skbext.ts), kept per namespace by the packet's id.
 */
import type { Netns } from '../netns/netns';
import { CTINFO, IPPROTO, TCPF, type CtInfo, type Skb } from '../netfilter/skb';
import { IPS, IP_CT_DIR, sameTuple, type Conn, type CtDir, type Tuple } from './conn';
import { ctPacket, ICMP_ERRORS, invertTuple, mayStart, tcpNewState, tupleOf } from './proto';
import { ctTable, ctWillChange } from './table';
import { ctEvent } from './events';
import { ctStatInc } from './stats';

/** the status bits whose change is an UPDATE event */
const EVENT_BITS = IPS.SEEN_REPLY | IPS.ASSURED;
import { skbExt, skbExtIfAny, skbExtsOf, type SkbExt } from '../netfilter/skbext';

let connIds = 0;

function newConn(ns: Netns, skb: Skb): Conn {
  const orig = tupleOf(skb);
  const now = ns.world.now;
  return {
    id: ++connIds,
    orig,
    reply: invertTuple(orig),
    status: 0,
    created: now,
    expires: now,
    tcp: skb.proto === IPPROTO.TCP ? tcpNewState(skb) : undefined,
    tcpLastDir: IP_CT_DIR.ORIGINAL,
    mark: 0,
    packets: [0, 0],
    bytes: [0, 0],
    confirmed: false,
  };
}

/**
 * ctnetlink_create_conntrack(): an entry made by hand (`conntrack -I`), its reply tuple the
 * original inverted, confirmed at once with the timeout, state, status and mark given; refused
 * (EEXIST) when either tuple is already tracked.
 */
export function ctCreate(ns: Netns, orig: Tuple, o: { timeoutMs: number; tcp: Conn['tcp']; status: number; mark: number }): Conn | 'EEXIST' {
  const t = ctTable(ns);
  const reply = invertTuple(orig);
  if (t.find(orig) || t.find(reply)) return 'EEXIST';
  ctWillChange(ns);
  ctStatInc(ns, 'insert');
  const now = ns.world.now;
  const ct: Conn = { id: ++connIds, orig, reply, status: o.status | IPS.CONFIRMED, created: now, expires: now + o.timeoutMs, tcp: o.tcp, tcpLastDir: IP_CT_DIR.ORIGINAL, mark: o.mark, packets: [0, 0], bytes: [0, 0], confirmed: false };
  t.insert(ct);
  return ct;
}

/** The quoted packet of an ICMP error as a tuple (the packet that caused the error). */
function innerTuple(skb: Skb) {
  const i = skb.inner!;
  if (i.proto === IPPROTO.ICMP) return { src: i.src, dst: i.dst, proto: 1, sport: i.icmpId, dport: (i.icmpType << 8) | i.icmpCode };
  return { src: i.src, dst: i.dst, proto: i.proto, sport: i.sport, dport: i.dport };
}

/**
 * nf_conntrack_in(): find or make the packet's connection and say where the packet stands with it
 * (in the packet's extension: ct and ctinfo). A packet conntrack already saw (looped back, or
 * NOTRACKed in the raw table) is left alone.
 */
export function nfConntrackIn(ns: Netns, skb: Skb, pid: number): SkbExt {
  const a = skbExt(ns, pid);
  if (a.tracked) return a;
  a.tracked = true;
  const now = ns.world.now;
  const table = ctTable(ns);
  if (skb.proto === IPPROTO.ICMP && ICMP_ERRORS.has(skb.icmpType)) {
    // icmp_error_message(): the connection of the quoted packet, seen from the other side; an
    // error this host makes about a packet it holds gets that packet's connection even before
    // it is confirmed (nf_ct_attach, from icmp_send)
    const t = skb.inner !== undefined ? invertTuple(innerTuple(skb)) : undefined;
    const h = t === undefined ? undefined : (table.find(t) ?? inflightConn(ns, t));
    a.ct = h?.ct;
    a.ctinfo = h === undefined ? CTINFO.INVALID : h.dir === IP_CT_DIR.REPLY ? CTINFO.RELATED_REPLY : CTINFO.RELATED;
    if (h === undefined) ctStatInc(ns, 'error');
    return a;
  }
  const h = table.find(tupleOf(skb));
  let ct: Conn;
  let dir: CtDir;
  let ctinfo: CtInfo;
  if (h !== undefined) {
    ct = h.ct;
    dir = h.dir;
    ctinfo = dir === IP_CT_DIR.REPLY ? CTINFO.ESTABLISHED_REPLY : ct.status & IPS.SEEN_REPLY ? CTINFO.ESTABLISHED : CTINFO.NEW;
  } else {
    // a packet conntrack cannot place has no connection: `--ctstate INVALID` matches it
    if (!mayStart(ns, skb)) {
      ctStatInc(ns, 'invalid');
      return a;
    }
    ct = newConn(ns, skb);
    dir = IP_CT_DIR.ORIGINAL;
    ctinfo = CTINFO.NEW;
  }
  if (ct.confirmed) ctWillChange(ns);
  const was = ct.status & EVENT_BITS;
  const wasTcp = ct.tcp;
  // a connection with a fixed timeout keeps it whatever its packets say (nf_ct_refresh_acct)
  const fixed = ct.status & IPS.FIXED_TIMEOUT ? ct.expires : undefined;
  if (!ctPacket(ns, ct, dir, skb, now)) {
    ctStatInc(ns, 'invalid');
    return a;
  }
  if (fixed !== undefined) ct.expires = fixed;
  ct.packets[dir]++;
  ct.bytes[dir] += skb.len;
  // tcp_packet(): when the only answer is a reset there never was a connection: forget it now
  const refused = skb.proto === IPPROTO.TCP && (skb.tcpFlags & TCPF.RST) !== 0 && !(ct.status & IPS.SEEN_REPLY);
  if (dir === IP_CT_DIR.REPLY) ct.status |= IPS.SEEN_REPLY;
  a.ct = ct;
  a.ctinfo = ctinfo;
  if (refused) {
    if (ct.confirmed) table.remove(ct);
    return a;
  }
  // IPCT_REPLY, IPCT_ASSURED, IPCT_PROTOINFO: what an established entry reports to conntrack -E
  if (ct.confirmed && ((ct.status & EVENT_BITS) !== was || ct.tcp !== wasTcp)) ctEvent(ns, 'UPDATE', ct);
  return a;
}

/** An unconfirmed connection of a packet still in flight here, by either tuple. */
function inflightConn(ns: Netns, t: Tuple): { ct: Conn; dir: CtDir } | undefined {
  for (const e of skbExtsOf(ns)) {
    const ct = e.ct;
    if (ct === undefined || ct.confirmed) continue;
    if (sameTuple(ct.orig, t)) return { ct, dir: IP_CT_DIR.ORIGINAL };
    if (sameTuple(ct.reply, t)) return { ct, dir: IP_CT_DIR.REPLY };
  }
  return undefined;
}

/** nf_conntrack_confirm(): the packet leaves the IP stack; a new connection enters the table. */
export function nfConntrackConfirm(ns: Netns, pid: number): void {
  const ext = skbExtIfAny(ns, pid);
  const ct = ext?.ct;
  if (ext === undefined || ct === undefined || ct.confirmed) return;
  // __nf_conntrack_confirm(): a packet in the reply direction (an ICMP error this host sends about
  // a packet it dropped) never puts an unconfirmed connection in the table
  if (ext.ctinfo >= CTINFO.ESTABLISHED_REPLY && ext.ctinfo <= CTINFO.RELATED_REPLY) return;
  const table = ctTable(ns);
  // a clash (another connection took the tuple meanwhile) loses the race, as in the kernel
  if (table.find(ct.orig) !== undefined || table.find(ct.reply) !== undefined) {
    ctStatInc(ns, 'insert_failed');
    return;
  }
  ctWillChange(ns);
  table.insert(ct);
  ct.status |= IPS.CONFIRMED;
}
