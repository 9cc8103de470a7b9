/**
 * DNS messages (RFC 1035 §4, EDNS0 from RFC 6891): the parsed view `DnsMessage` and its wire form.
 * Read RFC 1035 §4.1 first: a 12-byte header, then question, answer, authority and additional
 * sections; names are label sequences that may end in a pointer to an earlier name (compression).
 *
 * `emitDns` compresses names the way servers do (owner names and the names inside NS, CNAME, PTR,
 * SOA and MX data; never an SRV target, RFC 2782), so `emitDns(m).length` is the size a reply
 * really has: what dig prints as MSG SIZE, and what decides truncation at 512 bytes over UDP.
 * `parseDns` (dnsParse.ts) refuses malformed input with a DnsFormatError, as a resolver discards it.
 *
 * Names are presentation strings, absolute with their trailing dot ("web.lab.", root "."), with
 * BIND's escapes for odd bytes (`\.`, `\DDD`).
 */
import { parseIpv6 } from '../addr/ipv6';

export const DnsType = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35,
  OPT: 41, DS: 43, RRSIG: 46, NSEC: 47, DNSKEY: 48, CAA: 257, AXFR: 252, IXFR: 251, ANY: 255,
} as const;

export const DnsClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

/** EDNS0 option codes dig knows by name (RFC 6891 registry). */
export const EdnsOption = { NSID: 3, COOKIE: 10, TCP_KEEPALIVE: 11, PADDING: 12, EDE: 15 } as const;

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export type DnsRdata =
  | { kind: 'A'; address: string }
  | { kind: 'AAAA'; address: string }
  | { kind: 'NAME'; target: string } // NS, CNAME, PTR
  | { kind: 'SOA'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { kind: 'MX'; preference: number; exchange: string }
  | { kind: 'TXT'; strings: string[] }
  | { kind: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { kind: 'RAW'; bytes: Uint8Array };

export interface DnsRR {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: DnsRdata;
}

export interface EdnsOpt {
  udpSize: number;
  version: number;
  do: boolean;
  options: { code: number; data: Uint8Array }[];
}

export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** the reserved bit, carried as sent */
  z: boolean;
  ad: boolean;
  cd: boolean;
  /** the full response code: header rcode plus EDNS extended rcode bits */
  rcode: number;
  question: DnsQuestion[];
  answer: DnsRR[];
  authority: DnsRR[];
  additional: DnsRR[];
  /** the OPT pseudo-record, kept out of `additional` (counted in ARCOUNT on the wire) */
  edns?: EdnsOpt;
  /**
   * How its sender packs names (miekg/dns's Msg.Compress, and each server's habit): `compressed`
   * (the default) points names and the names inside NS/CNAME/PTR/SOA/MX data at earlier copies;
   * `owners` compresses owner names only, never a name inside record data (dnsmasq); `none`
   * writes every name in full (CoreDNS, for a reply that fits its client's buffer uncompressed).
   */
  pack?: Packing;
}

export type Packing = 'compressed' | 'owners' | 'none';

export class DnsFormatError extends Error {}

/** A message with every flag clear and no records: the start of every query and reply. */
export function dnsMessage(fields: Partial<DnsMessage> = {}): DnsMessage {
  return {
    id: 0, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false, rcode: 0,
    question: [], answer: [], authority: [], additional: [], ...fields,
  };
}

/** The reply skeleton a server starts from (miekg/dns SetReply): same id, opcode, question and rd. */
export function replyTo(query: DnsMessage, rcode: number = Rcode.NOERROR): DnsMessage {
  return dnsMessage({ id: query.id, qr: true, opcode: query.opcode, rd: query.rd, cd: query.cd, rcode, question: query.question.slice(0, 1) });
}

// ---- names -----------------------------------------------------------------------------------

/** The labels of a presentation name, unescaped to bytes; the root has none. */
export function nameLabels(name: string): Uint8Array[] {
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  let i = 0;
  const n = name.length;
  if (name === '.' || name === '') return labels;
  while (i < n) {
    const c = name.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      const d = /^\d{3}/.exec(name.slice(i + 1, i + 4));
      if (d) {
        const v = Number(d[0]);
        if (v > 255) throw new DnsFormatError(`bad escape in ${name}`);
        cur.push(v);
        i += 4;
      } else {
        if (i + 1 >= n) throw new DnsFormatError(`bad escape in ${name}`);
        cur.push(name.charCodeAt(i + 1) & 0xff);
        i += 2;
      }
      continue;
    }
    if (c === 0x2e /* . */) {
      if (cur.length === 0) throw new DnsFormatError(`empty label in ${name}`);
      labels.push(Uint8Array.from(cur));
      cur = [];
      i++;
      continue;
    }
    cur.push(c & 0xff);
    i++;
  }
  if (cur.length > 0) labels.push(Uint8Array.from(cur));
  for (const l of labels) if (l.length > 63) throw new DnsFormatError(`label too long in ${name}`);
  if (labels.reduce((s, l) => s + l.length + 1, 1) > 255) throw new DnsFormatError(`name too long: ${name}`);
  return labels;
}

