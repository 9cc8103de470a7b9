/**
 * The hosts plugin (plugin/hosts): A, AAAA and PTR answers from a hosts file (/etc/hosts of the
 * CoreDNS container unless another is named) and from entries written inline in its block, TTL
 * 3600 unless `ttl` says otherwise. A name it does not know goes on with `fallthrough`; without it
 * the answer is SERVFAIL (hosts has no SOA to make an NXDOMAIN with).
 */
import { DnsClass, DnsType, isSubdomain, replyTo, fqdn, type DnsRR } from '../../../engine/wire/dns';
import type { Dispenser } from '../corefile';
import type { DnsIo } from '../io';
import { fallthroughZones, pluginError, zoneArg } from '../kubernetesSetup';
import type { CoreDnsEnv, DnsRequest, DnsResult, Handler, Next } from './chain';

export interface HostsConfig {
  path: string;
  zones: string[];
  inline: string[];
  ttl: number;
  reverse: boolean;
  fallthrough: string[] | null;
}

export function parseHosts(d: Dispenser): HostsConfig {
  const cfg: HostsConfig = { path: '/etc/hosts', zones: d.keys.map(zoneArg), inline: [], ttl: 3600, reverse: true, fallthrough: null };
  let n = 0;
  while (d.next()) {
    if (n++ > 0) throw pluginError('hosts', 'this plugin can only be used once per Server Block');
    const args = d.remainingArgs();
    if (args.length >= 1) {
      cfg.path = args[0];
      if (args.length > 1) cfg.zones = args.slice(1).map(zoneArg);
    }
    while (d.nextBlock()) {
      const prop = d.val();
      switch (prop) {
        case 'fallthrough':
          cfg.fallthrough = fallthroughZones(d.remainingArgs());
          break;
        case 'no_reverse':
          cfg.reverse = false;
          break;
        case 'ttl': {
          const a = d.remainingArgs();
          if (a.length < 1) throw pluginError('hosts', d.errf('ttl needs a time in second'));
          if (!/^-?\d+$/.test(a[0])) throw pluginError('hosts', d.errf('ttl needs a number of second'));
          const t = Number(a[0]);
          if (t <= 0 || t > 65535) throw pluginError('hosts', d.errf('ttl provided is invalid'));
          cfg.ttl = t;
          break;
        }
        case 'reload':
          d.remainingArgs();
          break;
        default:
          if (cfg.fallthrough === null) {
            cfg.inline.push([prop, ...d.remainingArgs()].join(' '));
            break;
          }
          throw pluginError('hosts', d.errf(`unknown property '${prop}'`));
      }
    }
  }
  return cfg;
}

interface HostsMap {
  v4: Map<string, string[]>;
  v6: Map<string, string[]>;
  byAddr: Map<string, string[]>;
}

/** hostsfile.go parse: "IP name [alias...]" lines, # comments, names lower-cased and absolute. */
function parseHostsText(text: string): HostsMap {
  const m: HostsMap = { v4: new Map(), v6: new Map(), byAddr: new Map() };
  const add = (map: Map<string, string[]>, k: string, v: string) => {
    const l = map.get(k) ?? [];
    if (!l.includes(v)) l.push(v);
    map.set(k, l);
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [ip, ...names] = line.split(/\s+/);
    if (names.length === 0) continue;
    const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
    if (!v4 && !ip.includes(':')) continue;
    for (const n of names) {
      const name = fqdn(n.toLowerCase());
      add(v4 ? m.v4 : m.v6, name, ip);
      add(m.byAddr, ip, name);
    }
  }
  return m;
}

export class HostsPlugin implements Handler {
  readonly name = 'hosts';
  private readonly inline: HostsMap;

  constructor(
    readonly cfg: HostsConfig,
    private readonly env: CoreDnsEnv,
  ) {
    this.inline = parseHostsText(cfg.inline.join('\n'));
  }

  /** the file is read on every question: an edit shows at once (the plugin's reload, sped up) */
  private maps(): HostsMap[] {
    return [parseHostsText(this.env.readFile(this.cfg.path) ?? ''), this.inline];
  }

  *serve(req: DnsRequest, next: Next): DnsIo<DnsResult> {
    const q = req.msg.question[0];
    const qname = q.name.toLowerCase();
    const inZone = this.cfg.zones.some((z) => isSubdomain(qname, z));
    if (!inZone && q.type !== DnsType.PTR) return yield* next(req);
    const maps = this.maps();
    const rr = (type: number, data: DnsRR['data']): DnsRR => ({ name: qname, type, class: DnsClass.IN, ttl: this.cfg.ttl, data });
    let answer: DnsRR[] = [];
    if (q.type === DnsType.PTR) {
      const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa\.$/.exec(qname);
      const ip = m ? `${m[4]}.${m[3]}.${m[2]}.${m[1]}` : '';
      const names = this.cfg.reverse ? maps.flatMap((x) => x.byAddr.get(ip) ?? []) : [];
      if (names.length === 0) return yield* next(req);
      answer = names.map((n) => rr(DnsType.PTR, { kind: 'NAME', target: n }));
    } else if (q.type === DnsType.A) {
      answer = maps.flatMap((x) => x.v4.get(qname) ?? []).map((a) => rr(DnsType.A, { kind: 'A', address: a }));
    } else if (q.type === DnsType.AAAA) {
      answer = maps.flatMap((x) => x.v6.get(qname) ?? []).map((a) => rr(DnsType.AAAA, { kind: 'AAAA', address: a }));
    }
    const known = maps.some((x) => x.v4.has(qname) || x.v6.has(qname));
    if (answer.length === 0 && !known) {
      const f = this.cfg.fallthrough;
      if (f !== null && (f.length === 0 || f.some((z) => isSubdomain(qname, z)))) return yield* next(req);
      return { msg: null, rcode: 2 };
    }
    const m = replyTo(req.msg);
    m.aa = true;
    m.answer = answer;
    return { msg: m, rcode: 0 };
  }
}
