/**
 * The stub resolver of glibc (resolv/res_query.c res_nsearch, res_send.c, nss_files and nss_dns
 * for "hosts: files dns"), which every program that takes a host name goes through:
 *
 * - /etc/hosts first; then DNS, per resolv.conf(5): a name with at least `ndots` dots (or a
 *   trailing dot) is asked as it is first, a shorter one with each search domain first and as it
 *   is last; a trailing dot asks once; NXDOMAIN and NODATA go on down the list, a SERVFAIL too,
 *   a timeout ends it (after one try of the name as it is).
 * - each question goes to the nameservers in order (`rotate` turns the list), `attempts` rounds,
 *   waiting `timeout` seconds for the first server (glibc's send_dg: retrans << ns, / nscount);
 *   a truncated reply is asked again over TCP; a server that refuses (ICMP) is skipped, and when
 *   none is there at all the lookup stops at once.
 * - getaddrinfo asks A and AAAA together for each name (AF_UNSPEC); gethostbyname2 asks one type.
 */
import { DnsClass, DnsType, Rcode, dnsMessage, fqdn, sameName, type DnsMessage } from '../../engine/wire/dns';
import type { DnsIo, DnsOutcome } from '../../kube/dns/io';
import { applyOption, effectiveNameservers, parseResolvConf, type ResolverConfig } from '../../kube/dns/resolvconf';
import type { LookupRandom } from './dighost';

export interface HostsEntry {
  addr: string;
  names: string[];
}

/** /etc/hosts lines ("ADDR NAME ALIAS...", # comments) */
export function parseHostsFile(text: string | undefined): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const raw of (text ?? '').split('\n')) {
    const f = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (f.length >= 2 && (/^\d{1,3}(\.\d{1,3}){3}$/.test(f[0]) || f[0].includes(':'))) out.push({ addr: f[0], names: f.slice(1) });
  }
  return out;
}

export interface ResolverHost {
  resolvConf: string | undefined;
  hostsFile: string | undefined;
  hostname: string;
  now(): number;
  rnd: LookupRandom;
  /** LOCALDOMAIN and RES_OPTIONS, which override resolv.conf as in glibc */
  env?: Record<string, string | undefined>;
}

export type HErrno = 'HOST_NOT_FOUND' | 'NO_DATA' | 'TRY_AGAIN' | 'NO_RECOVERY';

export interface Resolved {
  /** the canonical name (h_name): the last CNAME target, or the name found */
  canonical: string;
  aliases: string[];
  addrs: { family: 4 | 6; addr: string }[];
}

export function resolverConfig(h: ResolverHost): ResolverConfig {
  const cfg = parseResolvConf(h.resolvConf, h.hostname);
  const local = h.env?.LOCALDOMAIN;
  if (local !== undefined) cfg.search = local.split(/\s+/).filter(Boolean);
  for (const o of (h.env?.RES_OPTIONS ?? '').split(/\s+/).filter(Boolean)) applyOption(cfg, o);
  return cfg;
}

/** `servfail`: servers answered, but only with SERVFAIL/NOTIMP/REFUSED; otherwise none answered */
type QueryResult = { kind: 'answer'; reply: DnsMessage } | { kind: 'fail'; servfail: boolean; refused: boolean };

/** res_send for one question: servers in order, attempts rounds, TCP after a truncated reply. */
function* resSend(cfg: ResolverConfig, name: string, type: number, h: ResolverHost): DnsIo<QueryResult> {
  const servers = effectiveNameservers(cfg);
  const order = cfg.rotate ? [...servers.slice(h.rnd.id() % servers.length), ...servers.slice(0, h.rnd.id() % servers.length)] : servers;
  let last: DnsMessage | null = null;
  let refusedAll = true;
  for (let attempt = 0; attempt < cfg.attempts; attempt++) {
    for (let ns = 0; ns < order.length; ns++) {
      const timeoutMs = Math.max(1, Math.floor((cfg.timeout << ns) / (ns > 0 ? order.length : 1))) * 1000;
      let proto: 'udp' | 'tcp' = 'udp';
      let out: DnsOutcome;
      for (;;) {
        const q = dnsMessage({ id: h.rnd.id(), rd: true, question: [{ name, type, class: DnsClass.IN }] });
        out = yield { server: order[ns], port: 53, proto, query: q, timeoutMs };
        if (out.kind === 'reply' && out.reply.tc && proto === 'udp') {
          proto = 'tcp';
          continue;
        }
        break;
      }
      if (out.kind !== 'refused') refusedAll = false;
      if (out.kind !== 'reply') continue;
      last = out.reply;
      const rc = out.reply.rcode;
      if (rc === Rcode.SERVFAIL || rc === Rcode.NOTIMP || rc === Rcode.REFUSED) continue;
      return { kind: 'answer', reply: out.reply };
    }
  }
  return { kind: 'fail', servfail: last !== null, refused: last === null && refusedAll };
}