/** One label as BIND prints it: letters, digits, `-` and `_` as they are, the rest escaped. */
export function labelText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x2e || b === 0x5c || b === 0x22 || b === 0x28 || b === 0x29 || b === 0x3b || b === 0x40 || b === 0x24) s += '\\' + String.fromCharCode(b);
    else if (b > 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\' + String(b).padStart(3, '0');
  }
  return s;
}

/** Make a name absolute ("web.lab" → "web.lab.") */
export const fqdn = (name: string): string => (name.endsWith('.') && !name.endsWith('\\.') ? name : `${name}.`);

/** Names compare without regard to ASCII case (RFC 4343). */
export const sameName = (a: string, b: string): boolean => a.length === b.length && a.toLowerCase() === b.toLowerCase();

/** Is `name` equal to `zone` or below it? */
export function isSubdomain(name: string, zone: string): boolean {
  const n = name.toLowerCase();
  const z = zone.toLowerCase();
  if (z === '.') return true;
  return n === z || (n.endsWith(z) && n.charCodeAt(n.length - z.length - 1) === 0x2e);
}

// ---- emit ------------------------------------------------------------------------------------

class Writer {
  buf = new Uint8Array(512);
  len = 0;
  /** name suffix → offset of its first label, for compression pointers */
  names: Map<string, number> | null;

  constructor(
    compress: boolean,
    /** may a name inside record data point at an earlier one? */
    readonly compressRdata: boolean,
  ) {
    this.names = compress ? new Map() : null;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  /** > 0 while record data is written */
  inRdata = 0;

  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v & 0xff;
  }

