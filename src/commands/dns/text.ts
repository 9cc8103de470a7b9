/**
 * DNS records in BIND's text form (lib/dns/rdata, masterdump.c), as dig and nslookup print them:
 * type and class mnemonics, rdata text, and the tab-stop columns of a record line.
 */
import { DnsClass, DnsType, rdataText, type DnsRR } from '../../engine/wire/dns';

/** BIND's one-line rdata (dns_rdata_totext) lives with the wire format, which the trace's DNS view also prints with */
export { rdataText };

const TYPE_NAMES = new Map<number, string>(Object.entries(DnsType).map(([k, v]) => [v, k]));
const CLASS_NAMES = new Map<number, string>(Object.entries(DnsClass).map(([k, v]) => [v, k]));
const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];
const OPCODE_NAMES = ['QUERY', 'IQUERY', 'STATUS', 'RESERVED3', 'NOTIFY', 'UPDATE'];

export const typeName = (t: number): string => TYPE_NAMES.get(t) ?? `TYPE${t}`;
export const className = (c: number): string => CLASS_NAMES.get(c) ?? `CLASS${c}`;
export const rcodeName = (r: number): string => (r === 16 ? 'BADVERS' : (RCODE_NAMES[r] ?? `RESERVED${r}`));
export const opcodeName = (o: number): string => OPCODE_NAMES[o] ?? `RESERVED${o}`;

/** A type mnemonic or TYPEnnn as dig reads it (case-insensitive); undefined if it is neither. */
export function parseType(text: string): number | undefined {
  const up = text.toUpperCase();
  if (up in DnsType) return DnsType[up as keyof typeof DnsType];
  const m = /^TYPE(\d{1,5})$/.exec(up);
  return m && Number(m[1]) < 65536 ? Number(m[1]) : undefined;
}

export function parseClass(text: string): number | undefined {
  const up = text.toUpperCase();
  if (up in DnsClass) return DnsClass[up as keyof typeof DnsClass];
  const m = /^CLASS(\d{1,5})$/.exec(up);
  return m && Number(m[1]) < 65536 ? Number(m[1]) : undefined;
}

/**
 * Append `field` at tab stop `to`, as masterdump.c's indent() does: at least one character of
 * space; tabs (8 wide) when the column lies in a later tab cell, spaces within the same one.
 */
export function column(line: string, to: number, field: string, start = 0): string {
  const from = width(line.slice(start));
  const at = Math.max(to, from + 1);
  const tabs = Math.floor(at / 8) - Math.floor(from / 8);
  const pad = tabs > 0 ? '\t'.repeat(tabs) + ' '.repeat(at % 8) : ' '.repeat(at - from);
  return line + pad + field;
}

/** The printed width of a line, tabs expanded to 8 columns. */
function width(line: string): number {
  let w = 0;
  for (const ch of line) w = ch === '\t' ? (Math.floor(w / 8) + 1) * 8 : w + 1;
  return w;
}

/** A record as dig prints it: owner, TTL, class, type and rdata at columns 24, 32, 40, 48. */
export function recordLine(rr: DnsRR): string {
  let s = rr.name;
  s = column(s, 24, String(rr.ttl));
  s = column(s, 32, className(rr.class));
  s = column(s, 40, typeName(rr.type));
  return column(s, 48, rdataText(rr.data));
}

/** A question as dig prints it: ";name", class at column 32 and type at 40 (the ';' not counted). */
export function questionLine(q: { name: string; type: number; class: number }): string {
  let s = `;${q.name}`;
  s = column(s, 32, className(q.class), 1);
  return column(s, 40, typeName(q.type), 1);
}

/** A name without its final dot, as dns_name_format() prints it ("." stays). */
export const bareName = (name: string): string => (name.length > 1 && name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name);
