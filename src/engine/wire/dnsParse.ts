/**
 * Parsing DNS messages from the wire (RFC 1035 §4.1.4 compression, RFC 6891 OPT): anything
 * malformed, truncated or left over throws DnsFormatError, as a resolver discards it.
 */
import { formatIpv6 } from '../addr/ipv6';
import { DnsFormatError, DnsType, dnsMessage, labelText, type DnsMessage, type DnsRdata, type EdnsOpt } from './dns';

class Reader {
  off = 0;
  constructor(readonly b: Uint8Array) {}

  need(n: number): void {
    if (this.off + n > this.b.length) throw new DnsFormatError('message is truncated');
  }

  u8(): number {
    this.need(1);
    return this.b[this.off++];
  }

  u16(): number {
    this.need(2);
    const v = (this.b[this.off] << 8) | this.b[this.off + 1];
    this.off += 2;
    return v;
  }

  u32(): number {
    return this.u16() * 0x10000 + this.u16();
  }

  /** A possibly compressed name; pointers must point backwards (no loops). */
  name(): string {
    const parts: string[] = [];
    let off = this.off;
    let jumped = false;
    let limit = off;
    let total = 1;
    for (;;) {
      if (off >= this.b.length) throw new DnsFormatError('name runs past the message');
      const len = this.b[off];
      if (len === 0) {
        off += 1;
        break;
      }
      if ((len & 0xc0) === 0xc0) {
        if (off + 1 >= this.b.length) throw new DnsFormatError('name runs past the message');
        const ptr = ((len & 0x3f) << 8) | this.b[off + 1];
        if (!jumped) this.off = off + 2;
        if (ptr >= limit) throw new DnsFormatError('bad compression pointer');
        jumped = true;
        limit = ptr;
        off = ptr;
        continue;
      }
      if (len & 0xc0) throw new DnsFormatError('bad label type');
      if (off + 1 + len > this.b.length) throw new DnsFormatError('name runs past the message');
      total += len + 1;
      if (total > 255) throw new DnsFormatError('name too long');
      parts.push(labelText(this.b.subarray(off + 1, off + 1 + len)));
      off += 1 + len;
    }
    if (!jumped) this.off = off;
    return parts.length === 0 ? '.' : `${parts.join('.')}.`;
  }
}

function parseRdata(r: Reader, type: number, rdlen: number): DnsRdata {
  const end = r.off + rdlen;
  r.need(rdlen);
  const raw = (): DnsRdata => {
    const bytes = r.b.slice(r.off, end);
    r.off = end;
    return { kind: 'RAW', bytes };
  };
  let d: DnsRdata;
  switch (type) {
    case DnsType.A:
      if (rdlen !== 4) throw new DnsFormatError('bad A record length');
      d = { kind: 'A', address: `${r.u8()}.${r.u8()}.${r.u8()}.${r.u8()}` };
      break;
    case DnsType.AAAA: {
      if (rdlen !== 16) throw new DnsFormatError('bad AAAA record length');
      const g: number[] = [];
      for (let i = 0; i < 8; i++) g.push(r.u16());
      d = { kind: 'AAAA', address: formatIpv6(g) };
      break;
    }
    case DnsType.NS:
    case DnsType.CNAME:
    case DnsType.PTR:
      d = { kind: 'NAME', target: r.name() };
      break;
    case DnsType.SOA:
      d = { kind: 'SOA', mname: r.name(), rname: r.name(), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() };
      break;
    case DnsType.MX:
      d = { kind: 'MX', preference: r.u16(), exchange: r.name() };
      break;
    case DnsType.TXT: {
      const strings: string[] = [];
      while (r.off < end) {
        const n = r.u8();
        r.need(n);
        strings.push(new TextDecoder().decode(r.b.subarray(r.off, r.off + n)));
        r.off += n;
      }
      d = { kind: 'TXT', strings };
      break;
    }
    case DnsType.SRV:
      d = { kind: 'SRV', priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
      break;
    default:
      return raw();
  }
  if (r.off !== end) throw new DnsFormatError('record data length does not match its contents');
  return d;
}

/** Parse a whole message; anything malformed or left over throws DnsFormatError. */
export function parseDns(bytes: Uint8Array): DnsMessage {
  const r = new Reader(bytes);
  if (bytes.length < 12) throw new DnsFormatError('message shorter than its header');
  const id = r.u16();
  const f = r.u16();
  const counts = [r.u16(), r.u16(), r.u16(), r.u16()];
  const m = dnsMessage({
    id, qr: (f & 0x8000) !== 0, opcode: (f >>> 11) & 0xf, aa: (f & 0x400) !== 0, tc: (f & 0x200) !== 0,
    rd: (f & 0x100) !== 0, ra: (f & 0x80) !== 0, z: (f & 0x40) !== 0, ad: (f & 0x20) !== 0, cd: (f & 0x10) !== 0, rcode: f & 0xf,
  });
  for (let i = 0; i < counts[0]; i++) m.question.push({ name: r.name(), type: r.u16(), class: r.u16() });
  const sections = [m.answer, m.authority, m.additional];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      const name = r.name();
      const type = r.u16();
      const cls = r.u16();
      const ttl = r.u32();
      const rdlen = r.u16();
      if (type === DnsType.OPT) {
        if (s !== 2 || m.edns || name !== '.') throw new DnsFormatError('misplaced OPT record');
        const end = r.off + rdlen;
        r.need(rdlen);
        const options: EdnsOpt['options'] = [];
        while (r.off < end) {
          const code = r.u16();
          const len = r.u16();
          if (r.off + len > end) throw new DnsFormatError('EDNS option runs past its record');
          options.push({ code, data: bytes.slice(r.off, r.off + len) });
          r.off += len;
        }
        m.rcode |= (ttl >>> 24) << 4;
        m.edns = { udpSize: cls, version: (ttl >>> 16) & 0xff, do: (ttl & 0x8000) !== 0, options };
        continue;
      }
      sections[s].push({ name, type, class: cls, ttl, data: parseRdata(r, type, rdlen) });
    }
  }
  if (r.off !== bytes.length) throw new DnsFormatError('trailing bytes after the message');
  return m;
}