  u16(v: number): void {
    this.room(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
  }

  u32(v: number): void {
    this.u16((v >>> 16) & 0xffff);
    this.u16(v & 0xffff);
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /**
   * A name, ending in a pointer to an earlier copy of its longest known suffix when `compress`.
   * Every suffix written enters the table, even from a name not itself compressed, as in
   * miekg/dns (CoreDNS) and BIND; the table is case-sensitive like miekg's.
   */
  name(name: string, compress: boolean): void {
    const labels = nameLabels(name);
    for (let i = 0; i < labels.length; i++) {
      if (this.names) {
        const key = suffixKey(labels, i);
        const at = this.names.get(key);
        if (at === undefined) {
          if (this.len < 0x4000) this.names.set(key, this.len);
        } else if (compress && (this.inRdata === 0 || this.compressRdata)) {
          this.u16(0xc000 | at);
          return;
        }
      }
      this.u8(labels[i].length);
      this.bytes(labels[i]);
    }
    this.u8(0);
  }
}

function suffixKey(labels: Uint8Array[], from: number): string {
  let k = '';
  for (let i = from; i < labels.length; i++) {
    for (const b of labels[i]) k += String.fromCharCode(b);
    k += '.';
  }
  return k;
}

function emitRdata(w: Writer, rr: DnsRR): void {
  const d = rr.data;
  switch (d.kind) {
    case 'A':
      for (const p of d.address.split('.')) w.u8(Number(p));
      return;
    case 'AAAA': {
      const g = parseIpv6(d.address);
      if (!g) throw new DnsFormatError(`bad IPv6 address ${d.address}`);
      for (const x of g) w.u16(x);
      return;
    }
    case 'NAME':
      w.name(d.target, true);
      return;
    case 'SOA':
      w.name(d.mname, true);
      w.name(d.rname, true);
      for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(v);
      return;
    case 'MX':
      w.u16(d.preference);
      w.name(d.exchange, true);
      return;
    case 'TXT':
      for (const s of d.strings) {
        const b = new TextEncoder().encode(s);
        w.u8(b.length);
        w.bytes(b);
      }
      return;
    case 'SRV':
      w.u16(d.priority);
      w.u16(d.weight);
      w.u16(d.port);
      w.name(d.target, false);
      return;
    case 'RAW':
      w.bytes(d.bytes);
  }
}

function emitRR(w: Writer, rr: DnsRR): void {
  w.name(rr.name, true);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const at = w.len;
  w.u16(0);
  w.inRdata++;
  emitRdata(w, rr);
  w.inRdata--;
  const rdlen = w.len - at - 2;
  w.buf[at] = rdlen >>> 8;
  w.buf[at + 1] = rdlen & 0xff;
}

/** The message in wire form, packed as `pack` says (by default as the message's own `pack`). */
export function emitDns(m: DnsMessage, pack: Packing = m.pack ?? 'compressed'): Uint8Array {
  const w = new Writer(pack !== 'none', pack === 'compressed');
  w.u16(m.id);
  const rcodeLow = m.rcode & 0xf;
  w.u16(
    (m.qr ? 0x8000 : 0) | ((m.opcode & 0xf) << 11) | (m.aa ? 0x400 : 0) | (m.tc ? 0x200 : 0) | (m.rd ? 0x100 : 0) |
      (m.ra ? 0x80 : 0) | (m.z ? 0x40 : 0) | (m.ad ? 0x20 : 0) | (m.cd ? 0x10 : 0) | rcodeLow,
  );
  w.u16(m.question.length);
  w.u16(m.answer.length);
  w.u16(m.authority.length);
  w.u16(m.additional.length + (m.edns ? 1 : 0));
  for (const q of m.question) {
    w.name(q.name, true);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of m.answer) emitRR(w, rr);
  for (const rr of m.authority) emitRR(w, rr);
  for (const rr of m.additional) emitRR(w, rr);
  if (m.edns) {
    const e = m.edns;
    w.u8(0);
    w.u16(DnsType.OPT);
    w.u16(e.udpSize);
    w.u8(m.rcode >>> 4);
    w.u8(e.version);
    w.u16(e.do ? 0x8000 : 0);
    w.u16(e.options.reduce((s, o) => s + 4 + o.data.length, 0));
    for (const o of e.options) {
      w.u16(o.code);
      w.u16(o.data.length);
      w.bytes(o.data);
    }
  }
  return w.buf.slice(0, w.len);
}

/** The size of the message on the wire, packed as its sender packs it. */
export const dnsLength = (m: DnsMessage, pack: Packing = m.pack ?? 'compressed'): number => emitDns(m, pack).length;

// ---- as a UDP payload --------------------------------------------------------------------------

/**
 * A DNS message carried in a UDP datagram (payload.ts's AppMessage): the parsed message travels,
 * `len` is its size on the wire as its sender packs it. `tcp` marks a query sent on a DNS-over-TCP
 * connection, which a server answers the same way (65535-byte buffer, no truncation).
 */
export interface DnsDatagram {
  readonly app: 'dns';
  readonly len: number;
  readonly msg: DnsMessage;
  readonly tcp: boolean;
}

export const dnsDatagram = (msg: DnsMessage, tcp = false): DnsDatagram => ({ app: 'dns', len: dnsLength(msg) + (tcp ? 2 : 0), msg, tcp });

const TYPE_MNEMONIC = new Map<number, string>(Object.entries(DnsType).map(([k, v]) => [v, k]));
const RCODE_MNEMONIC = ['NoError', 'FormErr', 'ServFail', 'NXDomain', 'NotImp', 'Refused'];

/** A DNS message as the trace's packet inspector shows it: plain strings, no engine objects. */
export interface DnsView {
  id: number;
  /** a query (or else an answer) */
  query: boolean;
  /** over TCP, with its two-byte length */
  tcp: boolean;
  /** the header flags set, as dig lists them: "qr aa rd" */
  flags: string;
  /** NOERROR, NXDOMAIN, SERVFAIL, … (dig's status words) */
  rcode: string;
  /** "web.default.svc.cluster.local. A" */
  question: string;
  /** each answer record: "web.default.svc.cluster.local. 30 A 10.96.0.20" */
  answers: string[];
  authority: number;
  additional: number;
}

const RCODE_STATUS = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** One TXT character-string, quoted with BIND's escapes. */
function quoteTxt(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${String(b).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** The rdata of a record as `dns_rdata_totext` writes it on one line. */
export function rdataText(d: DnsRdata): string {
  switch (d.kind) {
    case 'A':
    case 'AAAA':
      return d.address;
    case 'NAME':
      return d.target;
    case 'SOA':
      return `${d.mname} ${d.rname} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    case 'MX':
      return `${d.preference} ${d.exchange}`;
    case 'TXT':
      return d.strings.map(quoteTxt).join(' ');
    case 'SRV':
      return `${d.priority} ${d.weight} ${d.port} ${d.target}`;
    case 'RAW':
      return `\\# ${d.bytes.length}${d.bytes.length ? ' ' : ''}${Array.from(d.bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('')}`;
  }
}


export function dnsView(m: DnsMessage, tcp: boolean): DnsView {
  const t = (n: number) => TYPE_MNEMONIC.get(n) ?? `TYPE${n}`;
  const q = m.question[0];
  return {
    id: m.id,
    query: !m.qr,
    tcp,
    flags: (['qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd'] as const).filter((f) => m[f]).join(' '),
    rcode: RCODE_STATUS[m.rcode] ?? `RESERVED${m.rcode}`,
    question: q ? `${q.name} ${t(q.type)}` : '',
    answers: m.answer.map((r) => `${r.name} ${r.ttl} ${t(r.type)} ${rdataText(r.data)}`),
    authority: m.authority.length,
    additional: m.additional.length + (m.edns ? 1 : 0),
  };
}

/** tcpdump's words for a DNS message: "12345+ A? web.lab. (25)", "12345* 1/0/1 A 10.0.0.80 (52)". */
export function describeDns(m: DnsMessage, len: number): string {
  const q = m.question[0];
  const t = (n: number) => TYPE_MNEMONIC.get(n) ?? `Type${n}`;
  if (!m.qr) return `${m.id}${m.rd ? '+' : ''}${m.edns ? ' [1au]' : ''} ${q ? `${t(q.type)}? ${q.name}` : ''} (${len})`;
  const flags = `${m.aa ? '*' : ''}${m.rd ? '' : '-'}${m.tc ? '|' : ''}`;
  const rc = m.rcode ? ` ${RCODE_MNEMONIC[m.rcode] ?? `Rcode${m.rcode}`}` : '';
  const answers = m.answer.map((r) => `${t(r.type)} ${r.data.kind === 'A' || r.data.kind === 'AAAA' ? r.data.address : r.data.kind === 'NAME' ? r.data.target : r.data.kind === 'SRV' ? `${r.data.target}:${r.data.port} ${r.data.priority} ${r.data.weight}` : ''}`.trim());
  return `${m.id}${flags}${rc} ${m.answer.length}/${m.authority.length}/${m.additional.length + (m.edns ? 1 : 0)}${answers.length ? ` ${answers.join(', ')}` : ''} (${len})`;
}
