/**
 * dnsmasq 2.90 as a small DNS server for plain hosts: its command line (long and short options,
 * its errors), what it answers from its own configuration (host records, --address, CNAME, SRV,
 * TXT), what it forwards to --server upstreams, and its --log-queries lines. The server task
 * and its socket are the caller's; `dnsmasqServe` answers one query.
 */
import { DnsClass, DnsType, Rcode, fqdn, isSubdomain, replyTo, type DnsMessage, type DnsRR } from '../../engine/wire/dns';
import type { DnsIo } from '../../kube/dns/io';
import { parseIpv6 } from '../../engine/addr/ipv6';
import { isIpv4Text } from './reverse';
import { typeName } from './text';
import { bareName } from './text';

export const DNSMASQ_VERSION = '2.90';
const COMPILE_OPTIONS = 'IPv6 GNU-getopt DBus no-UBus i18n IDN2 DHCP DHCPv6 no-Lua TFTP conntrack ipset nftset auth cryptohash DNSSEC loop-detect inotify dumpfile';

export interface HostRecord {
  names: string[];
  v4?: string;
  v6?: string;
  ttl: number;
}

export interface DnsmasqConfig {
  /** -d: stay in the foreground and log to stderr; -k: foreground only */
  noDaemon: boolean;
  keepInForeground: boolean;
  noResolv: boolean;
  noHosts: boolean;
  logQueries: boolean;
  port: number;
  listenAddresses: string[];
  bindInterfaces: boolean;
  hostRecords: HostRecord[];
  /** --address=/domains/[ip]: no ip answers NXDOMAIN; domain "#" is every domain */
  addresses: { domains: string[]; ip?: string }[];
  cnames: { alias: string; target: string; ttl: number }[];
  srv: { name: string; target: string; port: number; priority: number; weight: number }[];
  txt: { name: string; strings: string[] }[];
  servers: { ip: string; port: number }[];
}

type Parse = { ok: true; config: DnsmasqConfig } | { ok: false; stderr: string; exit: number };

const SHORT: Record<string, string> = { d: 'no-daemon', k: 'keep-in-foreground', R: 'no-resolv', h: 'no-hosts', q: 'log-queries', p: 'port', a: 'listen-address', z: 'bind-interfaces', A: 'address', S: 'server', x: 'pid-file' };
const NEEDS_VALUE = new Set(['port', 'listen-address', 'address', 'server', 'host-record', 'cname', 'srv-host', 'txt-record', 'pid-file']);
const FLAGS = new Set(['no-daemon', 'keep-in-foreground', 'no-resolv', 'no-hosts', 'log-queries', 'bind-interfaces']);

const bad = (why = 'try --help'): Parse => ({ ok: false, stderr: `\ndnsmasq: bad command line options: ${why}\n`, exit: 1 });

/** Split a TXT value as dnsmasq does: comma-separated strings, double quotes removed. */
const txtStrings = (v: string): string[] => v.split(',').map((s) => s.replace(/^"(.*)"$/, '$1'));

