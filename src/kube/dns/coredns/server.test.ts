/**
 * CoreDNS as its Corefile configures it: parse errors word for word, a bad reload that keeps the
 * running file, the log and errors lines, forward giving up with SERVFAIL, hosts, rewrite, and
 * replies fitted to 512 bytes with TC.
 */
import { describe, expect, it } from 'vitest';
import { DnsType, Rcode, dnsLength, dnsMessage, type DnsMessage } from '../../../engine/wire/dns';
import { runDnsIo, type DnsExchange, type DnsOutcome } from '../io';
import { ClusterIndex } from '../cluster';
import { parseCorefile } from '../corefile';
import { CoreDns } from './server';
import { kubeadmCorefile } from '../kubeadm';
import { slice, specCluster, svc } from '../testkit.test-data';
import { rdataText } from '../../../commands/dns/text';

function instance(opts: { upstream?: (x: DnsExchange) => DnsOutcome; clock?: { t: number } } = {}) {
  const logs: string[] = [];
  const store = specCluster();
  const clock = opts.clock ?? { t: 0 };
  const core = new CoreDns({
    now: () => clock.t,
    random: () => 0.5,
    log: (l) => logs.push(l),
    readFile: (p) => (p === '/etc/resolv.conf' ? 'nameserver 192.168.1.1\n' : p === '/etc/hosts' ? '127.0.0.1\tlocalhost\n10.244.1.2\tcoredns-a\n' : undefined),
    index: new ClusterIndex(store),
    localIPs: ['10.244.1.2'],
  });
  const upstream = opts.upstream ?? ((): DnsOutcome => ({ kind: 'timeout' }));
  const ask = (name: string, type: number = DnsType.A, edns = true, proto: 'udp' | 'tcp' = 'udp'): DnsMessage => {
    const q = dnsMessage({ id: 7, rd: true, question: [{ name, type, class: 1 }] });
    if (edns) q.edns = { udpSize: 1232, version: 0, do: false, options: [{ code: 10, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }] };
    return runDnsIo(core.serve(q, { ip: '10.244.2.9', port: 40000, proto }, 53), (x) => {
      const out = upstream(x);
      if (out.kind === 'timeout') clock.t += x.timeoutMs;
      return out;
    })!;
  };
  return { core, logs, store, ask, clock };
}

describe('Corefile errors, as CoreDNS words them', () => {
  const start = (text: string): string => {
    try {
      instance().core.start(text);
      return 'started';
    } catch (e) {
      return (e as Error).message;
    }
  };
  it('reports the file and line', () => {
    expect(start('.:53 {\n    errors\n    forwad . 1.1.1.1\n}\n')).toBe("/etc/coredns/Corefile:3 - Error during parsing: Unknown directive 'forwad'");
    expect(start('.:53 {\n  kubernetes cluster.local {\n    pods\n  }\n}\n')).toBe("plugin/kubernetes: /etc/coredns/Corefile:3 - Error during parsing: Wrong argument count or unexpected line ending after 'pods'");
    expect(start('.:53 {\n  kubernetes cluster.local {\n    pods sometimes\n  }\n}\n')).toBe('plugin/kubernetes: wrong value for pods: sometimes,  must be one of: disabled, verified, insecure');
    expect(start('.:53 {\n  kubernetes cluster.local {\n    ttl 4000\n  }\n}\n')).toBe('plugin/kubernetes: /etc/coredns/Corefile:3 - Error during parsing: ttl must be in range [0, 3600]: 4000');
    expect(start('.:53 {\n  kubernetes cluster.local {\n    podz insecure\n  }\n}\n')).toBe("plugin/kubernetes: /etc/coredns/Corefile:3 - Error during parsing: unknown property 'podz'");
    expect(start('.:53 {\n  kubernetes in-addr.arpa\n}\n')).toBe('plugin/kubernetes: non-reverse zone name must be used');
    expect(start('.:53 {\n  forward .\n}\n')).toBe("plugin/forward: /etc/coredns/Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after '.'");
    expect(start('.:53 {\n  forward . nonsense\n}\n')).toBe('plugin/forward: not an IP address or file: "nonsense"');
    expect(start('.:53 {\n  cache 30\n  cache 10\n}\n')).toBe('plugin/cache: this plugin can only be used once per Server Block');
    expect(start('.:53 {\n  errors\n')).toBe('/etc/coredns/Corefile:2 - Error during parsing: Unexpected EOF');
    expect(start('.:53 {\n  errors\n}\n.:53 {\n  errors\n}\n')).toBe('cannot serve dns://.:53 - it is already defined');
    expect(start(kubeadmCorefile())).toBe('started');
  });

  it('lexes like caddy: quotes, comments, keys with commas', () => {
    const blocks = parseCorefile('# top\nexample.org:1053, example.net {\n  hosts {\n    10.0.0.1 "a.example.org" # trailing\n  }\n}\n');
    expect(blocks[0].keys).toEqual(['example.org:1053', 'example.net']);
    expect(blocks[0].tokens.get('hosts')!.map((t) => t.text)).toEqual(['hosts', '{', '10.0.0.1', 'a.example.org', '}']);
  });
});

