/**
 * The Kubernetes DNS specification's records (kubernetes/dns docs/specification.md, schema
 * 1.1.0), each example asked of a CoreDNS running kubeadm's Corefile over a cluster store, and
 * the NXDOMAIN/NODATA distinctions as CoreDNS makes them.
 */
import { describe, expect, it } from 'vitest';
import { DnsType, Rcode, dnsMessage, type DnsMessage, type DnsRR } from '../../engine/wire/dns';
import { runDnsIo, type DnsExchange, type DnsOutcome } from './io';
import { ClusterIndex } from './cluster';
import { CoreDns } from './coredns/server';
import { kubeadmCorefile } from './kubeadm';
import { MemoryStore, pod, slice, specCluster, svc } from './testkit.test-data';
import { rdataText } from '../../commands/dns/text';

interface Lab {
  core: CoreDns;
  store: MemoryStore;
  logs: string[];
  upstream: (x: DnsExchange) => DnsOutcome;
}

function lab(corefile = kubeadmCorefile(), store = specCluster()): Lab {
  const logs: string[] = [];
  let seed = 7;
  const l: Lab = {
    store,
    logs,
    core: new CoreDns({
      now: () => 0,
      random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
      log: (line) => logs.push(line),
      readFile: (p) => (p === '/etc/resolv.conf' ? 'nameserver 192.168.1.1\n' : p === '/etc/hosts' ? '127.0.0.1\tlocalhost\n' : undefined),
      index: new ClusterIndex(store),
      localIPs: ['10.244.1.2'],
    }),
    // an outside server that knows www.example.com and nothing else
    upstream: (x) => {
      const q = x.query.question[0];
      const r: DnsMessage = { ...x.query, qr: true, ra: true, answer: [], rcode: Rcode.NXDOMAIN };
      if (q.name === 'www.example.com.' && q.type === DnsType.A) {
        r.rcode = 0;
        r.answer = [{ name: q.name, type: DnsType.A, class: 1, ttl: 300, data: { kind: 'A', address: '192.0.2.53' } }];
      }
      return { kind: 'reply', reply: r, size: 64, rttMs: 1 };
    },
  };
  l.core.start(corefile);
  return l;
}

function ask(l: Lab, name: string, type: number = DnsType.A, edns = false): DnsMessage {
  const q = dnsMessage({ id: 42, rd: true, question: [{ name, type, class: 1 }] });
  if (edns) q.edns = { udpSize: 1232, version: 0, do: false, options: [] };
  return runDnsIo(l.core.serve(q, { ip: '10.244.2.9', port: 40000, proto: 'udp' }, 53), l.upstream)!;
}

const lines = (rrs: DnsRR[]) => rrs.map((r) => `${r.name} ${r.ttl} ${DnsType.A === r.type ? 'A' : Object.entries(DnsType).find(([, v]) => v === r.type)![0]} ${rdataText(r.data)}`);

