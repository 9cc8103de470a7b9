/**
 * dig, as BIND 9.18 (bin/dig/dig.c) parses its arguments and prints: the banner, the header and
 * flags, the OPT pseudo-section, the sections in master-file columns, the statistics, `+short`,
 * and the errors when no server answers. The lookups themselves are dighost.ts's.
 */
import { DnsClass, DnsType, EdnsOption, type DnsMessage, type DnsRR } from '../../engine/wire/dns';
import type { DnsIo } from '../../kube/dns/io';
import { parseResolvConf } from '../../kube/dns/resolvconf';
import { runLookup, type DigServer, type LookupEvent, type LookupRandom, type LookupSpec } from './dighost';
import { opcodeName, parseClass, parseType, questionLine, rcodeName, rdataText, recordLine } from './text';
import { reverseName } from './reverse';
import { whenText } from './clock';

export const DIG_VERSION = 'DiG 9.18.49-1~deb12u3-Debian';

const USAGE = `Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}
            {global-d-opt} host [@local-server] {local-d-opt}
            [ host [@local-server] {local-d-opt} [...]]

Use "dig -h" (or "dig -h | more") for complete list of options
`;

/** What dig needs from the machine it runs on. */
export interface DigHost {
  /** /etc/resolv.conf, or undefined when the file does not exist */
  resolvConf: string | undefined;
  hostname: string;
  /** virtual time now, in ms (for WHEN:) */
  now(): number;
  rnd: LookupRandom;
}

export interface DigResult {
  stdout: string;
  stderr: string;
  exit: number;
}

interface Display {
  cmd: boolean;
  comments: boolean;
  question: boolean;
  answer: boolean;
  authority: boolean;
  additional: boolean;
  stats: boolean;
}

interface Lookup {
  spec: LookupSpec;
  typeSet: boolean;
  classSet: boolean;
  display: Display;
  showsearch: boolean;
}

type Parsed = { ok: true; lookups: Lookup[]; servers: DigServer[] | null; short: boolean; port: number } | { ok: false; stderr: string; exit: number };

const BOOLEAN_OPTS = ['short', 'search', 'showsearch', 'cmd', 'comments', 'question', 'answer', 'authority', 'additional', 'stats', 'all', 'tcp', 'vc', 'recurse', 'adflag', 'cdflag', 'cookie', 'edns', 'ignore', 'fail'] as const;

function parseArgs(argv: string[], host: DigHost): Parsed {
  const rc = parseResolvConf(host.resolvConf, host.hostname);
  const dflt: Lookup = {
    spec: {
      name: '.', type: DnsType.NS, class: DnsClass.IN, search: false, searchList: rc.search, ndots: rc.ndots, recurse: true, adflag: true, cdflag: false,
      edns: 0, udpSize: 1232, cookie: true, tcp: false, tries: 3, timeoutMs: 5000, port: 53, servfailStops: true, ignoreTc: false,
    },
    typeSet: false, classSet: false, showsearch: false,
    display: { cmd: true, comments: true, question: true, answer: true, authority: true, additional: true, stats: true },
  };
  const lookups: Lookup[] = [];
  let servers: DigServer[] | null = null;
  let short = false;
  let port = 53;
  const invalid = (opt: string): Parsed => ({ ok: false, stderr: `Invalid option: ${opt}\n${USAGE}`, exit: 1 });
  const cur = () => lookups[lookups.length - 1] ?? dflt;
  const newLookup = (name: string, type?: number) => {
    const l: Lookup = { ...dflt, spec: { ...dflt.spec, name }, display: { ...dflt.display } };
    if (type !== undefined) {
      l.spec.type = type;
      l.typeSet = true;
    } else if (!dflt.typeSet) l.spec.type = DnsType.A;
    lookups.push(l);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('@')) {
      servers = [{ userarg: a.slice(1), address: a.slice(1) }];
    } else if (a.startsWith('+')) {
      const bad = plusOption(a.slice(1), cur(), (v) => (short = v));
      if (bad) return invalid(a);
    } else if (a.startsWith('-') && a.length > 1) {
      const flag = a[1];
      const inline = a.slice(2);
      const value = (): string | undefined => (inline !== '' ? inline : argv[++i]);
      if (flag === 'x') {
        const v = value();
        if (v === undefined) return invalid(a);
        newLookup(reverseName(v)!, DnsType.PTR);
      } else if (flag === 'p') {
        const v = value();
        if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) return invalid(a);
        port = Number(v);
      } else if (flag === 't') {
        const v = value();
        const t = v === undefined ? undefined : parseType(v);
        if (t === undefined) return invalid(a);
        cur().spec.type = t;
        cur().typeSet = true;
      } else if (flag === 'c') {
        const v = value();
        const c = v === undefined ? undefined : parseClass(v);
        if (c === undefined) return invalid(a);
        cur().spec.class = c;
        cur().classSet = true;
      } else if (flag === 'q') {
        const v = value();
        if (v === undefined) return invalid(a);
        newLookup(v);
      } else if (flag !== '4') return invalid(a);
    } else if (parseType(a) !== undefined && !cur().typeSet) {
      cur().spec.type = parseType(a)!;
      cur().typeSet = true;
    } else if (parseClass(a) !== undefined && !cur().classSet) {
      cur().spec.class = parseClass(a)!;
      cur().classSet = true;
    } else newLookup(a);
  }
  if (lookups.length === 0) lookups.push({ ...dflt, spec: { ...dflt.spec }, display: { ...dflt.display } });
  for (const l of lookups) l.spec.port = port;
  return { ok: true, lookups, servers, short, port };
}

