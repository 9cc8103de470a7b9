/**
 * The C library's name lookups as the lab's tools see them: getaddrinfo() for a host argument and
 * getnameinfo() for an address to print. A name goes through the lab's stub resolver (/etc/hosts,
 * then DNS per resolv.conf: src/commands/dns/resolver.ts), over the namespace's UDP sockets while
 * the program's task waits; gai_strerror() texts say why a lookup failed ("Temporary failure in
 * name resolution" when no server answers, as on a host without DNS).
 */
import { formatIpv4, parseInetAton, type Ipv4 } from '../../engine/addr/ipv4';
import { hostName } from '../../engine/netfilter/netdb';
import type { Wait, Woken } from '../../engine/proc/task';
import type { Ctx } from '../context';
import { awaitDnsIo, digHost } from '../dns/commands';
import { getaddrinfo as resolverGetaddrinfo, type GaiResult } from '../dns/resolver';

/** the first IPv4 address, and the name it was found under (ai_canonname: after the search list and CNAMEs) */
export type Resolution = { ok: true; addr: Ipv4; canonical: string } | { ok: false; error: string };

/** gai_strerror() of the resolver's EAI_* answers */
const GAI_STRERROR: Record<string, string> = {
  NONAME: 'Name or service not known',
  AGAIN: 'Temporary failure in name resolution',
  NODATA: 'No address associated with hostname',
  FAIL: 'Non-recoverable failure in name resolution',
};

const HOST_NAME = /^(?!-)[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/;

/** getaddrinfo(host) for IPv4 (AI_NUMERICHOST with numericOnly): the first address, or why not. */
export function* getaddrinfo(ctx: Ctx, host: string, numericOnly = false): Generator<Wait, Resolution, Woken> {
  const a = parseInetAton(host);
  if (a !== null) return { ok: true, addr: a, canonical: host };
  if (numericOnly) return { ok: false, error: GAI_STRERROR.NONAME };
  // a name no DNS message can carry as a host name (res_hnok) is refused before any query
  if (!HOST_NAME.test(host)) return { ok: false, error: GAI_STRERROR.NONAME };
  const r: GaiResult = yield* awaitDnsIo(ctx, resolverGetaddrinfo(host, 4, digHost(ctx)));
  if ('error' in r) return { ok: false, error: GAI_STRERROR[r.error] ?? GAI_STRERROR.FAIL };
  const v4 = r.addrs.find((x) => x.family === 4);
  const addr = v4 ? parseInetAton(v4.addr) : null;
  return addr === null ? { ok: false, error: GAI_STRERROR.NODATA } : { ok: true, addr, canonical: r.canonical };
}

/** getnameinfo(addr) without NI_NUMERICHOST: /etc/hosts, else the resolver, which no lab host can reach. */
export function getnameinfo(addr: Ipv4, numeric: boolean): { ok: true; host: string } | { ok: false; error: string } {
  if (numeric) return { ok: true, host: formatIpv4(addr) };
  const h = hostName(addr);
  if (h !== undefined) return { ok: true, host: h };
  return { ok: false, error: 'Temporary failure in name resolution' };
}
