/**
 * getent hosts|ahosts|ahostsv4|ahostsv6 [KEY...] (glibc nss/getent.c): hosts asks
 * gethostbyname2 for AF_INET6 and then AF_INET (or gethostbyaddr for an address) and prints
 * "%-15s %s" with the aliases; ahosts prints every getaddrinfo result for STREAM, DGRAM and RAW
 * with the canonical name on the first line. Without a key, the hosts file is listed.
 */
import { DnsType } from '../../engine/wire/dns';
import type { DnsIo } from '../../kube/dns/io';
import { gethostbyname2, getaddrinfo, parseHostsFile, resSearch, type Resolved, type ResolverHost } from './resolver';
import { isIpv4Text, reverseName } from './reverse';
import type { DigResult } from './dig';

const TRY = "Try `getent --help' or `getent --usage' for more information.\n";
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

function hostsLine(addr: string, r: { canonical: string; aliases: string[] }): string {
  return `${pad(addr, 15)} ${r.canonical}${r.aliases.map((a) => ` ${a}`).join('')}\n`;
}

/** gethostbyaddr: the hosts file, then a PTR question (getnameinfo's NI_NAMEREQD path too). */
export function* byAddr(addr: string, h: ResolverHost): DnsIo<Resolved | null> {
  for (const e of parseHostsFile(h.hostsFile)) if (e.addr === addr) return { canonical: e.names[0], aliases: e.names.slice(1), addrs: [{ family: 4, addr }] };
  const name = reverseName(addr, true);
  if (!name) return null;
  const r = yield* ptrLookup(name, h);
  return r ? { canonical: r, aliases: [], addrs: [{ family: 4, addr }] } : null;
}

function* ptrLookup(name: string, h: ResolverHost): DnsIo<string | null> {
  // the reverse name is absolute: asked once, with no search list
  const r = yield* resSearch(name, [DnsType.PTR], h);
  return 'herrno' in r ? null : r.addrs[0].addr;
}

export function* getent(argv: string[], h: ResolverHost): DnsIo<DigResult> {
  if (argv.length === 0) return { stdout: TRY, stderr: 'getent: wrong number of arguments\n', exit: 1 };
  const [db, ...keys] = argv;
  if (!['hosts', 'ahosts', 'ahostsv4', 'ahostsv6'].includes(db)) return { stdout: TRY, stderr: `Unknown database: ${db}\n`, exit: 1 };
  let out = '';
  if (keys.length === 0) {
    for (const e of parseHostsFile(h.hostsFile)) out += hostsLine(e.addr, { canonical: e.names[0], aliases: e.names.slice(1) });
    return { stdout: out, stderr: '', exit: 0 };
  }
  let exit = 0;
  for (const key of keys) {
    if (db === 'hosts') {
      let r: Resolved | null;
      if (isIpv4Text(key)) r = yield* byAddr(key, h);
      else {
        const six = yield* gethostbyname2(key, 6, h);
        const res = 'herrno' in six ? yield* gethostbyname2(key, 4, h) : six;
        r = 'herrno' in res ? null : res;
      }
      if (!r) exit = 2;
      else for (const a of r.addrs) out += hostsLine(a.addr, r);
      continue;
    }
    const family = db === 'ahostsv4' ? 4 : db === 'ahostsv6' ? 6 : 0;
    const r = yield* getaddrinfo(key, family === 6 ? 0 : family, h);
    if ('error' in r) {
      exit = 2;
      continue;
    }
    const addrs = family === 6 ? r.addrs.map((a) => (a.family === 4 ? `::ffff:${a.addr}` : a.addr)) : r.addrs.map((a) => a.addr);
    addrs.forEach((addr, i) => {
      out += `${pad(addr, 15)} STREAM ${i === 0 ? r.canonical : ''}\n${pad(addr, 15)} DGRAM  \n${pad(addr, 15)} RAW    \n`;
    });
  }
  return { stdout: out, stderr: '', exit };
}
