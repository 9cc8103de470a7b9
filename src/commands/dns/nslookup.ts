/**
 * nslookup, non-interactive, as BIND 9.18 (bin/dig/nslookup.c) prints: the Server:/Address:
 * header, Name:/Address: lines, "canonical name =", "** server can't find NAME: RCODE", the A
 * then AAAA default lookups, -type=, reverse lookups of an address, and -debug's sections.
 */
import { DnsClass, DnsType, Rcode, type DnsMessage, type DnsRR } from '../../engine/wire/dns';
import type { DnsIo } from '../../kube/dns/io';
import { parseResolvConf } from '../../kube/dns/resolvconf';
import { runLookup, type DigServer, type LookupEvent, type LookupSpec } from './dighost';
import type { DigHost, DigResult } from './dig';
import { bareName, className, parseClass, parseType, rcodeName, rdataText, typeName } from './text';
import { reverseName } from './reverse';

/** nslookup.c rtypetext[]: what precedes the rdata, by type number */
const RTYPE_TEXT: Record<number, string> = {
  1: 'internet address = ', 2: 'nameserver = ', 5: 'canonical name = ', 6: 'soa = ', 12: 'name = ', 13: 'hinfo = ', 15: 'mail exchanger = ',
  16: 'text = ', 28: 'has AAAA address ', 33: 'service = ', 35: 'naptr = ', 41: 'optional = ',
};

const rdataLine = (rr: DnsRR): string => `${RTYPE_TEXT[rr.type] ?? `rdata_${rr.type} = `}${rdataText(rr.data)}\n`;

function soaLines(rr: DnsRR): string {
  if (rr.data.kind !== 'SOA') return '';
  const d = rr.data;
  return `\torigin = ${bareName(d.mname)}\n\tmail addr = ${bareName(d.rname)}\n\tserial = ${d.serial}\n\trefresh = ${d.refresh}\n\tretry = ${d.retry}\n\texpire = ${d.expire}\n\tminimum = ${d.minimum}\n`;
}

/** printsection(): the short form of a section */
function shortSection(rrs: DnsRR[], answer: boolean): string {
  let s = '';
  for (const rr of rrs) {
    if ((rr.type === DnsType.A || rr.type === DnsType.AAAA) && answer) s += `Name:\t${bareName(rr.name)}\nAddress: ${rdataText(rr.data)}\n`;
    else if (rr.type === DnsType.SOA) s += `${bareName(rr.name)}\n${soaLines(rr)}`;
    else s += `${bareName(rr.name)}\t${rdataLine(rr)}`;
  }
  return s;
}

/** detailsection(): -debug's view of a section */
function detailSection(title: string, m: DnsMessage, rrs: DnsRR[] | null): string {
  let s = `    ${title}:\n`;
  if (rrs === null) {
    for (const q of m.question) s += `\t${bareName(q.name)}, type = ${typeName(q.type)}, class = ${className(q.class)}\n`;
    return s;
  }
  for (const rr of rrs) {
    s += `    ->  ${bareName(rr.name)}\n`;
    s += rr.type === DnsType.SOA ? soaLines(rr) : `\t${rdataLine(rr)}`;
    s += `\tttl = ${rr.ttl}\n`;
  }
  return s;
}

interface Settings {
  type: number | null;
  class: number;
  debug: boolean;
  search: boolean;
  searchList: string[];
  ndots: number;
  port: number;
  tries: number;
  timeoutMs: number;
  recurse: boolean;
  tcp: boolean;
  fail: boolean;
}

/** One -option (nslookup.c setoption); returns what it prints about a bad one. */
function setOption(o: string, st: Settings): string {
  const [k, v] = o.includes('=') ? [o.slice(0, o.indexOf('=')).toLowerCase(), o.slice(o.indexOf('=') + 1)] : [o.toLowerCase(), undefined];
  const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  if (v !== undefined) {
    if (['type', 'ty', 'querytype', 'query', 'qu', 'q'].includes(k)) {
      const t = parseType(v);
      if (t === undefined) return `unknown query type: ${v}\n`;
      st.type = t;
    } else if (['class', 'cl'].includes(k)) {
      const c = parseClass(v);
      if (c === undefined) return `unknown query class: ${v}\n`;
      st.class = c;
    } else if (['domain', 'do'].includes(k)) {
      st.searchList = [v];
      st.search = true;
    } else if (['port', 'po'].includes(k) && n !== undefined) st.port = n;
    else if (['timeout', 't'].includes(k) && n !== undefined) st.timeoutMs = n * 1000;
    else if (['retry', 'ret'].includes(k) && n !== undefined) st.tries = Math.max(1, n);
    else if (k === 'ndots' && n !== undefined) st.ndots = n;
    else return `*** Invalid option: ${o}\n`;
    return '';
  }
  const flags: Record<string, () => void> = {
    debug: () => (st.debug = true), deb: () => (st.debug = true), nodebug: () => (st.debug = false), nodeb: () => (st.debug = false),
    search: () => (st.search = true), nosearch: () => (st.search = false), def: () => (st.search = true), nodef: () => (st.search = false),
    recurse: () => (st.recurse = true), rec: () => (st.recurse = true), norecurse: () => (st.recurse = false), norec: () => (st.recurse = false),
    vc: () => (st.tcp = true), novc: () => (st.tcp = false), fail: () => (st.fail = true), nofail: () => (st.fail = false),
    d2: () => undefined, nod2: () => undefined, sil: () => undefined,
  };
  if (!flags[k]) return `*** Invalid option: ${o}\n`;
  flags[k]();
  return '';
}

