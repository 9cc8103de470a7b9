/** IPv4 text ↔ number and CIDR helpers for the API layer (dotted quads only, as the API accepts them). */
export const ipToNum = (ip: string): number => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0) >>> 0;
export const numToIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export interface Cidr {
  base: number;
  len: number;
  size: number;
}

export function parseCidr(text: string): Cidr {
  const [ip, l] = text.split('/');
  const len = Number(l);
  const size = 2 ** (32 - len);
  const base = Math.floor(ipToNum(ip) / size) * size;
  return { base, len, size };
}

export const cidrContains = (c: Cidr, ip: number): boolean => ip >= c.base && ip < c.base + c.size;
export const formatCidr = (c: Cidr): string => `${numToIp(c.base)}/${c.len}`;