/** One `+option`; returns true when dig does not know it. */
function plusOption(text: string, l: Lookup, setShort: (v: boolean) => void): boolean {
  const eq = text.indexOf('=');
  const key = eq === -1 ? text : text.slice(0, eq);
  const val = eq === -1 ? undefined : text.slice(eq + 1);
  const num = (): number | undefined => (val !== undefined && /^\d+$/.test(val) ? Number(val) : undefined);
  const on = !key.startsWith('no');
  const name = on ? key : key.slice(2);
  const s = l.spec;
  const d = l.display;
  if (val !== undefined) {
    const n = num();
    if (!on) return true;
    switch (name) {
      case 'ndots': if (n === undefined) return true; s.ndots = n; return false;
      case 'domain': s.searchList = [val]; s.search = true; return false;
      case 'tries': if (n === undefined) return true; s.tries = Math.max(1, n); return false;
      case 'retry': if (n === undefined) return true; s.tries = n + 1; return false;
      case 'timeout': case 'time': if (n === undefined) return true; s.timeoutMs = Math.max(1, n) * 1000; return false;
      case 'bufsize': if (n === undefined || n > 65535) return true; s.udpSize = n; return false;
      case 'edns': if (n === undefined || n > 255) return true; s.edns = n; return false;
      default: return true;
    }
  }
  if (!(BOOLEAN_OPTS as readonly string[]).includes(name)) return true;
  switch (name) {
    case 'short':
      setShort(on);
      if (on) Object.assign(d, { cmd: false, comments: false, question: false, answer: true, authority: false, additional: false, stats: false });
      break;
    case 'all':
      Object.assign(d, { cmd: on, comments: on, question: on, answer: on, authority: on, additional: on, stats: on });
      break;
    case 'cmd': case 'comments': case 'question': case 'answer': case 'authority': case 'additional': case 'stats':
      d[name] = on;
      break;
    case 'search': s.search = on; break;
    case 'showsearch': l.showsearch = on; if (on) s.search = true; break;
    case 'tcp': case 'vc': s.tcp = on; break;
    case 'recurse': s.recurse = on; break;
    case 'adflag': s.adflag = on; break;
    case 'cdflag': s.cdflag = on; break;
    case 'cookie': s.cookie = on; break;
    case 'edns': s.edns = on ? 0 : null; break;
    case 'ignore': s.ignoreTc = on; break;
    case 'fail': s.servfailStops = on; break;
  }
  return false;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const EDE_NAMES: Record<number, string> = {
  0: 'Other', 1: 'Unsupported DNSKEY Algorithm', 3: 'Stale Answer', 4: 'Forged Answer', 5: 'DNSSEC Indeterminate', 6: 'DNSSEC Bogus',
  13: 'Cached Error', 14: 'Not Ready', 15: 'Blocked', 16: 'Censored', 17: 'Filtered', 18: 'Prohibited', 20: 'Not Authoritative', 21: 'Not Supported', 22: 'No Reachable Authority', 23: 'Network Error',
};

/** The OPT pseudo-section (message.c dns_message_pseudosectiontotext). */
function optLines(reply: DnsMessage, query: DnsMessage): string {
  const e = reply.edns!;
  let s = `;; OPT PSEUDOSECTION:\n; EDNS: version: ${e.version}, flags:${e.do ? ' do' : ''}; udp: ${e.udpSize}\n`;
  for (const o of e.options) {
    if (o.code === EdnsOption.COOKIE) {
      const sent = query.edns?.options.find((q) => q.code === EdnsOption.COOKIE);
      const echoed = o.data.length === 8 && sent !== undefined && hex(sent.data) === hex(o.data);
      s += `; COOKIE: ${hex(o.data)}${echoed ? ' (echoed)' : o.data.length > 8 ? ' (good)' : ''}\n`;
    } else if (o.code === EdnsOption.EDE && o.data.length >= 2) {
      const code = (o.data[0] << 8) | o.data[1];
      const text = new TextDecoder().decode(o.data.subarray(2));
      s += `; EDE: ${code}${EDE_NAMES[code] ? ` (${EDE_NAMES[code]})` : ''}${text ? `: (${text})` : ''}\n`;
    } else if (o.code === EdnsOption.NSID) s += `; NSID: ${hex(o.data)}\n`;
    else s += `; OPT=${o.code}: ${hex(o.data)}\n`;
  }
  return s;
}

function sectionText(title: string, rrs: DnsRR[], comments: boolean): string {
  if (rrs.length === 0) return '';
  let s = comments ? `;; ${title} SECTION:\n` : '';
  for (const rr of rrs) s += `${recordLine(rr)}\n`;
  return comments ? `${s}\n` : s;
}

/** The whole printout of one reply, as dig.c printmessage() writes it. */
export function digMessage(e: Extract<LookupEvent, { kind: 'reply' }>, l: Lookup, now: number): string {
  const { reply: r, query: q } = e;
  const d = l.display;
  let s = '';
  if (d.comments) {
    const flags = (['qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd'] as const).filter((f) => r[f]).map((f) => ` ${f}`).join('');
    s += ';; Got answer:\n';
    s += `;; ->>HEADER<<- opcode: ${opcodeName(r.opcode)}, status: ${rcodeName(r.rcode)}, id: ${r.id}\n`;
    s += `;; flags:${flags}; QUERY: ${r.question.length}, ANSWER: ${r.answer.length}, AUTHORITY: ${r.authority.length}, ADDITIONAL: ${r.additional.length + (r.edns ? 1 : 0)}\n`;
    if (q.rd && !r.ra && r.opcode === 0) s += ';; WARNING: recursion requested but not available\n';
    s += '\n';
    if (r.edns) s += optLines(r, q);
  }
  if (d.question) {
    if (d.comments) s += ';; QUESTION SECTION:\n';
    for (const qq of r.question) s += `${questionLine(qq)}\n`;
    if (d.comments) s += '\n';
  }
  if (d.answer) s += sectionText('ANSWER', r.answer, d.comments);
  if (d.authority) s += sectionText('AUTHORITY', r.authority, d.comments);
  if (d.additional) s += sectionText('ADDITIONAL', r.additional, d.comments);
  if (d.stats) {
    s += `;; Query time: ${Math.floor(e.rttMs)} msec\n`;
    s += `;; SERVER: ${e.server.address}#${e.port}(${e.server.userarg}) (${e.proto.toUpperCase()})\n`;
    s += `;; WHEN: ${whenText(now)}\n`;
    s += `;; MSG SIZE  rcvd: ${e.size}\n\n`;
  }
  return s;
}

/** dig ARGS: returns what it prints and its exit status. */
export function* dig(argv: string[], host: DigHost): DnsIo<DigResult> {
  const p = parseArgs(argv, host);
  if (!p.ok) return { stdout: '', stderr: p.stderr, exit: p.exit };
  const rc = parseResolvConf(host.resolvConf, host.hostname);
  const servers = p.servers ?? (rc.nameservers.length ? rc.nameservers : ['127.0.0.1']).map((a) => ({ userarg: a, address: a }));
  let banner = `\n; <<>> ${DIG_VERSION} <<>> ${argv.join(' ')}\n${p.servers ? '; (1 server found)\n' : ''};; global options: +cmd\n`;
  let out = '';
  let exit = 0;
  // a refused TCP connection says "no servers could be reached" at once, each time
  let tcpRefused = false;
  const printBanner = (l: Lookup) => {
    if (!p.short && l.display.cmd && banner) out += banner;
    banner = '';
  };
  for (const l of p.lookups) {
    const emit = (e: LookupEvent) => {
      switch (e.kind) {
        case 'reply':
          if (!e.final && !l.showsearch) return;
          if (p.short) {
            if (l.display.answer) for (const rr of e.reply.answer) out += `${rdataText(rr.data)}\n`;
            return;
          }
          // +showsearch prints each step with its own banner (dig requeues the lookup with it)
          if (l.showsearch && l.display.cmd) out += `\n; <<>> ${DIG_VERSION} <<>> ${argv.join(' ')}\n${p.servers ? '; (1 server found)\n' : ''};; global options: +cmd\n`;
          else printBanner(l);
          out += digMessage(e, l, host.now());
          return;
        case 'commError':
          if (e.proto === 'tcp' && e.error === 'connection refused') {
            out += `;; Connection to ${e.server.address}#${e.port}(${e.server.userarg}) for ${l.spec.name} failed: connection refused.\n;; no servers could be reached\n`;
            tcpRefused = true;
          } else out += `;; communications error to ${e.server.address}#${e.port}: ${e.error}\n`;
          return;
        case 'truncated':
          out += ';; Truncated, retrying in TCP mode.\n';
          return;
        case 'noServers':
          if (tcpRefused) return;
          printBanner(l);
          out += ';; no servers could be reached\n';
      }
    };
    const ok = yield* runLookup(l.spec, servers, host.rnd, emit);
    if (!ok) exit = 9;
  }
  return { stdout: out, stderr: '', exit };
}