describe('records for a Service with a ClusterIP (spec 2.3)', () => {
  const l = lab();
  it('A: <service>.<ns>.svc.<zone>, authoritative, with the configured TTL', () => {
    const r = ask(l, 'kubernetes.default.svc.cluster.local.');
    expect(r).toMatchObject({ rcode: 0, aa: true, qr: true, rd: true, ra: false });
    expect(lines(r.answer)).toEqual(['kubernetes.default.svc.cluster.local. 30 A 10.96.0.1']);
  });

  it('SRV: one per named port, priority 0, the Service as target and its A record in additional', () => {
    const r = ask(l, '_https._tcp.kubernetes.default.svc.cluster.local.', DnsType.SRV);
    expect(lines(r.answer)).toEqual(['_https._tcp.kubernetes.default.svc.cluster.local. 30 SRV 0 100 443 kubernetes.default.svc.cluster.local.']);
    expect(lines(r.additional)).toEqual(['kubernetes.default.svc.cluster.local. 30 A 10.96.0.1']);
    // an unnamed port has no _port._proto name; the protocol must match
    expect(ask(l, '_http._udp.web.default.svc.cluster.local.', DnsType.SRV).rcode).toBe(Rcode.NXDOMAIN);
    // asked without _port._proto, every port answers (CoreDNS), weights sharing 100
    expect(lines(ask(l, 'web.default.svc.cluster.local.', DnsType.SRV).answer)).toEqual([
      'web.default.svc.cluster.local. 30 SRV 0 50 80 web.default.svc.cluster.local.',
      'web.default.svc.cluster.local. 30 SRV 0 50 8443 web.default.svc.cluster.local.',
    ]);
  });

  it('PTR: the ClusterIP names its Service', () => {
    expect(lines(ask(l, '1.0.96.10.in-addr.arpa.', DnsType.PTR).answer)).toEqual(['1.0.96.10.in-addr.arpa. 30 PTR kubernetes.default.svc.cluster.local.']);
  });

  it('a ClusterIP Service has no AAAA (NODATA) and its endpoints are reachable by name too', () => {
    const r = ask(l, 'web.default.svc.cluster.local.', DnsType.AAAA);
    expect(r.rcode).toBe(Rcode.NOERROR);
    expect(r.answer).toEqual([]);
    expect(lines(r.authority)).toEqual([expect.stringMatching(/^cluster\.local\. 30 SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 30$/)]);
    expect(lines(ask(l, '10-244-2-5.web.default.svc.cluster.local.').answer)).toEqual(['10-244-2-5.web.default.svc.cluster.local. 30 A 10.244.2.5']);
  });
});

describe('records for a headless Service (spec 2.4)', () => {
  const l = lab(kubeadmCorefile().replace('    loadbalance\n', ''));
  it('A: one per ready endpoint; none ready is NXDOMAIN', () => {
    expect(lines(ask(l, 'headless.default.svc.cluster.local.').answer)).toEqual([
      'headless.default.svc.cluster.local. 30 A 10.244.1.5',
      'headless.default.svc.cluster.local. 30 A 10.244.2.6',
      'headless.default.svc.cluster.local. 30 A 10.244.3.7',
    ]);
    expect(ask(l, 'empty-headless.default.svc.cluster.local.').rcode).toBe(Rcode.NXDOMAIN);
  });

  it('<hostname>.<service>: the endpoint with that hostname; a not-ready one does not exist', () => {
    expect(lines(ask(l, 'my-pet.headless.default.svc.cluster.local.').answer)).toEqual(['my-pet.headless.default.svc.cluster.local. 30 A 10.244.1.5']);
    expect(ask(l, 'not-ready.headless.default.svc.cluster.local.').rcode).toBe(Rcode.NXDOMAIN);
  });

  it('SRV: one per ready endpoint and named port, the endpoint as target, its address in additional', () => {
    const r = ask(l, '_https._tcp.headless.default.svc.cluster.local.', DnsType.SRV);
    expect(lines(r.answer)).toEqual([
      '_https._tcp.headless.default.svc.cluster.local. 30 SRV 0 33 443 my-pet.headless.default.svc.cluster.local.',
      '_https._tcp.headless.default.svc.cluster.local. 30 SRV 0 33 443 my-pet-2.headless.default.svc.cluster.local.',
      '_https._tcp.headless.default.svc.cluster.local. 30 SRV 0 33 443 10-244-3-7.headless.default.svc.cluster.local.',
    ]);
    expect(lines(r.additional)).toEqual([
      'my-pet.headless.default.svc.cluster.local. 30 A 10.244.1.5',
      'my-pet-2.headless.default.svc.cluster.local. 30 A 10.244.2.6',
      '10-244-3-7.headless.default.svc.cluster.local. 30 A 10.244.3.7',
    ]);
  });

  it('PTR: a ready endpoint names itself under its Service', () => {
    expect(lines(ask(l, '5.1.244.10.in-addr.arpa.', DnsType.PTR).answer)).toEqual(['5.1.244.10.in-addr.arpa. 30 PTR my-pet.headless.default.svc.cluster.local.']);
  });

  it('publishNotReadyAddresses publishes the endpoints that are not ready', () => {
    const store = specCluster();
    store.put(svc('default', 'empty-headless', { clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'x', port: 1 }] }));
    expect(lines(ask(lab(kubeadmCorefile(), store), 'empty-headless.default.svc.cluster.local.').answer)).toEqual(['empty-headless.default.svc.cluster.local. 30 A 10.244.3.9']);
  });
});