/** nslookup [-option...] NAME [SERVER] */
export function* nslookup(argv: string[], host: DigHost): DnsIo<DigResult> {
  const rc = parseResolvConf(host.resolvConf, host.hostname);
  const st: Settings = {
    type: null, class: DnsClass.IN, debug: false, search: true, searchList: rc.search, ndots: rc.ndots, port: 53, tries: 3, timeoutMs: 5000,
    recurse: true, tcp: false, fail: false,
  };
  let out = '';
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-') && a.length > 1) out += setOption(a.slice(1), st);
    else words.push(a);
  }
  if (words.length === 0) return { stdout: out, stderr: 'nslookup: interactive mode is not available in Hoplab: give a name to look up\n', exit: 1 };
  const [target, serverArg] = words;
  const servers: DigServer[] = serverArg
    ? [{ userarg: serverArg, address: serverArg }]
    : (rc.nameservers.length ? rc.nameservers : ['127.0.0.1']).map((a) => ({ userarg: a, address: a }));
  const defaultLookups = st.type === null;
  const reverse = reverseName(target, true);
  const spec = (name: string, type: number): LookupSpec => ({
    name, type, class: st.class, search: st.search, searchList: st.searchList, ndots: st.ndots, recurse: st.recurse, adflag: false, cdflag: false,
    edns: null, udpSize: 0, cookie: false, tcp: st.tcp, tries: st.tries, timeoutMs: st.timeoutMs, port: st.port, servfailStops: st.fail, ignoreTc: false,
  });
  const queue: LookupSpec[] = [reverse ? spec(reverse, DnsType.PTR) : spec(target, st.type ?? DnsType.A)];
  let failed = false;
  let aNoAnswer = false;
  while (queue.length > 0) {
    const l = queue.shift()!;
    const emit = (e: LookupEvent) => {
      if (e.kind === 'commError') out += `;; communications error to ${e.server.address}#${e.port}: ${e.error}\n`;
      else if (e.kind === 'truncated') out += ';; Truncated, retrying in TCP mode.\n';
      else if (e.kind === 'noServers') {
        out += ';; no servers could be reached\n';
        failed = true;
      } else if (e.final || st.debug) out += printMessage(e);
    };
    const printMessage = (e: Extract<LookupEvent, { kind: 'reply' }>): string => {
      const r = e.reply;
      let s = '';
      if (!defaultLookups || l.type === DnsType.A) s += `Server:\t\t${e.server.userarg}\nAddress:\t${e.server.address}#${e.port}\n\n`;
      if (st.debug) {
        s += '------------\n';
        s += detailSection('QUESTIONS', r, null) + detailSection('ANSWERS', r, r.answer) + detailSection('AUTHORITY RECORDS', r, r.authority);
        s += `${detailSection('ADDITIONAL RECORDS', r, r.additional)}------------\n`;
      }
      if (r.rcode !== Rcode.NOERROR) {
        failed = true;
        return `${s}** server can't find ${bareName(e.qname)}: ${rcodeName(r.rcode)}\n`;
      }
      if (defaultLookups && l.type === DnsType.A) {
        // the AAAA lookup asks the name the A answer ended on (after CNAMEs), as an absolute name
        let name = e.qname;
        for (const rr of r.answer) if (rr.type === DnsType.CNAME && rr.name.toLowerCase() === name.toLowerCase() && rr.data.kind === 'NAME') name = rr.data.target;
        queue.push({ ...spec(name, DnsType.AAAA), search: false });
      }
      if (!r.aa && (!defaultLookups || l.type === DnsType.A)) s += 'Non-authoritative answer:\n';
      if (r.answer.length > 0) s += shortSection(r.answer, true);
      else if (defaultLookups && l.type === DnsType.A) aNoAnswer = true;
      else if (!defaultLookups || (l.type === DnsType.AAAA && aNoAnswer)) s += `*** Can't find ${bareName(l.name)}: No answer\n`;
      if (!r.aa && l.type !== DnsType.A && l.type !== DnsType.AAAA) {
        s += '\nAuthoritative answers can be found from:\n';
        s += shortSection(r.authority, false) + shortSection(r.additional, false);
      }
      return s;
    };
    const ok = yield* runLookup(l, servers, host.rnd, emit);
    if (!ok) break;
  }
  return { stdout: `${out}\n`, stderr: '', exit: failed ? 1 : 0 };
}
