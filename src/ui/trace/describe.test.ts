import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../engine/sim/trace';
import { Verdict } from '../../engine/sim/trace';
import { eventLabel, outcome, packetKind, path, requestPacketId, rowText, sentence, where } from './describe';
import { VERDICT_LABEL } from './verdicts';

const ev = (netns: string, verdict: TraceEvent['verdict'], over: Partial<TraceEvent> = {}): TraceEvent => ({
  seq: 0,
  time: 0,
  netns,
  verdict,
  text: 'something happened',
  packetId: 1,
  ...over,
});

describe('trace words', () => {
  it('names a cluster pod by namespace/pod wherever the engine wrote its sandbox netns', () => {
    const sandbox = 'cni-e71f8bad-d99f-4422-bd9b-976c6a649afa';
    const names = { [sandbox]: 'default/web-7d4f9-x2k8p' };
    const cross = ev(sandbox, 'VETH_XMIT', { dev: 'eth0', text: `${sandbox}: eth0 → node02 veth1a2b3c4d` });
    expect(where(cross, names)).toBe('default/web-7d4f9-x2k8p eth0');
    expect(sentence(cross, names)).toBe('default/web-7d4f9-x2k8p: eth0 → node02 veth1a2b3c4d');
    expect(rowText(cross, names)).toBe('eth0 → node02 veth1a2b3c4d');
    // named in the middle of another namespace's sentence too
    const fwd = ev('node02', 'VETH_XMIT', { text: `node02: veth1a2b3c4d → ${sandbox} eth0` });
    expect(sentence(fwd, names)).toBe('node02: veth1a2b3c4d → default/web-7d4f9-x2k8p eth0');
    expect(where({ netns: sandbox, dev: 'eth0' })).toBe(`${sandbox} eth0`);
  });

  it('labels every verdict', () => {
    for (const v of Object.values(Verdict)) expect(VERDICT_LABEL[v]).toBeTruthy();
  });
  it('names packets', () => {
    expect(packetKind({ icmp: { type: 8, code: 0, name: 'echo request' } })).toBe('echo request');
    expect(packetKind({ arp: { op: 'reply', senderIp: '', senderMac: '', targetIp: '', targetMac: '' } })).toBe('ARP reply');
    expect(packetKind({ ip: { src: '', dst: '', ttl: 1, proto: 'UDP' } })).toBe('UDP probe');
    expect(packetKind(undefined)).toBeNull();
  });
  it('names an event row for screen readers: number, place, packet, verdict in words, sentence', () => {
    const fwd = ev('node02', 'IP_FORWARDING_DISABLED', { dev: 'eth0', text: 'forwarding is disabled', packet: { icmp: { type: 8, code: 0, name: 'echo request' } } });
    expect(eventLabel(fwd, 4, 9)).toBe(`Event 5 of 9: node02 eth0, echo request, dropped: ${VERDICT_LABEL.IP_FORWARDING_DISABLED}. node02: forwarding is disabled`);
    expect(eventLabel(ev('node01', 'XMIT', { text: 'sent on eth0' }), 0, 1)).toBe(`Event 1 of 1: node01, ${VERDICT_LABEL.XMIT}. node01: sent on eth0`);
  });
  it('calls a LAN switch by its name, never by its hidden namespace or its bridge (issue 9: not "br0")', () => {
    const flood = ev('__lan_lan0', 'FLOOD', { dev: 'br0', text: 'br0: broadcast → flooded to p0, p1' });
    expect(where(flood)).toBe('switch lan0');
    expect(sentence(flood)).toBe('switch lan0: broadcast → flooded to p0, p1');
    const learn = ev('__lan_lan0', 'FDB_LEARN', { dev: 'p2', text: 'br0: learned 02:00:00:00:00:01 is behind p2' });
    expect(where(learn)).toBe('switch lan0 port p2');
    expect(sentence(learn)).toBe('switch lan0: learned 02:00:00:00:00:01 is behind p2');
    expect(sentence(ev('__lan_lan0', 'XMIT', { dev: 'p2', text: 'sent on p2' }))).toBe('switch lan0: sent on p2');
    expect(sentence(ev('__lan_lan0', 'FLOOD', { text: 'switch lan0: flooded' }))).toBe('switch lan0: flooded');
    for (const e of [flood, learn]) expect(eventLabel(e, 0, 3)).not.toMatch(/__lan_|br0/);
  });
  it('a row of the list does not repeat the place its first column shows', () => {
    expect(rowText(ev('node01', 'XMIT', { text: 'node01: sent on eth0' }))).toBe('sent on eth0');
    expect(rowText(ev('__lan_lan0', 'XMIT', { text: 'sent on p2' }))).toBe('sent on p2');
    expect(rowText(ev('__lan_lan0', 'FLOOD', { text: 'switch lan0: flooded' }))).toBe('flooded');
  });
  it('prefixes the namespace once', () => {
    expect(sentence(ev('node01', 'XMIT', { text: 'sent on eth0' }))).toBe('node01: sent on eth0');
    expect(sentence(ev('node01', 'XMIT', { text: 'node01: sent on eth0' }))).toBe('node01: sent on eth0');
  });
  it('finds the first drop, else the reply', () => {
    const reply = ev('node01', 'LOCAL_DELIVER', { packet: { icmp: { type: 0, code: 0, name: 'echo reply' } } });
    const req = ev('node02', 'LOCAL_DELIVER', { packet: { icmp: { type: 8, code: 0, name: 'echo request' } } });
    expect(outcome([])).toEqual({ kind: 'empty' });
    expect(outcome([ev('node01', 'XMIT'), req, reply])).toMatchObject({ kind: 'reply', index: 2 });
    expect(outcome([ev('node01', 'XMIT'), ev('node02', 'IP_FORWARDING_DISABLED'), ev('node03', 'NEIGH_FAILED')])).toMatchObject({ kind: 'drop', index: 1, drops: 2 });
  });
  it('a traceroute that reaches its destination is not a failure because of its TTL drops', () => {
    const ttl = ev('node01', 'IP_INHDR_TTL');
    const te = ev('pod1', 'LOCAL_DELIVER', { packet: { icmp: { type: 11, code: 0, name: 'time exceeded in-transit' } } });
    const port = ev('pod1', 'LOCAL_DELIVER', { packet: { icmp: { type: 3, code: 3, name: 'port unreachable' } } });
    expect(outcome([ttl, te, port])).toMatchObject({ kind: 'reached', index: 2, drops: 1 });
    expect(outcome([ttl, te])).toMatchObject({ kind: 'drop', index: 0 });
  });
  it('lists the path without hidden LAN namespaces', () => {
    expect(path([ev('node01', 'XMIT'), ev('__lan_lan0', 'FLOOD'), ev('node02', 'RCV'), ev('node02', 'FORWARD'), ev('pod2', 'RCV')])).toEqual(['node01', 'node02', 'pod2']);
  });
  it('follows one packet', () => {
    const req = { icmp: { type: 8, code: 0, name: 'echo request' } };
    const events = [ev('pod1', 'XMIT', { packetId: 5 }), ev('node01', 'RCV', { packetId: 5 }), ev('pod1', 'RCV', { packetId: 5 }), ev('pod1', 'XMIT', { packetId: 6, packet: req }), ev('node01', 'RCV', { packetId: 6, packet: req })];
    expect(requestPacketId(events)).toBe(6);
    expect(path(events, 6)).toEqual(['pod1', 'node01']);
  });
});
