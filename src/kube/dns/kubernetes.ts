/**
 * CoreDNS's kubernetes plugin: the records of the Kubernetes DNS specification (kubernetes/dns
 * docs/specification.md, schema 1.1.0) answered the way CoreDNS answers them (plugin/kubernetes:
 * parse.go, kubernetes.go, reverse.go, ns.go, and plugin/backend_lookup.go):
 *
 *   <svc>.<ns>.svc.<zone>            A: the ClusterIP; headless: every ready endpoint; ExternalName: CNAME
 *   <host>.<svc>.<ns>.svc.<zone>     A: the endpoint with that hostname (or its dashed IP)
 *   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV 0 <weight> <port> <target>, targets' A in additional
 *   <d>.<c>.<b>.<a>.in-addr.arpa     PTR: the Service of a ClusterIP, or the endpoint's name
 *   <a>-<b>-<c>-<d>.<ns>.pod.<zone>  A, per `pods insecure | verified` (none when `disabled`)
 *   dns-version.<zone>               TXT "1.1.0"
 *
 * A name that does not exist is NXDOMAIN; one that exists without records of the asked type is
 * NODATA (NOERROR, empty answer); both carry the zone's SOA, and every answer is authoritative.
 */
import { DnsClass, DnsType, Rcode, fqdn, isSubdomain, replyTo, sameName, type DnsMessage, type DnsRR, type DnsRdata } from '../../engine/wire/dns';
import type { DnsIo } from './io';
import { clusterIPs, isHeadless, type ClusterIndex, type EndpointAddr } from './cluster';
import type { KubernetesConfig } from './kubernetesSetup';

export const DNS_SCHEMA_VERSION = '1.1.0';

/** Why a name does not exist (CoreDNS's errNoItems, errNsNotExposed, errInvalidRequest). */
class NameError {
  constructor(readonly why: 'no items' | 'namespace not exposed' | 'invalid query name') {}
}

/** A found record source, as CoreDNS's msg.Service: an address or a name, a port, the owner name. */
interface Found {
  host: string;
  port: number;
  /** the name this entry stands for (SRV targets, PTR names) */
  domain: string;
  ttl: number;
  text?: string;
}

export interface KubernetesContext {
  index: ClusterIndex;
  /** the CoreDNS pod's own addresses (for NS records) */
  localIPs: string[];
  /** seconds since the epoch of the last change the caches saw (SOA serial) */
  serial(): number;
  /** resolve a name outside the zone through the whole server (ExternalName targets) */
  upstream(name: string, type: number): DnsIo<DnsMessage | null>;
}

export type PluginResult = { kind: 'reply'; msg: DnsMessage } | { kind: 'next' } | { kind: 'error'; rcode: number; error: string };

