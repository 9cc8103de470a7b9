/** IPv4 addresses as unsigned 32-bit numbers, parsed and printed the way iproute2 does. */
export type Ipv4 = number & { readonly __brand: 'Ipv4' };

export const asIpv4 = (n: number): Ipv4 => (n >>> 0) as Ipv4;
export const ANY = asIpv4(0);
export const BROADCAST = asIpv4(0xffffffff);

/**
 * iproute2's get_addr_ipv4(): up to four parts, each strtoul(…, 0) (so octal and hex parts work),
 * missing trailing parts are zero ("10.1" is 10.1.0.0). Returns null where iproute2 fails.
 */
export function parseIpv4(text: string): Ipv4 | null {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return null;
  let value = 0;
  for (let i = 0; i < 4; i++) {
    let byte = 0;
    if (i < parts.length) {
      const p = parts[i];
      const n = strtoul0(p);
      if (n === null || n > 255) return null;
      byte = n;
    }
    value = value * 256 + byte;
  }
  return asIpv4(value);
}

/** strtoul(s, &end, 0) that must consume the whole string (leading blanks and a sign allowed, as in C). */
function strtoul0(text: string): number | null {
  const [, sign, s] = /^[ \t\n\v\f\r]*([+-]?)([^]*)$/.exec(text)!;
  const n = strtoulDigits(s);
  // strtoul("-N") is ULONG_MAX - N + 1: out of range for any part except -0
  return n !== null && sign === '-' && n !== 0 ? Number.MAX_SAFE_INTEGER : n;
}

function strtoulDigits(s: string): number | null {
  let m: RegExpMatchArray | null;
  if ((m = /^0[xX]([0-9a-fA-F]+)$/.exec(s))) return parseInt(m[1], 16);
  if (/^0[0-7]*$/.test(s)) return parseInt(s, 8);
  if (/^[1-9][0-9]*$/.test(s)) return s.length > 12 ? Number.MAX_SAFE_INTEGER : parseInt(s, 10);
  return null;
}

/**
 * glibc inet_aton(), as ping and traceroute read their target: one to four parts, each decimal,
 * 0-octal or 0x-hex; the last part fills the remaining bytes ("127.1" is 127.0.0.1, "2130706433"
 * too). Note the difference from iproute2, for which "127.1" is 127.1.0.0.
 */
export function parseInetAton(text: string): Ipv4 | null {
  // the common case, four plain decimal parts, without splitting and regexes
  const plain = plainDottedQuad(text);
  if (plain !== undefined) return plain;
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) n = parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) n = Number(p);
    else return null;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) return null;
  return asIpv4(nums.reduce((v, n, i) => v + n * 2 ** (8 * (3 - i)), 0) + last);
}

/**
 * "a.b.c.d" with decimal parts 0–255, scanned by hand (probes parse one per verdict), else undefined.
 * Without `leadingZeros`, a part like "010" is refused: inet_aton would read it as octal.
 */
function scanDottedQuad(text: string, leadingZeros: boolean): Ipv4 | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (!leadingZeros && digits === 1 && part === 0) return undefined;
      if (++digits > 3) return undefined;
      part = part * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (part > 255) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0 || part > 255) return undefined;
  return asIpv4(value * 256 + part);
}

/** "a.b.c.d" with decimal parts 0–255 and no leading zeros (which inet_aton would read as octal), else undefined. */
const plainDottedQuad = (text: string): Ipv4 | undefined => scanDottedQuad(text, false);

/** Strict dotted quad (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, every part ≤ 255), as inet_aton-free tools expect. */
export function parseDottedQuad(text: string): Ipv4 | null {
  return scanDottedQuad(text, true) ?? null;
}

export function formatIpv4(a: number): string {
  return `${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

export function prefixMask(plen: number): number {
  return plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
}

export function networkOf(a: number, plen: number): Ipv4 {
  return asIpv4((a & prefixMask(plen)) >>> 0);
}

export function broadcastOf(a: number, plen: number): Ipv4 {
  return asIpv4((a | ~prefixMask(plen)) >>> 0);
}

export function inPrefix(a: number, net: number, plen: number): boolean {
  return ((a ^ net) & prefixMask(plen)) === 0;
}

export const isLoopback = (a: number): boolean => a >>> 24 === 127;
export const isMulticast = (a: number): boolean => a >>> 28 === 14;
export const isZeronet = (a: number): boolean => a >>> 24 === 0;

export interface Prefix {
  addr: Ipv4;
  plen: number;
}

/** iproute2 get_prefix(): "A.B.C.D[/N]"; "default"/"any"/"all" are 0/0. */
export function parsePrefix(text: string, allowDefault = true): Prefix | null {
  if (allowDefault && (text === 'default' || text === 'any' || text === 'all')) return { addr: ANY, plen: 0 };
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseIpv4(addrText);
  if (addr === null) return null;
  if (slash < 0) return { addr, plen: 32 };
  const plenText = text.slice(slash + 1);
  if (!/^\d+$/.test(plenText)) return null;
  const plen = Number(plenText);
  if (plen > 32) return null;
  return { addr, plen };
}

export function formatPrefix(addr: number, plen: number): string {
  return plen === 32 ? formatIpv4(addr) : `${formatIpv4(addr)}/${plen}`;
}
