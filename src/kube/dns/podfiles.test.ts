import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/types';
import { pod } from './testkit.test-data';
import { podDnsConfig, podHostsFile, resolvConfText, type KubeletDnsSettings } from './podfiles';

const node: KubeletDnsSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: 'nameserver 192.168.1.1\n' };
const file = (p: Pod, s: KubeletDnsSettings = node) => resolvConfText(podDnsConfig(p, s));

describe('the resolv.conf kubelet writes, for every dnsPolicy', () => {
  it('ClusterFirst: the cluster DNS, the namespace search list, ndots:5', () => {
    expect(file(pod('shop', 'web', '10.244.1.5'))).toBe('search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('ClusterFirst appends the node\'s search domains, without duplicates; a custom cluster domain follows', () => {
    const s = { ...node, clusterDomain: 'lab.example', nodeResolvConf: 'nameserver 192.168.1.1\nsearch corp.example. lab.example\noptions timeout:2\n' };
    expect(file(pod('default', 'a', '10.244.1.5'), s)).toBe('search default.svc.lab.example svc.lab.example lab.example corp.example\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('ClusterFirst on the host network is Default; ClusterFirstWithHostNet stays in the cluster', () => {
    expect(file(pod('default', 'a', '192.168.1.11', { hostNetwork: true }))).toBe('nameserver 192.168.1.1\n');
    expect(file(pod('default', 'a', '192.168.1.11', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }))).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('Default: the node\'s own file (servers, search, options), whatever the cluster', () => {
    const s = { ...node, nodeResolvConf: '# comment\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch a.example b.example\noptions ndots:2 timeout:1\noptions ndots:3\n' };
    expect(file(pod('default', 'a', '10.244.1.5', { dnsPolicy: 'Default' }), s)).toBe('search a.example b.example\nnameserver 192.168.1.1\nnameserver 192.168.1.2\noptions ndots:3 timeout:1\n');
  });

  it('None: only dnsConfig', () => {
    const p = pod('default', 'a', '10.244.1.5', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } });
    expect(file(p)).toBe('search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 1.2.3.4\noptions ndots:2 edns0\n');
  });

  it('dnsConfig merges into ClusterFirst: duplicates dropped, an option of the same name replaced', () => {
    const p = pod('default', 'a', '10.244.1.5', { dnsConfig: { nameservers: ['10.96.0.10', '1.1.1.1'], searches: ['svc.cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }] } });
    expect(file(p)).toBe('search default.svc.cluster.local svc.cluster.local cluster.local extra.example\nnameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:1 single-request-reopen\n');
  });

  it('cuts nameservers to 3 and the search line to libc\'s limits, with kubelet\'s warning', () => {
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const p = pod('default', 'a', '10.244.1.5', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'], searches: many } });
    const c = podDnsConfig(p, node);
    expect(c.servers).toEqual(['1.1.1.1', '2.2.2.2', '3.3.3.3']);
    expect(c.searches).toHaveLength(32);
    expect(c.events.map((e) => e.message)).toEqual([
      'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 1.1.1.1 2.2.2.2 3.3.3.3',
      `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${many.slice(0, 32).join(' ')}`,
    ]);
  });

  it('without --cluster-dns, ClusterFirst falls back to Default and says so', () => {
    const c = podDnsConfig(pod('default', 'a', '10.244.1.5'), { ...node, clusterDNS: [] });
    expect(resolvConfText(c)).toBe('nameserver 192.168.1.1\n');
    expect(c.events[0].reason).toBe('MissingClusterDNS');
  });
});

describe('the /etc/hosts kubelet writes', () => {
  it('localhost lines and the pod\'s own address under its name', () => {
    expect(podHostsFile(pod('default', 'web-1', '10.244.2.5'), ['10.244.2.5'], 'cluster.local')).toBe(
      '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.244.2.5\tweb-1\n',
    );
  });

  it('hostname and subdomain give the FQDN first; hostAliases follow', () => {
    const p = pod('default', 'x', '10.244.1.5', { hostname: 'my-pet', subdomain: 'headless', hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }, { ip: '10.1.2.3', hostnames: ['foo.remote'] }] });
    expect(podHostsFile(p, ['10.244.1.5'], 'cluster.local').split('\n').slice(7).join('\n')).toBe(
      '10.244.1.5\tmy-pet.headless.default.svc.cluster.local\tmy-pet\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\n',
    );
  });

  it('a host-network pod gets the node\'s file under its own header', () => {
    const p = pod('default', 'x', '192.168.1.11', { hostNetwork: true });
    expect(podHostsFile(p, ['192.168.1.11'], 'cluster.local', '127.0.0.1\tlocalhost\n')).toBe('# Kubernetes-managed hosts file (host network).\n127.0.0.1\tlocalhost\n');
  });
});
