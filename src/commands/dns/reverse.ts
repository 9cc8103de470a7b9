/**
 * Reverse-lookup names, as BIND's get_reverse() makes them: an IPv6 address becomes its nibbles
 * under ip6.arpa; anything else has its dot-separated parts reversed under in-addr.arpa (dig does
 * not check them: `dig -x 300.1.1.1` asks 1.1.1.300.in-addr.arpa). `strict` (nslookup) only takes
 * a real IPv4 address.
 */
import { parseIpv6 } from '../../engine/addr/ipv6';

export const isIpv4Text = (s: string): boolean => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && s.split('.').every((p) => Number(p) <= 255);

export function reverseName(addr: string, strict = false): string | undefined {
  if (addr.includes(':')) {
    const g = parseIpv6(addr);
    if (!g) return strict ? undefined : undefined;
    const nibbles = g.flatMap((x) => [x >> 12, (x >> 8) & 15, (x >> 4) & 15, x & 15]).map((n) => n.toString(16));
    return `${nibbles.reverse().join('.')}.ip6.arpa.`;
  }
  if (strict && !isIpv4Text(addr)) return undefined;
  const parts = addr.replace(/\.$/, '').split('.').reverse();
  return `${parts.join('.')}.in-addr.arpa.`;
}