const isIPv4 = (s: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) && s.split('.').every((p) => Number(p) <= 255);
const isIP = (s: string): boolean => isIPv4(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
const hostType = (h: string): number => (isIPv4(h) ? DnsType.A : isIP(h) ? DnsType.AAAA : DnsType.CNAME);
const rr = (name: string, type: number, ttl: number, data: DnsRdata): DnsRR => ({ name, type, class: DnsClass.IN, ttl, data });
const addrRR = (name: string, f: Found): DnsRR => (hostType(f.host) === DnsType.A ? rr(name, DnsType.A, f.ttl, { kind: 'A', address: f.host }) : rr(name, DnsType.AAAA, f.ttl, { kind: 'AAAA', address: f.host }));
const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The labels of `name` below `zone` (both absolute). */
const labelsBelow = (name: string, zone: string): string[] => {
  const base = zone === '.' ? name : name.slice(0, name.length - zone.length);
  return base.split('.').filter((l) => l !== '');
};

interface Request {
  port: string;
  protocol: string;
  endpoint: string;
  service: string;
  namespace: string;
  podOrSvc: string;
}

/** parse.go parseRequest: [_port._proto. | endpoint.]service.namespace.(svc|pod).zone */
function parseRequest(name: string, zone: string): Request {
  const r: Request = { port: '', protocol: '', endpoint: '', service: '', namespace: '', podOrSvc: '' };
  const segs = labelsBelow(name, zone);
  const base = segs.join('.');
  if (base === '' || base === 'svc' || base === 'pod') return r;
  let last = segs.length - 1;
  r.podOrSvc = segs[last];
  if (r.podOrSvc !== 'pod' && r.podOrSvc !== 'svc') throw new NameError('invalid query name');
  if (--last < 0) return r;
  r.namespace = segs[last];
  if (--last < 0) return r;
  r.service = segs[last];
  if (--last < 0) return r;
  if (last === 0) r.endpoint = segs[0];
  else if (last === 1) {
    r.protocol = segs[1].replace(/^_/, '');
    r.port = segs[0].replace(/^_/, '');
  } else throw new NameError('invalid query name');
  return r;
}

const matchPortProto = (aPort: string, bPort: string, aProto: string, bProto: string): boolean => (aPort === '' || eq(aPort, bPort)) && (aProto === '' || eq(aProto, bProto));

function endpointHostname(a: EndpointAddr, podNames: boolean): string {
  if (a.hostname) return a.hostname;
  if (podNames && a.targetRefName) return a.targetRefName;
  return a.ip.includes('.') ? a.ip.replaceAll('.', '-') : a.ip.replaceAll(':', '-');
}

export class KubernetesPlugin {
  constructor(
    readonly cfg: KubernetesConfig,
    private readonly ctx: KubernetesContext,
  ) {}

  private exposed(ns: string): boolean {
    return (this.cfg.namespaces.size === 0 || this.cfg.namespaces.has(ns)) && this.ctx.index.hasNamespace(ns);
  }

  private svcDomain(svc: string, ns: string, zone: string): string {
    return `${svc}.${ns}.svc.${zone}`;
  }

  private findServices(r: Request, zone: string): Found[] {
    if (r.service === '') return [];
    let found = false;
    const out: Found[] = [];
    const ttl = this.cfg.ttl;
    for (const svc of this.ctx.index.service(r.namespace, r.service)) {
      const name = svc.metadata.name;
      const ns = svc.metadata.namespace ?? 'default';
      const domain = this.svcDomain(name, ns, zone);
      if (this.cfg.ignoreEmptyService && svc.spec.type !== 'ExternalName' && !isHeadless(svc)) {
        if (!this.ctx.index.endpointsOf(ns, name).some((e) => e.addresses.length > 0)) continue;
      }
      if (svc.spec.type === 'ExternalName') {
        if (r.endpoint !== '') continue;
        const host = svc.spec.externalName ?? '';
        if (hostType(host) === DnsType.CNAME && host !== '') {
          out.push({ host, port: 0, domain, ttl });
          found = true;
        }
        continue;
      }
      if (isHeadless(svc) || r.endpoint !== '') {
        for (const set of this.ctx.index.endpointsOf(ns, name)) {
          const ports = set.ports.length ? set.ports : [{ name: '', port: -1, protocol: '' }];
          for (const a of set.addresses) {
            const hn = endpointHostname(a, this.cfg.endpointPodNames);
            if (r.endpoint !== '' && !eq(r.endpoint, hn)) continue;
            for (const p of ports) {
              if (!matchPortProto(r.port, p.name, r.protocol, p.protocol)) continue;
              out.push({ host: a.ip, port: p.port, domain: `${hn}.${domain}`, ttl });
              found = true;
            }
          }
        }
        continue;
      }
      for (const p of svc.spec.ports ?? []) {
        if (!matchPortProto(r.port, p.name ?? '', r.protocol, p.protocol ?? 'TCP')) continue;
        found = true;
        for (const ip of clusterIPs(svc)) out.push({ host: ip, port: p.port, domain, ttl });
      }
    }
    if (!found) throw new NameError('no items');
    return out;
  }

  private findPods(r: Request, zone: string): Found[] {
    if (this.cfg.podMode === 'disabled' || !this.exposed(r.namespace)) throw new NameError('no items');
    const podname = r.service;
    if (podname === '') return [];
    const ip = (podname.match(/-/g)?.length ?? 0) === 3 && !podname.includes('--') ? podname.replaceAll('-', '.') : podname.replaceAll('-', ':');
    const domain = `${podname}.${r.namespace}.pod.${zone}`;
    if (this.cfg.podMode === 'insecure') {
      if (!isIP(ip)) throw new NameError('no items');
      return [{ host: ip, port: 0, domain, ttl: this.cfg.ttl }];
    }
    const pods = this.ctx.index.podsWithIP(ip).filter((p) => eq(p.metadata.namespace ?? 'default', r.namespace));
    if (pods.length === 0) throw new NameError('no items');
    return pods.map(() => ({ host: ip, port: 0, domain, ttl: this.cfg.ttl }));
  }

  /** kubernetes.go Records */
  private records(name: string, zone: string): Found[] {
    const r = parseRequest(name, zone);
    if (r.podOrSvc === '') return [];
    if (isSubdomain(name, 'in-addr.arpa.') || isSubdomain(name, 'ip6.arpa.')) throw new NameError('no items');
    if (!this.exposed(r.namespace)) throw new NameError('namespace not exposed');
    return r.podOrSvc === 'pod' ? this.findPods(r, zone) : this.findServices(r, zone);
  }

  /** ns.go nsAddrs: the Service (or endpoints) in front of this CoreDNS, or its own address */
  private nsAddrs(zone: string): Found[] {
    const out: Found[] = [];
    for (const ip of this.ctx.localIPs) {
      for (const set of this.ctx.index.endpointsWithIP(ip)) {
        for (const svc of this.ctx.index.service(set.namespace, set.service)) {
          const domain = this.svcDomain(svc.metadata.name, svc.metadata.namespace ?? 'default', zone);
          if (isHeadless(svc)) for (const a of set.addresses) out.push({ host: a.ip, port: 0, domain: `${endpointHostname(a, this.cfg.endpointPodNames)}.${domain}`, ttl: this.cfg.ttl });
          else for (const cip of clusterIPs(svc)) out.push({ host: cip, port: 0, domain, ttl: this.cfg.ttl });
        }
      }
    }
    if (out.length === 0) for (const ip of this.ctx.localIPs) out.push({ host: ip, port: 0, domain: `ns.dns.${zone}`, ttl: this.cfg.ttl });
    const seen = new Set<string>();
    return out.filter((f) => !seen.has(f.host) && !!seen.add(f.host));
  }

  /** kubernetes.go Services: what backend_lookup builds records from */
  private services(name: string, qtype: number, zone: string): Found[] {
    if (qtype === DnsType.TXT) {
      const segs = labelsBelow(name, zone);
      if (segs.length !== 1 || segs[0] !== 'dns-version') return [];
      return [{ host: '', port: 0, domain: name, ttl: 28800, text: DNS_SCHEMA_VERSION }];
    }
    if (qtype === DnsType.NS) return this.nsAddrs(zone);
    if (eq(name, `ns.dns.${zone}`)) {
      return this.nsAddrs(zone)
        .filter((f) => hostType(f.host) === qtype)
        .map((f) => ({ ...f, domain: name }));
    }
    const found = this.records(name, zone);
    return qtype === DnsType.SRV ? found.filter((f) => hostType(f.host) !== DnsType.CNAME) : found;
  }

  /** backend_lookup.go A/AAAA, following CNAMEs inside the zone and asking upstream outside it */
  private *address(qname: string, qtype: number, zone: string, previous: DnsRR[]): DnsIo<DnsRR[]> {
    const name = qname.toLowerCase();
    let found: Found[];
    if (eq(name, zone)) {
      try {
        found = this.services(`apex.dns.${zone}`, qtype, zone);
      } catch {
        found = this.services(name, qtype, zone);
      }
    } else found = this.services(name, qtype, zone);
    const out: DnsRR[] = [];
    const dup = new Set<string>();
    for (const f of found) {
      const t = hostType(f.host);
      if (t === DnsType.CNAME) {
        const target = fqdn(f.host);
        if (sameName(name, target)) continue;
        const cname = rr(qname, DnsType.CNAME, f.ttl, { kind: 'NAME', target });
        if (previous.length > 7 || previous.some((p) => p.type === DnsType.CNAME && p.data.kind === 'NAME' && sameName(p.data.target, target))) continue;
        if (isSubdomain(target, zone)) {
          try {
            const next = yield* this.address(target, qtype, zone, [...previous, cname]);
            if (next.length > 0) out.push(cname, ...next);
          } catch (e) {
            if (!(e instanceof NameError)) throw e;
          }
          continue;
        }
        const m = yield* this.ctx.upstream(target, qtype);
        if (m === null) continue;
        out.push(cname, ...m.answer);
        continue;
      }
      if (t === qtype && !dup.has(f.host)) {
        dup.add(f.host);
        out.push(addrRR(qname, f));
      }
    }
    return out;
  }

  /** backend_lookup.go SRV: weights share 100 among records of one priority; targets' addresses go to additional */
  private srv(qname: string, zone: string): { answer: DnsRR[]; extra: DnsRR[] } {
    const found = this.services(qname.toLowerCase(), DnsType.SRV, zone).filter((f) => f.port !== -1);
    const total = found.length * 100;
    const answer: DnsRR[] = [];
    const extra: DnsRR[] = [];
    const seen = new Set<string>();
    for (const f of found) {
      const weight = Math.max(1, Math.floor((100 / total) * 100));
      const target = fqdn(f.domain);
      if (!seen.has(`${target}|${f.port}`)) {
        seen.add(`${target}|${f.port}`);
        answer.push(rr(qname, DnsType.SRV, f.ttl, { kind: 'SRV', priority: 0, weight, port: f.port, target }));
      }
      if (!seen.has(`${target}|${f.host}`)) {
        seen.add(`${target}|${f.host}`);
        extra.push(addrRR(target, f));
      }
    }
    return { answer, extra };
  }

  /** reverse.go: a ClusterIP names its Service, an endpoint address its hostname under the Service */
  private ptr(name: string, zone: string): string[] {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa\.$/.exec(name);
    if (!m) {
      this.records(name, zone);
      return [];
    }
    const ip = `${m[4]}.${m[3]}.${m[2]}.${m[1]}`;
    const primary = this.cfg.primaryZone;
    for (const svc of this.ctx.index.servicesWithIP(ip)) {
      const ns = svc.metadata.namespace ?? 'default';
      if (this.cfg.namespaces.size > 0 && !this.exposed(ns)) continue;
      return [this.svcDomain(svc.metadata.name, ns, primary)];
    }
    const out: string[] = [];
    for (const set of this.ctx.index.endpointsWithIP(ip)) {
      if (this.cfg.namespaces.size > 0 && !this.exposed(set.namespace)) continue;
      for (const a of set.addresses) if (a.ip === ip) out.push(`${endpointHostname(a, this.cfg.endpointPodNames)}.${this.svcDomain(set.service, set.namespace, primary)}`);
    }
    if (out.length === 0) throw new NameError('no items');
    return [...new Set(out)];
  }

  private soa(zone: string): DnsRR {
    const min = this.cfg.ttl;
    return rr(zone, DnsType.SOA, Math.min(300, min), {
      kind: 'SOA', mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial: this.ctx.serial(), refresh: 7200, retry: 1800, expire: 86400, minimum: min,
    });
  }

  private fallsThrough(name: string): boolean {
    const f = this.cfg.fallthrough;
    return f !== null && (f.length === 0 || f.some((z) => isSubdomain(name, z)));
  }

  /** handler.go ServeDNS */
  *serve(query: DnsMessage): DnsIo<PluginResult> {
    const q = query.question[0];
    const qname = q.name;
    const lower = qname.toLowerCase();
    const match = this.cfg.zones.filter((z) => isSubdomain(lower, z)).sort((a, b) => b.length - a.length)[0];
    if (match === undefined) return { kind: 'next' };
    // the zone keeps the case the question was asked in
    const zone = match === '.' ? '.' : qname.slice(qname.length - match.length);
    let answer: DnsRR[] = [];
    let extra: DnsRR[] = [];
    try {
      switch (q.type) {
        case DnsType.A:
        case DnsType.AAAA:
          answer = yield* this.address(qname, q.type, match, []);
          break;
        case DnsType.TXT:
          answer = this.services(lower, DnsType.TXT, match).map((f) => rr(qname, DnsType.TXT, f.ttl, { kind: 'TXT', strings: [f.text!] }));
          break;
        case DnsType.CNAME: {
          const f = this.services(lower, DnsType.CNAME, match)[0];
          if (f && !isIP(f.host)) answer = [rr(qname, DnsType.CNAME, f.ttl, { kind: 'NAME', target: fqdn(f.host) })];
          break;
        }
        case DnsType.PTR:
          answer = this.ptr(lower, match).map((t) => rr(qname, DnsType.PTR, this.cfg.ttl, { kind: 'NAME', target: fqdn(t) }));
          break;
        case DnsType.SRV:
          ({ answer, extra } = this.srv(qname, match));
          break;
        case DnsType.SOA:
          answer = [this.soa(zone)];
          break;
        case DnsType.MX:
          this.services(lower, DnsType.MX, match);
          break;
        case DnsType.NS:
          if (eq(lower, match)) {
            for (const f of this.services(lower, DnsType.NS, match)) {
              const target = fqdn(f.domain);
              if (!answer.some((a) => a.data.kind === 'NAME' && a.data.target === target)) answer.push(rr(qname, DnsType.NS, f.ttl, { kind: 'NAME', target }));
              extra.push(addrRR(target, f));
            }
            break;
          }
          yield* this.address(qname, DnsType.A, match, []);
          break;
        default:
          // a fake A lookup tells NODATA from NXDOMAIN
          yield* this.address(qname, DnsType.A, match, []);
      }
    } catch (e) {
      if (!(e instanceof NameError)) throw e;
      if (this.fallsThrough(lower)) return { kind: 'next' };
      const m = replyTo(query, Rcode.NXDOMAIN);
      m.aa = true;
      m.authority = [this.soa(zone)];
      return { kind: 'reply', msg: m };
    }
    const m = replyTo(query);
    m.aa = true;
    if (answer.length === 0) m.authority = [this.soa(zone)];
    m.answer = answer;
    m.additional = extra;
    return { kind: 'reply', msg: m };
  }
}