export function parseDnsmasqArgs(argv: string[]): Parse {
  const c: DnsmasqConfig = {
    noDaemon: false, keepInForeground: false, noResolv: false, noHosts: false, logQueries: false, port: 53, listenAddresses: [], bindInterfaces: false,
    hostRecords: [], addresses: [], cnames: [], srv: [], txt: [], servers: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    let name: string;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      value = eq === -1 ? undefined : a.slice(eq + 1);
      if (!FLAGS.has(name) && !NEEDS_VALUE.has(name)) return bad();
      if (NEEDS_VALUE.has(name) && value === undefined) value = argv[++i];
    } else if (a.startsWith('-') && a.length >= 2 && SHORT[a[1]]) {
      name = SHORT[a[1]];
      if (NEEDS_VALUE.has(name)) value = a.length > 2 ? a.slice(2) : argv[++i];
      else if (a.length > 2) return bad();
    } else return bad();
    if (NEEDS_VALUE.has(name) && value === undefined) return bad();
    const v = value ?? '';
    switch (name) {
      case 'no-daemon': c.noDaemon = true; break;
      case 'keep-in-foreground': c.keepInForeground = true; break;
      case 'no-resolv': c.noResolv = true; break;
      case 'no-hosts': c.noHosts = true; break;
      case 'log-queries': c.logQueries = true; break;
      case 'bind-interfaces': c.bindInterfaces = true; break;
      case 'pid-file': break;
      case 'port':
        if (!/^\d+$/.test(v) || Number(v) > 65535) return bad();
        c.port = Number(v);
        break;
      case 'listen-address':
        for (const ip of v.split(',')) {
          if (!isIpv4Text(ip)) return bad('bad address');
          c.listenAddresses.push(ip);
        }
        break;
      case 'host-record': {
        const parts = v.split(',');
        const rec: HostRecord = { names: [], ttl: 0 };
        for (const p of parts) {
          if (isIpv4Text(p)) rec.v4 = p;
          else if (p.includes(':') && parseIpv6(p)) rec.v6 = p;
          else if (/^\d+$/.test(p) && rec.names.length > 0) rec.ttl = Number(p);
          else rec.names.push(p.toLowerCase());
        }
        if (rec.names.length === 0 || (!rec.v4 && !rec.v6)) return bad('Bad host-record');
        c.hostRecords.push(rec);
        break;
      }
      case 'address': {
        const m = /^\/(.+)\/([^/]*)$/.exec(v);
        if (!m) return bad('Bad address in --address');
        const ip = m[2];
        if (ip !== '' && !isIpv4Text(ip) && !(ip.includes(':') && parseIpv6(ip))) return bad('Bad address in --address');
        c.addresses.push({ domains: m[1].split('/').map((d) => d.toLowerCase()), ip: ip || undefined });
        break;
      }
      case 'cname': {
        const parts = v.split(',');
        if (parts.length < 2) return bad('bad CNAME');
        c.cnames.push({ alias: parts[0].toLowerCase(), target: parts[1].toLowerCase(), ttl: 0 });
        break;
      }
      case 'srv-host': {
        const [nm, target = '', port = '0', prio = '0', weight = '0'] = v.split(',');
        if (!nm || ![port, prio, weight].every((x) => /^\d+$/.test(x))) return bad('bad SRV record');
        c.srv.push({ name: nm.toLowerCase(), target: target.toLowerCase(), port: Number(port), priority: Number(prio), weight: Number(weight) });
        break;
      }
      case 'txt-record': {
        const comma = v.indexOf(',');
        c.txt.push({ name: (comma === -1 ? v : v.slice(0, comma)).toLowerCase(), strings: comma === -1 ? [] : txtStrings(v.slice(comma + 1)) });
        break;
      }
      case 'server': {
        const [ip, port = '53'] = v.split('#');
        if (!isIpv4Text(ip) || !/^\d+$/.test(port)) return bad('bad address');
        c.servers.push({ ip, port: Number(port) });
        break;
      }
    }
  }
  return { ok: true, config: c };
}

/** What dnsmasq logs when it starts (`upstreams` are the --server ones plus resolv.conf's unless --no-resolv). */
export function dnsmasqStartLines(c: DnsmasqConfig, upstreams: { ip: string; port: number }[], hostsNames: number | null): string[] {
  const lines = [`started, version ${DNSMASQ_VERSION} cachesize 150`, `compile time options: ${COMPILE_OPTIONS}`];
  if (!c.noResolv) lines.push('reading /etc/resolv.conf');
  if (upstreams.length === 0) lines.push('warning: no upstream servers configured');
  for (const u of upstreams) lines.push(`using nameserver ${u.ip}#${u.port}`);
  for (const a of c.addresses) if (a.ip === undefined) for (const d of a.domains) if (d !== '#') lines.push(`using only locally-known addresses for ${d}`);
  if (hostsNames !== null) lines.push(`read /etc/hosts - ${hostsNames} names`);
  lines.push('cleared cache');
  return lines.map((l) => `dnsmasq: ${l}`);
}