describe('ExternalName, schema version, pods, and names that do not exist', () => {
  const l = lab();
  it('ExternalName: a CNAME, followed by the target\'s addresses from upstream or from the zone', () => {
    // `cache 30` gives every record of the reply one TTL, 30 at most
    expect(lines(ask(l, 'foo.default.svc.cluster.local.').answer)).toEqual(['foo.default.svc.cluster.local. 30 CNAME www.example.com.', 'www.example.com. 30 A 192.0.2.53']);
    const uncached = lab(kubeadmCorefile().replace('    cache 30\n', ''));
    expect(lines(ask(uncached, 'foo.default.svc.cluster.local.').answer)).toEqual(['foo.default.svc.cluster.local. 30 CNAME www.example.com.', 'www.example.com. 300 A 192.0.2.53']);
    expect(lines(ask(l, 'alias.default.svc.cluster.local.').answer)).toEqual(['alias.default.svc.cluster.local. 30 CNAME kubernetes.default.svc.cluster.local.', 'kubernetes.default.svc.cluster.local. 30 A 10.96.0.1']);
    expect(lines(ask(l, 'foo.default.svc.cluster.local.', DnsType.CNAME).answer)).toEqual(['foo.default.svc.cluster.local. 30 CNAME www.example.com.']);
  });

  it('dns-version TXT (spec 2.2) carries the schema version', () => {
    const uncached = lab(kubeadmCorefile().replace('    cache 30\n', ''));
    expect(lines(ask(uncached, 'dns-version.cluster.local.', DnsType.TXT).answer)).toEqual(['dns-version.cluster.local. 28800 TXT "1.1.0"']);
    expect(lines(ask(l, 'dns-version.cluster.local.', DnsType.TXT).answer)).toEqual(['dns-version.cluster.local. 30 TXT "1.1.0"']);
  });

  it('pods insecure: a-b-c-d.<ns>.pod.<zone> answers any address in a namespace that exists', () => {
    expect(lines(ask(l, '10-244-9-9.default.pod.cluster.local.').answer)).toEqual(['10-244-9-9.default.pod.cluster.local. 30 A 10.244.9.9']);
    expect(ask(l, '10-244-9-9.nosuchns.pod.cluster.local.').rcode).toBe(Rcode.NXDOMAIN);
    expect(ask(l, '10-244-9-999.default.pod.cluster.local.').rcode).toBe(Rcode.NXDOMAIN);
  });

  it('pods verified answers only a pod that has the address in that namespace; disabled answers none', () => {
    const v = lab(kubeadmCorefile().replace('pods insecure', 'pods verified'));
    expect(ask(v, '10-244-2-5.default.pod.cluster.local.').answer).toHaveLength(1);
    expect(ask(v, '10-244-2-5.prod.pod.cluster.local.').rcode).toBe(Rcode.NXDOMAIN);
    const d = lab(kubeadmCorefile().replace('pods insecure', 'pods disabled'));
    expect(ask(d, '10-244-2-5.default.pod.cluster.local.').rcode).toBe(Rcode.NXDOMAIN);
  });

  it('NXDOMAIN for names that do not exist, with the SOA; NODATA for names that do', () => {
    const nx = ask(l, 'nope.default.svc.cluster.local.');
    expect(nx).toMatchObject({ rcode: Rcode.NXDOMAIN, aa: true, answer: [] });
    expect(nx.authority.map((r) => r.type)).toEqual([DnsType.SOA]);
    for (const n of ['data.nosuchns.svc.cluster.local.', 'a.b.c.d.default.svc.cluster.local.', 'default.cluster.local.', 'kubernetes.default.svc.cluster.local.default.svc.cluster.local.']) {
      expect([n, ask(l, n).rcode]).toEqual([n, Rcode.NXDOMAIN]);
    }
    for (const n of ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', 'prod.svc.cluster.local.']) {
      const r = ask(l, n);
      expect([n, r.rcode, r.answer.length]).toEqual([n, Rcode.NOERROR, 0]);
    }
    // TXT is answered only for dns-version: any other name in the zone is NODATA
    expect(ask(l, 'web.default.svc.cluster.local.', DnsType.TXT)).toMatchObject({ rcode: 0, answer: [] });
  });

  it('names compare without regard to case, and answers keep the case of the question', () => {
    const l = lab();
    expect(lines(ask(l, 'Kubernetes.DEFAULT.svc.Cluster.Local.').answer)).toEqual(['Kubernetes.DEFAULT.svc.Cluster.Local. 30 A 10.96.0.1']);
    expect(ask(l, 'nope.default.svc.Cluster.Local.').authority[0].name).toBe('Cluster.Local.');
  });

  it('a custom cluster domain is the zone', () => {
    const c = lab(kubeadmCorefile('lab.example'));
    expect(lines(ask(c, 'web.default.svc.lab.example.').answer)).toEqual(['web.default.svc.lab.example. 30 A 10.96.0.20']);
    expect(lines(ask(c, '20.0.96.10.in-addr.arpa.', DnsType.PTR).answer)).toEqual(['20.0.96.10.in-addr.arpa. 30 PTR web.default.svc.lab.example.']);
  });

  it('an address outside the cluster falls through in-addr.arpa to forward', () => {
    const seen: string[] = [];
    const up = l.upstream;
    l.upstream = (x) => {
      seen.push(`${x.server}#${x.port} ${x.query.question[0].name}`);
      return up(x);
    };
    expect(ask(l, '8.8.8.8.in-addr.arpa.', DnsType.PTR).rcode).toBe(Rcode.NXDOMAIN);
    expect(seen).toEqual(['192.168.1.1#53 8.8.8.8.in-addr.arpa.']);
    l.upstream = up;
  });

  it('the store is watched: a new Service answers at once', () => {
    l.store.put(svc('default', 'late', { clusterIP: '10.96.0.99', ports: [{ name: 'http', port: 80 }] }));
    expect(lines(ask(l, 'late.default.svc.cluster.local.').answer)).toEqual(['late.default.svc.cluster.local. 30 A 10.96.0.99']);
    l.store.put(slice('default', 'headless', [{ ip: '10.244.1.5', hostname: 'my-pet' }], [{ name: 'https', port: 443 }]));
    l.store.put(pod('default', 'x', '10.244.7.7'));
  });

  it('NS for the zone names the kube-dns Service, with its address in additional', () => {
    const r = ask(l, 'cluster.local.', DnsType.NS);
    expect(lines(r.answer)).toEqual(['cluster.local. 30 NS kube-dns.kube-system.svc.cluster.local.']);
    expect(lines(r.additional)).toEqual(['kube-dns.kube-system.svc.cluster.local. 30 A 10.96.0.10']);
  });

  it('a cached answer keeps its TTL and is still authoritative', () => {
    const first = ask(l, 'foo.default.svc.cluster.local.');
    const again = ask(l, 'foo.default.svc.cluster.local.');
    expect(again.answer).toEqual(first.answer);
    // cache 30 caps the upstream's 300: every record of the reply carries the one TTL
    expect(first.answer.map((r) => r.ttl)).toEqual([30, 30]);
    expect(again.aa).toBe(true);
  });
});

describe('MemoryStore fixture', () => {
  it('satisfies the reader the cluster index needs', () => {
    const s = new MemoryStore();
    const idx = new ClusterIndex(s);
    expect(idx.hasNamespace('default')).toBe(false);
  });
});
