/**
 * The packet at the current hop: Ethernet, ARP, IP, ICMP/UDP headers as they were there, the DNS
 * message it carries decoded, and the route or FDB entry that decided where it went next.
 */
import type { TraceEvent } from '../../engine/sim/trace';
import type { DnsView } from '../../engine/wire/dns';
import { formatPacket } from '../../commands/tcpdump';
import { isDropEvent, where, type PlaceNames } from './describe';
import { VERDICT_LABEL } from './verdicts';

function Row({ k, v }: { k: string; v: string | number | undefined }) {
  if (v === undefined || v === '') return null;
  return (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
}

/** The DNS message a packet carries: the question, and for an answer its status and records. */
function DnsSection({ dns }: { dns: DnsView }) {
  return (
    <>
      <h4>
        DNS {dns.query ? 'query' : 'answer'}
        {dns.tcp ? ' over TCP' : ''}
      </h4>
      <dl>
        <Row k="id" v={dns.id} />
        <Row k="question" v={dns.question} />
        <Row k="flags" v={dns.flags} />
        {!dns.query && <Row k="status" v={dns.rcode} />}
        {!dns.query && dns.answers.length === 0 && <Row k="answer" v="none" />}
        {!dns.query &&
          dns.answers.map((a, i) => (
            <Row key={i} k={i === 0 ? 'answer' : ''} v={a} />
          ))}
        {!dns.query && <Row k="authority, additional" v={`${dns.authority}, ${dns.additional}`} />}
      </dl>
    </>
  );
}

/**
 * The route (or FDB entry) that decided where the packet went at this hop: on the event itself, or
 * on the last earlier event of the same packet in the same namespace.
 */
export function decidedBy(events: readonly TraceEvent[], index: number, key: 'route' | 'fdb'): { text: string; at: number } | null {
  const e = events[index];
  for (let i = index; i >= 0; i--) {
    const x = events[i];
    if (x.packetId !== e.packetId || x.netns !== e.netns) continue;
    const v = x[key];
    if (v) return { text: v, at: i };
  }
  return null;
}

export function PacketInspector({ events, index, names }: { events: readonly TraceEvent[]; index: number; names?: PlaceNames }) {
  const e = events[index];
  const p = e.packet;
  const line = formatPacket(p);
  const route = decidedBy(events, index, 'route');
  const fdb = decidedBy(events, index, 'fdb');
  const note = (at: number) => (at === index ? '' : ` (event ${at + 1})`);
  return (
    <section className="hl-inspect" aria-label="Packet inspector">
      <h3>
        Event {index + 1} at {where(e, names)}
      </h3>
      <dl>
        <Row k="Verdict" v={`${isDropEvent(e) ? 'dropped: ' : ''}${VERDICT_LABEL[e.verdict] ?? e.verdict}`} />
        <Row k="Kernel" v={e.verdict} />
        <Row k="Time" v={`${e.time.toFixed(3)} ms`} />
        {e.to && <Row k="Next" v={where(e.to, names)} />}
        <Row k="Route" v={route ? route.text + note(route.at) : undefined} />
        <Row k="FDB" v={fdb ? fdb.text + note(fdb.at) : undefined} />
      </dl>
      {p?.eth && (
        <>
          <h4>Ethernet</h4>
          <dl>
            <Row k="src" v={p.eth.src} />
            <Row k="dst" v={p.eth.dst} />
            <Row k="type" v={p.eth.type === 'ARP' ? 'ARP (0x0806)' : 'IPv4 (0x0800)'} />
          </dl>
        </>
      )}
      {p?.arp && (
        <>
          <h4>ARP {p.arp.op}</h4>
          <dl>
            <Row k="sender" v={`${p.arp.senderIp} ${p.arp.senderMac}`} />
            <Row k="target" v={`${p.arp.targetIp} ${p.arp.targetMac}`} />
          </dl>
        </>
      )}
      {p?.ip && (
        <>
          <h4>IPv4</h4>
          <dl>
            <Row k="src" v={p.ip.src} />
            <Row k="dst" v={p.ip.dst} />
            <Row k="TTL" v={p.ip.ttl} />
            <Row k="protocol" v={p.ip.proto} />
          </dl>
        </>
      )}
      {p?.icmp && (
        <>
          <h4>ICMP</h4>
          <dl>
            <Row k="type" v={`${p.icmp.type} (${p.icmp.name})`} />
            <Row k="code" v={p.icmp.code} />
            <Row k="id" v={p.icmp.id} />
            <Row k="seq" v={p.icmp.seq} />
          </dl>
        </>
      )}
      {p?.udp && (
        <>
          <h4>UDP</h4>
          <dl>
            <Row k="sport" v={p.udp.sport} />
            <Row k="dport" v={p.udp.dport} />
          </dl>
        </>
      )}
      {p?.dns && <DnsSection dns={p.dns} />}
      {line && (
        <p className="hl-inspect-line">
          <span className="hl-inspect-k">tcpdump -n:</span> <code>{line}</code>
        </p>
      )}
    </section>
  );
}
