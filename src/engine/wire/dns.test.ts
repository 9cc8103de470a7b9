import { describe, expect, it } from 'vitest';
import { DnsClass, DnsFormatError, DnsType, Rcode, dnsLength, dnsMessage, dnsView, emitDns, isSubdomain, replyTo, type DnsMessage } from './dns';
import { parseDns } from './dnsParse';

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

// Captured on this machine: `dig @10.0.0.53 web.lab` (BIND 9.18: rd + ad, EDNS 1232 with a client
// cookie), `nslookup web.lab 10.0.0.53` (rd, no EDNS), and dnsmasq 2.90's answer to the dig query.
const DIG_QUERY = '7d880120000100000000000103776562036c6162000001000100002904d000000000000c000a000884ed89a0d11331c0';
const NSLOOKUP_QUERY = '68db0100000100000000000003776562036c61620000010001';
const DNSMASQ_REPLY = '7d888580000100010000000103776562036c61620000010001c00c000100010000000000040a00005000002904d0000000000000';

describe('DNS wire format', () => {
  it('parses the query dig sends: rd and ad set, an OPT record with a cookie', () => {
    const m = parseDns(hex(DIG_QUERY));
    expect(m).toMatchObject({ id: 0x7d88, qr: false, rd: true, ad: true, aa: false, rcode: 0 });
    expect(m.question).toEqual([{ name: 'web.lab.', type: DnsType.A, class: DnsClass.IN }]);
    expect(m.additional).toEqual([]);
    expect(m.edns).toMatchObject({ udpSize: 1232, version: 0, do: false });
    expect(m.edns!.options.map((o) => [o.code, toHex(o.data)])).toEqual([[10, '84ed89a0d11331c0']]);
    expect(toHex(emitDns(m))).toBe(DIG_QUERY);
  });

  it('round-trips nslookup\'s plain query and dnsmasq\'s compressed answer byte for byte', () => {
    const q = parseDns(hex(NSLOOKUP_QUERY));
    expect(q.edns).toBeUndefined();
    expect(toHex(emitDns(q))).toBe(NSLOOKUP_QUERY);
    const r = parseDns(hex(DNSMASQ_REPLY));
    expect(r).toMatchObject({ qr: true, aa: true, rd: true, ra: true, ad: false });
    expect(r.answer).toEqual([{ name: 'web.lab.', type: DnsType.A, class: DnsClass.IN, ttl: 0, data: { kind: 'A', address: '10.0.0.80' } }]);
    expect(toHex(emitDns(r))).toBe(DNSMASQ_REPLY);
  });

  it('never compresses an SRV target but points later names at it (dnsmasq: MSG SIZE 90)', () => {
    const q = dnsMessage({ id: 1, rd: true, question: [{ name: '_http._tcp.web.lab.', type: DnsType.SRV, class: 1 }] });
    const r = replyTo(q);
    r.aa = r.ra = true;
    r.answer.push({ name: '_http._tcp.web.lab.', type: DnsType.SRV, class: 1, ttl: 0, data: { kind: 'SRV', priority: 0, weight: 0, port: 80, target: 'web.lab.' } });
    r.additional.push({ name: 'web.lab.', type: DnsType.A, class: 1, ttl: 0, data: { kind: 'A', address: '10.0.0.80' } });
    r.edns = { udpSize: 1232, version: 0, do: false, options: [] };
    expect(dnsLength(r)).toBe(90);
    expect(parseDns(emitDns(r))).toEqual(r);
  });

  it('compresses names inside CNAME, PTR, NS and SOA data, and can write every name in full', () => {
    const m: DnsMessage = dnsMessage({ qr: true, question: [{ name: 'foo.default.svc.cluster.local.', type: DnsType.A, class: 1 }] });
    m.answer.push({ name: 'foo.default.svc.cluster.local.', type: DnsType.CNAME, class: 1, ttl: 5, data: { kind: 'NAME', target: 'web.default.svc.cluster.local.' } });
    m.authority.push({
      name: 'cluster.local.', type: DnsType.SOA, class: 1, ttl: 5,
      data: { kind: 'SOA', mname: 'ns.dns.cluster.local.', rname: 'hostmaster.cluster.local.', serial: 1712345678, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 },
    });
    const full = dnsLength(m, 'none');
    const packed = dnsLength(m);
    expect(packed).toBeLessThan(full);
    // owner of the CNAME (2), its target "web" + pointer (6), SOA owner (2), mname/rname with pointers
    expect(full - packed).toBe(31 - 2 + (31 - 6) + (15 - 2) + (22 - 9) + (26 - 13));
    expect(parseDns(emitDns(m))).toEqual(m);
    expect(parseDns(emitDns(m, 'none'))).toEqual(m);
    // dnsmasq never points into record data: only the CNAME target and SOA names grow
    expect(dnsLength(m, 'owners')).toBe(packed + (31 - 6) + (22 - 9) + (26 - 13));
  });

  it('carries TXT strings, AAAA addresses, the extended rcode and odd bytes in labels', () => {
    const m = dnsMessage({ qr: true, rcode: 16, question: [{ name: 'a\\.b.lab.', type: DnsType.TXT, class: 1 }] });
    m.answer.push({ name: 'a\\.b.lab.', type: DnsType.TXT, class: 1, ttl: 28800, data: { kind: 'TXT', strings: ['1.1.0', ''] } });
    m.answer.push({ name: 'six.lab.', type: DnsType.AAAA, class: 1, ttl: 1, data: { kind: 'AAAA', address: 'fd00::10:96:0:a' } });
    m.edns = { udpSize: 512, version: 0, do: true, options: [] };
    const back = parseDns(emitDns(m));
    expect(back).toEqual(m);
    expect(back.answer[0].name).toBe('a\\.b.lab.');
  });

  it('refuses malformed messages as a resolver would', () => {
    const bad = (h: string) => () => parseDns(hex(h));
    expect(bad('7d88')).toThrow(DnsFormatError);
    expect(bad(DNSMASQ_REPLY.slice(0, -8))).toThrow('truncated');
    expect(bad(`${NSLOOKUP_QUERY}00`)).toThrow('trailing');
    // a pointer to itself
    expect(bad('000001000001000000000000c00c00010001')).toThrow('pointer');
    // a label with the reserved 0x40 type
    expect(bad('000001000001000000000000410000010001')).toThrow(DnsFormatError);
    expect(() => emitDns(dnsMessage({ question: [{ name: `${'x'.repeat(64)}.lab.`, type: 1, class: 1 }] }))).toThrow('label too long');
  });

  it('tells names within a zone apart from look-alikes', () => {
    expect(isSubdomain('web.default.svc.cluster.local.', 'cluster.local.')).toBe(true);
    expect(isSubdomain('Cluster.Local.', 'cluster.local.')).toBe(true);
    expect(isSubdomain('mycluster.local.', 'cluster.local.')).toBe(false);
    expect(isSubdomain('anything.', '.')).toBe(true);
  });
});

