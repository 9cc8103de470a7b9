/**
 * The lookup machinery dig and nslookup share (BIND's bin/dig/dighost.c): the names one lookup
 * tries (search list and ndots), the servers and tries for each query, the fall back to TCP on a
 * truncated reply, and the events the two programs print in their own ways.
 */
import { DnsType, Rcode, dnsMessage, fqdn, type DnsMessage } from '../../engine/wire/dns';
import type { DnsIo } from '../../kube/dns/io';

export interface DigServer {
  /** as the user named it (printed in SERVER: and Server:) */
  userarg: string;
  address: string;
}

export interface LookupSpec {
  /** the name as given (already the reverse name for -x) */
  name: string;
  type: number;
  class: number;
  /** use the search list (dig +search, nslookup's default) */
  search: boolean;
  searchList: string[];
  ndots: number;
  recurse: boolean;
  adflag: boolean;
  cdflag: boolean;
  /** EDNS version to send, or null for none */
  edns: number | null;
  udpSize: number;
  cookie: boolean;
  tcp: boolean;
  /** attempts per server */
  tries: number;
  timeoutMs: number;
  port: number;
  /** a SERVFAIL is an answer (dig's +fail) rather than a reason to ask the next server */
  servfailStops: boolean;
  /** a truncated UDP reply is kept instead of asked again over TCP (+ignore) */
  ignoreTc: boolean;
}

export type LookupEvent =
  | {
      kind: 'reply';
      /** the name that was asked (search domain applied), absolute */
      qname: string;
      query: DnsMessage;
      reply: DnsMessage;
      size: number;
      rttMs: number;
      server: DigServer;
      port: number;
      proto: 'udp' | 'tcp';
      /** false: an NXDOMAIN on the way through the search list (shown only with +showsearch) */
      final: boolean;
    }
  | { kind: 'commError'; server: DigServer; port: number; proto: 'udp' | 'tcp'; error: string; qname: string }
  | { kind: 'truncated' }
  | { kind: 'noServers'; qname: string };

const countDots = (name: string): number => {
  let n = 0;
  for (let i = 0; i < name.length - 1; i++) if (name[i] === '.') n++;
  return n;
};

/**
 * The names a lookup asks, in order (dighost.c setup_lookup/next_origin): an absolute name once;
 * a name with at least `ndots` dots as it is, then with each search domain; a shorter one with
 * each search domain first and as it is last.
 */
export function searchNames(name: string, search: boolean, list: string[], ndots: number): string[] {
  if (name.endsWith('.') || !search || list.length === 0) return [fqdn(name)];
  const withDomains = list.map((d) => fqdn(`${name}.${d.replace(/\.$/, '')}`));
  return countDots(name) >= ndots ? [fqdn(name), ...withDomains] : [...withDomains, fqdn(name)];
}

/** A query as the tool builds it. */
export function buildQuery(spec: LookupSpec, qname: string, id: number, cookie: Uint8Array | null): DnsMessage {
  const m = dnsMessage({ id, rd: spec.recurse, ad: spec.adflag, cd: spec.cdflag, question: [{ name: qname, type: spec.type, class: spec.class }] });
  if (spec.edns !== null) {
    m.edns = { udpSize: spec.udpSize, version: spec.edns, do: false, options: cookie ? [{ code: 10, data: cookie }] : [] };
  }
  return m;
}

export interface LookupRandom {
  id(): number;
  cookie(): Uint8Array;
}

/**
 * Run one lookup through its search names and its servers. Returns true when a server answered
 * (whatever the answer), false when none could be reached.
 */
export function* runLookup(spec: LookupSpec, servers: DigServer[], rnd: LookupRandom, emit: (e: LookupEvent) => void): DnsIo<boolean> {
  const names = searchNames(spec.name, spec.search, spec.searchList, spec.ndots);
  const cookie = spec.cookie && spec.edns !== null ? rnd.cookie() : null;
  // ANY is asked over TCP unless told otherwise (dig's default for ANY and IXFR)
  let proto: 'udp' | 'tcp' = spec.tcp || spec.type === DnsType.ANY ? 'tcp' : 'udp';
  for (let n = 0; n < names.length; n++) {
    const qname = names[n];
    let answered = false;
    for (const server of servers) {
      for (let t = 0; t < Math.max(1, spec.tries) && !answered; t++) {
        const query = buildQuery(spec, qname, rnd.id(), cookie);
        const out = yield { server: server.address, port: spec.port, proto, query, timeoutMs: spec.timeoutMs };
        if (out.kind !== 'reply') {
          const error = out.kind === 'timeout' ? 'timed out' : out.kind === 'refused' ? 'connection refused' : out.error;
          emit({ kind: 'commError', server, port: spec.port, proto, error, qname });
          continue;
        }
        if (out.reply.tc && proto === 'udp' && !spec.ignoreTc) {
          emit({ kind: 'truncated' });
          proto = 'tcp';
          t--;
          continue;
        }
        if (out.reply.rcode === Rcode.SERVFAIL && !spec.servfailStops && server !== servers[servers.length - 1]) break;
        answered = true;
        const searching = out.reply.rcode === Rcode.NXDOMAIN && n < names.length - 1;
        emit({ kind: 'reply', qname, query, reply: out.reply, size: out.size, rttMs: out.rttMs, server, port: spec.port, proto, final: !searching });
        if (!searching) return true;
      }
      if (answered) break;
    }
    if (!answered) {
      emit({ kind: 'noServers', qname });
      return false;
    }
  }
  return true;
}