const rr = (name: string, type: number, data: DnsRR['data']): DnsRR => ({ name, type, class: DnsClass.IN, ttl: 0, data });

/** The --address entry that decides a name: the longest matching domain ("#" matches anything). */
function addressFor(c: DnsmasqConfig, name: string): { domain: string; ip?: string } | undefined {
  let best: { domain: string; ip?: string } | undefined;
  for (const a of c.addresses) {
    for (const d of a.domains) {
      const hit = d === '#' || isSubdomain(name, fqdn(d));
      if (hit && (!best || best.domain === '#' || (d !== '#' && d.length > best.domain.length))) best = { domain: d, ip: a.ip };
    }
  }
  return best;
}

interface Local {
  answer: DnsRR[];
  additional: DnsRR[];
  /** what --log-queries says the answer is */
  logs: string[];
}

/** Answers from dnsmasq's own configuration for (name, type), or undefined when it has none. */
function localAnswer(c: DnsmasqConfig, qname: string, type: number, depth = 0): Local | undefined {
  const key = bareName(qname).toLowerCase();
  const cname = c.cnames.find((x) => x.alias === key);
  if (cname && depth < 10 && type !== DnsType.CNAME) {
    const target = fqdn(cname.target);
    const next = localAnswer(c, target, type, depth + 1);
    return {
      answer: [rr(qname, DnsType.CNAME, { kind: 'NAME', target }), ...(next?.answer ?? [])],
      additional: next?.additional ?? [],
      logs: [`config ${key} is <CNAME>`, ...(next?.logs ?? [])],
    };
  }
  const hosts = c.hostRecords.filter((h) => h.names.includes(key));
  if (type === DnsType.A || type === DnsType.AAAA) {
    const addrs = hosts.map((h) => (type === DnsType.A ? h.v4 : h.v6)).filter((x): x is string => !!x);
    const viaAddress = addressFor(c, qname);
    if (addrs.length === 0 && viaAddress?.ip && isIpv4Text(viaAddress.ip) === (type === DnsType.A)) addrs.push(viaAddress.ip);
    if (addrs.length === 0) return undefined;
    return {
      answer: addrs.map((a) => rr(qname, type, type === DnsType.A ? { kind: 'A', address: a } : { kind: 'AAAA', address: a })),
      additional: [],
      logs: addrs.map((a) => `config ${key} is ${a}`),
    };
  }
  if (type === DnsType.PTR) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(key);
    const ip = m ? `${m[4]}.${m[3]}.${m[2]}.${m[1]}` : undefined;
    const h = ip ? c.hostRecords.find((x) => x.v4 === ip) : undefined;
    if (!h || !ip) return undefined;
    return { answer: [rr(qname, DnsType.PTR, { kind: 'NAME', target: fqdn(h.names[0]) })], additional: [], logs: [`config ${ip} is ${h.names[0]}`] };
  }
  if (type === DnsType.SRV) {
    const s = c.srv.filter((x) => x.name === key);
    if (s.length === 0) return undefined;
    const additional = s.flatMap((x) => (localAnswer(c, fqdn(x.target), DnsType.A, depth + 1)?.answer ?? []).filter((a) => a.type === DnsType.A));
    return {
      answer: s.map((x) => rr(qname, DnsType.SRV, { kind: 'SRV', priority: x.priority, weight: x.weight, port: x.port, target: fqdn(x.target) })),
      additional,
      logs: s.map(() => `config ${key} is <SRV>`),
    };
  }
  if (type === DnsType.TXT) {
    const t = c.txt.filter((x) => x.name === key);
    if (t.length === 0) return undefined;
    return { answer: t.map((x) => rr(qname, DnsType.TXT, { kind: 'TXT', strings: x.strings })), additional: [], logs: t.map(() => `config ${key} is <TXT>`) };
  }
  if (type === DnsType.ANY) {
    const parts = [DnsType.TXT, DnsType.A, DnsType.AAAA].map((t) => localAnswer(c, qname, t, depth + 1)).filter((x): x is Local => !!x);
    if (parts.length === 0) return undefined;
    return { answer: parts.flatMap((p) => p.answer), additional: [], logs: parts.flatMap((p) => p.logs) };
  }
  return undefined;
}