describe('dnsView: a message as the trace inspector shows it', () => {
  it('decodes a query and its answer: id, question, flags, status, records', () => {
    const q = dnsMessage({ id: 4242, rd: true, question: [{ name: 'web.default.svc.cluster.local.', type: DnsType.A, class: DnsClass.IN }] });
    expect(dnsView(q, false)).toEqual({ id: 4242, query: true, tcp: false, flags: 'rd', rcode: 'NOERROR', question: 'web.default.svc.cluster.local. A', answers: [], authority: 0, additional: 0 });
    const a = replyTo(q);
    a.aa = true;
    a.answer.push({ name: 'web.default.svc.cluster.local.', type: DnsType.A, class: DnsClass.IN, ttl: 30, data: { kind: 'A', address: '10.96.0.20' } });
    a.additional.push({ name: '_http._tcp.web.default.svc.cluster.local.', type: DnsType.SRV, class: DnsClass.IN, ttl: 30, data: { kind: 'SRV', priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local.' } });
    const v = dnsView(a, true);
    expect([v.query, v.tcp, v.flags, v.rcode, v.answers, v.additional]).toEqual([false, true, 'qr aa rd', 'NOERROR', ['web.default.svc.cluster.local. 30 A 10.96.0.20'], 1]);
    expect(dnsView(replyTo(q, Rcode.NXDOMAIN), false).rcode).toBe('NXDOMAIN');
  });
});