/** The records a reply gives for `name`: following its CNAMEs (nss_dns getanswer_r). */
function addressesIn(reply: DnsMessage, name: string, type: number): { canonical: string; aliases: string[]; addrs: string[] } {
  let cur = name;
  const aliases: string[] = [];
  for (let i = 0; i < 16; i++) {
    const c = reply.answer.find((r) => r.type === DnsType.CNAME && sameName(r.name, cur));
    if (!c || c.data.kind !== 'NAME') break;
    aliases.push(cur);
    cur = c.data.target;
  }
  // PTR answers are names: they stand where addresses stand for A and AAAA
  const addrs = reply.answer
    .filter((r) => r.type === type && sameName(r.name, cur))
    .map((r) => (r.data.kind === 'A' || r.data.kind === 'AAAA' ? r.data.address : r.data.kind === 'NAME' ? r.data.target.replace(/\.$/, '') : ''));
  return { canonical: cur, aliases, addrs };
}

type NameResult = { kind: 'found'; resolved: Resolved } | { kind: 'fail'; herrno: HErrno; servfail: boolean; refused: boolean };

/** __res_context_querydomain for one name, with one type or A and AAAA together. */
function* queryName(cfg: ResolverConfig, name: string, types: number[], h: ResolverHost): DnsIo<NameResult> {
  const found: Resolved = { canonical: '', aliases: [], addrs: [] };
  let nxdomain = 0;
  let servfail = false;
  let timedOut = false;
  let refused = false;
  for (const type of types) {
    // A and AAAA go out together and are waited for together: when no server answered the
    // first, the second (sent in the same breath) went unanswered as well
    if (timedOut) break;
    const r = yield* resSend(cfg, name, type, h);
    if (r.kind === 'fail') {
      if (r.servfail) servfail = true;
      else {
        timedOut = true;
        refused = r.refused;
      }
      continue;
    }
    if (r.reply.rcode === Rcode.NXDOMAIN) {
      nxdomain++;
      continue;
    }
    if (r.reply.rcode !== Rcode.NOERROR) {
      servfail = true;
      continue;
    }
    const a = addressesIn(r.reply, name, type);
    if (a.addrs.length > 0 && found.canonical === '') {
      found.canonical = a.canonical;
      found.aliases = a.aliases;
    }
    for (const addr of a.addrs) found.addrs.push({ family: type === DnsType.A ? 4 : 6, addr });
  }
  if (found.addrs.length > 0) return { kind: 'found', resolved: found };
  if (timedOut && nxdomain === 0) return { kind: 'fail', herrno: 'TRY_AGAIN', servfail: false, refused };
  if (servfail && nxdomain === 0) return { kind: 'fail', herrno: 'TRY_AGAIN', servfail: true, refused: false };
  return { kind: 'fail', herrno: nxdomain === types.length ? 'HOST_NOT_FOUND' : 'NO_DATA', servfail: false, refused: false };
}

const countDots = (n: string): number => (n.match(/\./g) ?? []).length;