describe('a CoreDNS instance', () => {
  it('logs what kubectl logs shows when it starts, and each query with `log`', () => {
    const { core, logs, ask } = instance();
    core.start(kubeadmCorefile().replace('    errors\n', '    errors\n    log\n'));
    expect(logs[0]).toBe('.:53');
    expect(logs[1]).toMatch(/^\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}$/);
    expect(logs.slice(2)).toEqual(['CoreDNS-1.11.3', 'linux/amd64, go1.21.11, a6338e9']);
    ask('kubernetes.default.svc.cluster.local.');
    expect(logs[4]).toBe('[INFO] 10.244.2.9:40000 - 7 "A IN kubernetes.default.svc.cluster.local. udp 77 false 1232" NOERROR qr,aa,rd 106 0s');
  });

  it('echoes the cookie, and sends a reply that fits uncompressed as it is', () => {
    const { core, ask } = instance();
    core.start(kubeadmCorefile());
    const r = ask('kubernetes.default.svc.cluster.local.');
    expect(r.edns!.options).toEqual([{ code: 10, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }]);
    expect(r.pack).toBe('none');
    // header + question + an uncompressed answer + the OPT with its cookie (what dig shows as MSG SIZE)
    expect(dnsLength(r)).toBe(12 + 42 + 52 + 23);
  });

  it('keeps serving the old Corefile when the new one is bad, and says so', () => {
    const { core, logs, ask } = instance();
    core.start(kubeadmCorefile());
    logs.length = 0;
    expect(core.reload(kubeadmCorefile().replace('loadbalance', 'banana'))).toBe(false);
    expect(logs).toEqual([
      "[ERROR] Restart failed: /etc/coredns/Corefile:19 - Error during parsing: Unknown directive 'banana'",
      "[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: /etc/coredns/Corefile:19 - Error during parsing: Unknown directive 'banana'",
    ]);
    expect(ask('kubernetes.default.svc.cluster.local.').answer).toHaveLength(1);
    logs.length = 0;
    expect(core.reload(kubeadmCorefile().replace('ttl 30', 'ttl 10'))).toBe(true);
    expect(logs[0]).toBe('[INFO] Reloading');
    expect(logs[1]).toBe('[INFO] plugin/health: Going into lameduck mode for 5s');
    expect(logs[3]).toBe('[INFO] Reloading complete');
    expect(ask('web.default.svc.cluster.local.').answer[0].ttl).toBe(10);
  });

  it('forward gives up after 5 s of silence: SERVFAIL, and the errors plugin says why', () => {
    const tried: number[] = [];
    const clock = { t: 0 };
    const { core, logs, ask } = instance({
      clock,
      upstream: () => {
        tried.push(clock.t);
        return { kind: 'timeout', local: { ip: '10.244.1.2', port: 41000 } };
      },
    });
    core.start(kubeadmCorefile());
    logs.length = 0;
    const r = ask('example.com.');
    expect(r.rcode).toBe(Rcode.SERVFAIL);
    expect(r.aa).toBe(false);
    expect(tried).toEqual([0, 2000, 4000]);
    expect(logs).toEqual(['[ERROR] plugin/errors: 2 example.com. A: read udp 10.244.1.2:41000->192.168.1.1:53: i/o timeout']);
  });

  it('hosts answers its entries and, without fallthrough, SERVFAILs the rest', () => {
    const { core, ask } = instance();
    core.start('.:53 {\n  hosts {\n    10.0.0.7 db.example.org\n  }\n}\n');
    expect(ask('db.example.org.').answer.map((r) => rdataText(r.data))).toEqual(['10.0.0.7']);
    expect(ask('localhost.').answer.map((r) => rdataText(r.data))).toEqual(['127.0.0.1']);
    expect(ask('7.0.0.10.in-addr.arpa.', DnsType.PTR).answer.map((r) => rdataText(r.data))).toEqual(['db.example.org.']);
    expect(ask('db.example.org.', DnsType.AAAA)).toMatchObject({ rcode: 0, answer: [] });
    expect(ask('other.example.org.').rcode).toBe(Rcode.SERVFAIL);
  });

  it('rewrite renames the question; the reply has the question asked, answers as written unless reverted', () => {
    const { core, ask } = instance();
    core.start(`.:53 {\n  rewrite name db.example.org web.default.svc.cluster.local\n  rewrite name exact api.example.org kubernetes.default.svc.cluster.local answer auto\n  ${kubeadmCorefile().split('\n').slice(6, 11).join('\n')}\n}\n`);
    const r = ask('db.example.org.');
    expect(r.question[0].name).toBe('db.example.org.');
    expect(r.answer.map((a) => `${a.name} ${rdataText(a.data)}`)).toEqual(['web.default.svc.cluster.local. 10.96.0.20']);
    expect(ask('api.example.org.').answer.map((a) => `${a.name} ${rdataText(a.data)}`)).toEqual(['api.example.org. 10.96.0.1']);
  });

  it('truncates at 512 bytes for a client without EDNS, with TC; TCP gets everything', () => {
    const { core, store, ask } = instance();
    const eps = Array.from({ length: 60 }, (_, i) => ({ ip: `10.244.4.${i + 1}` }));
    store.put(svc('default', 'big', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
    store.put(slice('default', 'big', eps, [{ name: 'http', port: 80 }]));
    core.start(kubeadmCorefile());
    const udp = ask('big.default.svc.cluster.local.', DnsType.A, false);
    expect(udp.tc).toBe(true);
    expect(dnsLength(udp)).toBeLessThanOrEqual(512);
    expect(udp.answer.length).toBeGreaterThan(10);
    expect(udp.answer.length).toBeLessThan(60);
    const tcp = ask('big.default.svc.cluster.local.', DnsType.A, false, 'tcp');
    expect(tcp.tc).toBe(false);
    expect(tcp.answer).toHaveLength(60);
  });

  it('refuses a query for a zone no server block serves', () => {
    const { core, ask } = instance();
    core.start('cluster.local:53 {\n  kubernetes\n}\n');
    expect(ask('example.com.').rcode).toBe(Rcode.REFUSED);
    expect(ask('web.default.svc.cluster.local.').answer).toHaveLength(1);
  });
});