/** Does dnsmasq know the name at all (with any type)? Then a miss is NODATA rather than NXDOMAIN. */
const knownName = (c: DnsmasqConfig, key: string): boolean =>
  c.hostRecords.some((h) => h.names.includes(key)) || c.txt.some((t) => t.name === key) || c.srv.some((s) => s.name === key) || c.cnames.some((x) => x.alias === key);

function finish(query: DnsMessage, reply: DnsMessage, ede?: number): DnsMessage {
  reply.ra = true;
  // dnsmasq points owner names at earlier ones but writes names inside record data in full
  reply.pack = 'owners';
  if (query.edns) reply.edns = { udpSize: 1232, version: 0, do: false, options: ede === undefined ? [] : [{ code: 15, data: Uint8Array.of(ede >> 8, ede & 0xff) }] };
  return reply;
}

/**
 * Answer one query as dnsmasq does: its own records first, NXDOMAIN for --address domains without
 * an address, forwarding to its upstreams, and NODATA/NXDOMAIN under --address=/#/; otherwise
 * REFUSED ("not ready": nowhere to send it). `log` receives the --log-queries lines.
 */
export function* dnsmasqServe(c: DnsmasqConfig, upstreams: { ip: string; port: number }[], query: DnsMessage, client: string, log: (line: string) => void): DnsIo<DnsMessage | null> {
  const q = query.question[0];
  if (query.qr || !q) return null;
  const key = bareName(q.name).toLowerCase();
  const say = (s: string) => c.logQueries && log(`dnsmasq: ${s}`);
  say(`query[${typeName(q.type)}] ${bareName(q.name)} from ${client}`);
  const local = localAnswer(c, q.name, q.type);
  if (local && local.answer.length > 0) {
    for (const l of local.logs) say(l);
    const r = replyTo(query);
    r.aa = true;
    r.answer = local.answer;
    r.additional = local.additional;
    return finish(query, r);
  }
  const addr = addressFor(c, q.name);
  if (addr && addr.ip === undefined && addr.domain !== '#') {
    say(`config ${key} is NXDOMAIN`);
    return finish(query, replyTo(query, Rcode.NXDOMAIN));
  }
  for (const u of upstreams) {
    say(`forwarded ${bareName(q.name)} to ${u.ip}`);
    const fwd: DnsMessage = { ...query, id: query.id, edns: { udpSize: 1232, version: 0, do: false, options: [] } };
    const out = yield { server: u.ip, port: u.port, proto: 'udp', query: fwd, timeoutMs: 10_000 };
    if (out.kind !== 'reply') continue;
    const r = out.reply;
    if (r.rcode !== Rcode.NOERROR) say(`reply error is ${r.rcode === Rcode.NXDOMAIN ? 'NXDOMAIN' : r.rcode === Rcode.SERVFAIL ? 'SERVFAIL' : 'REFUSED'}`);
    for (const a of r.answer) say(`reply ${bareName(a.name)} is ${a.data.kind === 'A' || a.data.kind === 'AAAA' ? a.data.address : `<${typeName(a.type)}>`}`);
    const relayed: DnsMessage = { ...r, id: query.id, edns: undefined };
    return finish(query, relayed);
  }
  if (addr && addr.domain === '#' && addr.ip === undefined) {
    if (knownName(c, key) || (addr && addr.ip)) {
      say(`config ${key} is ${q.type === DnsType.AAAA ? 'NODATA-IPv6' : q.type === DnsType.A ? 'NODATA-IPv4' : 'NODATA'}`);
      return finish(query, replyTo(query));
    }
    say(`config ${key === '' ? '.' : key} is NXDOMAIN`);
    return finish(query, replyTo(query, Rcode.NXDOMAIN));
  }
  say('config error is REFUSED (EDE: not ready)');
  return finish(query, replyTo(query, Rcode.REFUSED), query.edns ? 14 : undefined);
}