/** res_nsearch: the names tried in order, and the reason when none answered. */
export function* resSearch(name: string, types: number[], h: ResolverHost): DnsIo<Resolved | { herrno: HErrno }> {
  const cfg = resolverConfig(h);
  const trailing = name.endsWith('.');
  const dots = countDots(trailing ? name.slice(0, -1) : name);
  let saved: HErrno | null = null;
  let triedAsIs = false;
  let gotNodata = false;
  let gotServfail = false;
  if (dots >= cfg.ndots || trailing) {
    const r = yield* queryName(cfg, fqdn(name), types, h);
    if (r.kind === 'found') return r.resolved;
    if (trailing) return { herrno: r.herrno };
    saved = r.herrno;
    triedAsIs = true;
  }
  const rootOnList = cfg.search.some((d) => d === '.' || d === '');
  let searched = false;
  if (!trailing) {
    for (const domain of cfg.search) {
      searched = true;
      const r = yield* queryName(cfg, fqdn(domain === '.' || domain === '' ? name : `${name}.${domain.replace(/\.$/, '')}`), types, h);
      if (r.kind === 'found') return r.resolved;
      if (r.refused) return { herrno: 'TRY_AGAIN' };
      if (r.herrno === 'NO_DATA') gotNodata = true;
      else if (r.herrno === 'TRY_AGAIN' && r.servfail) gotServfail = true;
      else if (r.herrno !== 'HOST_NOT_FOUND') break;
    }
  }
  // the name as it is comes last, unless it came first (or `options no-tld-query` forbids a bare one)
  const noTld = cfg.options.includes('no-tld-query');
  if ((dots > 0 || !searched || !noTld) && !(triedAsIs || rootOnList)) {
    const r = yield* queryName(cfg, fqdn(name), types, h);
    if (r.kind === 'found') return r.resolved;
    if (saved === null && !gotNodata && !gotServfail) return { herrno: r.herrno };
  }
  if (saved !== null) return { herrno: saved };
  if (gotNodata) return { herrno: 'NO_DATA' };
  if (gotServfail) return { herrno: 'TRY_AGAIN' };
  return { herrno: 'HOST_NOT_FOUND' };
}

/** nss_files: the /etc/hosts entry for a name (its addresses of one family, first name canonical). */
export function hostsLookup(h: ResolverHost, name: string, family: 4 | 6 | 0): Resolved | null {
  const n = name.replace(/\.$/, '').toLowerCase();
  let first: HostsEntry | null = null;
  const addrs: Resolved['addrs'] = [];
  for (const e of parseHostsFile(h.hostsFile)) {
    if (!e.names.some((x) => x.toLowerCase() === n)) continue;
    const fam = e.addr.includes(':') ? 6 : 4;
    if (family !== 0 && fam !== family) continue;
    first ??= e;
    addrs.push({ family: fam, addr: e.addr });
    if (family !== 0) break;
  }
  return first ? { canonical: first.names[0], aliases: first.names.slice(1), addrs } : null;
}

/** gethostbyname2(name, AF_INET or AF_INET6) over "hosts: files dns". */
export function* gethostbyname2(name: string, family: 4 | 6, h: ResolverHost): DnsIo<Resolved | { herrno: HErrno }> {
  const f = hostsLookup(h, name, family);
  if (f) return f;
  const r = yield* resSearch(name, [family === 4 ? DnsType.A : DnsType.AAAA], h);
  if ('herrno' in r) return r;
  return { ...r, canonical: r.canonical.replace(/\.$/, ''), aliases: r.aliases.map((a) => a.replace(/\.$/, '')) };
}

/** getaddrinfo's errors, as gai_strerror words them. */
export const EAI = {
  NONAME: 'Name or service not known',
  NODATA: 'No address associated with hostname',
  AGAIN: 'Temporary failure in name resolution',
  FAIL: 'Non-recoverable failure in name resolution',
} as const;

export type GaiResult = Resolved | { error: keyof typeof EAI };

/** getaddrinfo(name) for AF_UNSPEC, AF_INET or AF_INET6 (numeric addresses need no lookup). */
export function* getaddrinfo(name: string, family: 0 | 4 | 6, h: ResolverHost): DnsIo<GaiResult> {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name) && name.split('.').every((o) => Number(o) <= 255) && family !== 6) return { canonical: name, aliases: [], addrs: [{ family: 4, addr: name }] };
  const f = hostsLookup(h, name, family);
  if (f) return f;
  const types = family === 4 ? [DnsType.A] : family === 6 ? [DnsType.AAAA] : [DnsType.A, DnsType.AAAA];
  const r = yield* resSearch(name, types, h);
  if (!('herrno' in r)) return { ...r, canonical: r.canonical.replace(/\.$/, '') };
  switch (r.herrno) {
    case 'HOST_NOT_FOUND':
      return { error: 'NONAME' };
    case 'NO_DATA':
      return { error: 'NODATA' };
    case 'TRY_AGAIN':
      return { error: 'AGAIN' };
    default:
      return { error: 'FAIL' };
  }
}
