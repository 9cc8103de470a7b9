/**
 * The C library's name lookups as the lab's tools see them: getaddrinfo() for a host argument and
 * getnameinfo() for an address to print, from /etc/hosts (localhost) and numeric forms. A lab host
 * has no DNS server it can reach, so a name outside /etc/hosts fails as glibc fails there
 * ("Temporary failure in name resolution"; with AI_NUMERICHOST, "Name or service not known"),
 * exactly as on the machine the goldens were recorded on.
 */
import { formatIpv4, parseInetAton, type Ipv4 } from '../../engine/addr/ipv4';
import { hostName } from '../../engine/netfilter/netdb';
import { unresolvable } from '../resolve';

const HOSTS: Record<string, Ipv4> = { localhost: 0x7f000001 as Ipv4 };

/** getaddrinfo(host): the address, or gai_strerror() of why not. */
export function getaddrinfo(host: string, numericOnly = false): { ok: true; addr: Ipv4 } | { ok: false; error: string } {
  const a = parseInetAton(host);
  if (a !== null) return { ok: true, addr: a };
  if (numericOnly) return { ok: false, error: 'Name or service not known' };
  const h = HOSTS[host.toLowerCase()];
  if (h !== undefined) return { ok: true, addr: h };
  return { ok: false, error: unresolvable(host) };
}

/** getnameinfo(addr) without NI_NUMERICHOST: /etc/hosts, else the resolver, which no lab host can reach. */
export function getnameinfo(addr: Ipv4, numeric: boolean): { ok: true; host: string } | { ok: false; error: string } {
  if (numeric) return { ok: true, host: formatIpv4(addr) };
  const h = hostName(addr);
  if (h !== undefined) return { ok: true, host: h };
  return { ok: false, error: 'Temporary failure in name resolution' };
}
