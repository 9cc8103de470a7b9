import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from '../api/types';
import { endpointsMapOf, servicePortsOf } from './servicePorts';
import { masqueradeMark, probability, syncProxyRules, type ProxierConfig } from './syncRules';

/**
 * The expected rules of kube-proxy's own TestOverallIPTablesRules (pkg/proxy/iptables/proxier_test.go),
 * less its two `-m nfacct` variants (the fake proxier has nfacct counters; Hoplab's nodes do not).
 * The fake proxier's mark is "0x4000" where kube-proxy's own flag default gives "0x00004000".
 */
const UPSTREAM = `*filter
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
-A KUBE-NODEPORTS -m comment --comment "ns2/svc2:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT
-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-PROXY-FIREWALL -m comment --comment "ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP
COMMIT
*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]
:KUBE-EXT-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-EXT-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]
:KUBE-FW-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]
:KUBE-SEP-I77PXRDZVX7PMWMN - [0:0]
:KUBE-SEP-OYPFS5VJICHGATKP - [0:0]
:KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]
:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
:KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]
:KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]
:KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-SVC-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK
-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 external IP" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "pod traffic for ns2/svc2:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "masquerade LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "route LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment "masquerade traffic for ns5/svc5:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade traffic for ns3/svc3:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --rcheck --seconds 10800 --reap -j KUBE-SEP-I77PXRDZVX7PMWMN
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
COMMIT
`;

/** Chains by table, and each chain's rules in order (iptables-restore input is order-sensitive only within a chain). */
function byChain(text: string): Record<string, { chains: string[]; rules: Record<string, string[]> }> {
  const out: Record<string, { chains: string[]; rules: Record<string, string[]> }> = {};
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) out[(table = line.slice(1))] = { chains: [], rules: {} };
    else if (line.startsWith(':')) out[table].chains.push(line.split(' ')[0].slice(1));
    else if (line.startsWith('-A ') || line.startsWith('-X ')) {
      const chain = line.split(' ')[1];
      (out[table].rules[chain] ??= []).push(line);
    }
  }
  for (const t of Object.values(out)) t.chains.sort();
  return out;
}

const svc = (ns: string, name: string, spec: Service['spec'], status?: Service['status']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec, status });
const slice = (ns: string, svcName: string, endpoints: EndpointSlice['endpoints'], port = 80, portName = 'p80'): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${svcName}-1`, namespace: ns, labels: { 'kubernetes.io/service-name': svcName } },
  addressType: 'IPv4',
  endpoints,
  ports: [{ name: portName, port, protocol: 'TCP' }],
});
const p80 = (extra: Partial<NonNullable<Service['spec']['ports']>[number]> = {}) => [{ name: 'p80', port: 80, protocol: 'TCP' as const, ...extra }];

const FAKE: ProxierConfig = { hostname: 'test-hostname', nodeIP: '192.168.0.2', clusterCIDR: '10.0.0.0/8', randomFully: false };

describe('syncProxyRules', () => {
  it("writes the rules kube-proxy's TestOverallIPTablesRules expects", () => {
    const services = [
      svc('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: p80() }),
      svc('ns2', 'svc2', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: '172.30.0.42', ports: p80({ nodePort: 3001 }), externalIPs: ['192.168.99.22'], healthCheckNodePort: 30000 }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }),
      svc('ns3', 'svc3', { type: 'NodePort', clusterIP: '172.30.0.43', ports: p80({ nodePort: 3003 }) }),
      svc('ns4', 'svc4', { type: 'NodePort', clusterIP: '172.30.0.44', externalIPs: ['192.168.99.33'], ports: p80({ targetPort: 80 }) }),
      svc(
        'ns5',
        'svc5',
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Cluster',
          clusterIP: '172.30.0.45',
          ports: p80({ nodePort: 3002 }),
          healthCheckNodePort: 30000,
          loadBalancerSourceRanges: [' 203.0.113.0/25'],
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        },
        { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } },
      ),
      svc('ns6', 'svc6', { type: 'ClusterIP', clusterIP: '172.30.0.46', ports: p80({ targetPort: 80 }) }),
    ];
    const slices = [
      slice('ns1', 'svc1', [{ addresses: ['10.180.0.1'] }]),
      slice('ns2', 'svc2', [{ addresses: ['10.180.0.2'] }]),
      slice('ns3', 'svc3', [{ addresses: ['10.180.0.3'] }]),
      slice('ns4', 'svc4', [{ addresses: ['10.180.0.4'] }, { addresses: ['10.180.0.5'], nodeName: 'test-hostname' }]),
      slice('ns5', 'svc5', [{ addresses: ['10.180.0.3'] }]),
    ];
    const plan = syncProxyRules({ config: FAKE, servicePorts: servicePortsOf(services), endpoints: endpointsMapOf(slices, 'test-hostname') });
    expect(byChain(plan.restore.replaceAll(masqueradeMark(), '0x4000'))).toEqual(byChain(UPSTREAM));
  });

  const web = (spec: Partial<Service['spec']> = {}) => svc('default', 'web', { clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], ...spec });
  const eps = (...list: [string, string, Partial<{ ready: boolean; serving: boolean; terminating: boolean }>?][]) =>
    slice('default', 'web', list.map(([ip, node, c]) => ({ addresses: [ip], nodeName: node, conditions: { ready: true, ...c } })), 8080, 'http');
  const plan = (services: Service[], slices: EndpointSlice[], extra: Partial<ProxierConfig> = {}, existing?: string[]) =>
    syncProxyRules({ config: { hostname: 'node01', nodeIP: '192.168.1.11', clusterCIDR: '10.244.0.0/16', ...extra }, servicePorts: servicePortsOf(services), endpoints: endpointsMapOf(slices, 'node01'), existingNatChains: existing }).restore;
  const lines = (text: string, chainPrefix: string) => text.split('\n').filter((l) => l.startsWith(`-A ${chainPrefix}`));

  it('spreads three endpoints with 1/3 then 1/2, sorted by ip:port text, the last without a statistic match', () => {
    const r = plan([web()], [eps(['10.244.2.9', 'node02'], ['10.244.1.10', 'node01'], ['10.244.3.2', 'node03'])]);
    expect(lines(r, 'KUBE-SVC-').map((l) => l.replace(/KUBE-S(VC|EP)-\w+/g, 'X'))).toEqual([
      '-A X -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.50 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
      '-A X -m comment --comment "default/web:http -> 10.244.1.10:8080" -m statistic --mode random --probability 0.3333333333 -j X',
      '-A X -m comment --comment "default/web:http -> 10.244.2.9:8080" -m statistic --mode random --probability 0.5000000000 -j X',
      '-A X -m comment --comment "default/web:http -> 10.244.3.2:8080" -j X',
    ]);
    expect(probability(4)).toBe('0.2500000000');
    expect(r).toContain('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\n');
    expect(r).toContain(`-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n`);
  });

  it('rejects in the filter table when there are no endpoints, and writes no nat chain for the Service', () => {
    const r = plan([web({ type: 'NodePort', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }] })], []);
    expect(r).toContain('-A KUBE-SERVICES -m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 10.96.0.50 --dport 80 -j REJECT\n');
    expect(r).toContain('-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/web:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT\n');
    expect(r).not.toMatch(/KUBE-(SVC|EXT|SEP)-/);
  });

  it('internalTrafficPolicy Local: the cluster IP goes to KUBE-SVL with only this node\'s endpoints, or is dropped without one', () => {
    const withLocal = plan([web({ internalTrafficPolicy: 'Local' })], [eps(['10.244.1.5', 'node01'], ['10.244.2.5', 'node02'])]);
    expect(lines(withLocal, 'KUBE-SERVICES')[0]).toMatch(/-j KUBE-SVL-\w{16}$/);
    expect(lines(withLocal, 'KUBE-SVL-').filter((l) => l.includes('->'))).toHaveLength(1);
    expect(withLocal).not.toContain(':KUBE-SVC-');
    expect(withLocal).not.toContain('10.244.2.5');
    const without = plan([web({ internalTrafficPolicy: 'Local' })], [eps(['10.244.2.5', 'node02'])]);
    expect(without).toContain('-A KUBE-SERVICES -m comment --comment "default/web:http has no local endpoints" -m tcp -p tcp -d 10.96.0.50 --dport 80 -j DROP\n');
  });

  it('externalTrafficPolicy Local: node ports go to KUBE-EXT, which keeps pod and node traffic on KUBE-SVC and the rest on KUBE-SVL', () => {
    const s = web({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }] });
    const r = plan([s], [eps(['10.244.1.5', 'node01'], ['10.244.2.5', 'node02'])]);
    const ext = lines(r, 'KUBE-EXT-').map((l) => l.replace(/(KUBE-\w+)-\w{16}/g, '$1'));
    expect(ext).toEqual([
      '-A KUBE-EXT -m comment --comment "pod traffic for default/web:http external destinations" -s 10.244.0.0/16 -j KUBE-SVC',
      '-A KUBE-EXT -m comment --comment "masquerade LOCAL traffic for default/web:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
      '-A KUBE-EXT -m comment --comment "route LOCAL traffic for default/web:http external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC',
      '-A KUBE-EXT -j KUBE-SVL',
    ]);
    // both endpoint chains exist (KUBE-SVC reaches both), KUBE-SVL only the local one
    expect(r.match(/^:KUBE-SEP-/gm)).toHaveLength(2);
    expect(lines(r, 'KUBE-SVL-').join('\n')).toContain('10.244.1.5:8080');
    expect(lines(r, 'KUBE-SVL-').join('\n')).not.toContain('10.244.2.5');
  });

  it('falls back to serving terminating endpoints when none is ready', () => {
    const r = plan([web()], [eps(['10.244.1.5', 'node01', { ready: false, serving: true, terminating: true }], ['10.244.2.5', 'node02', { ready: false, serving: false, terminating: true }])]);
    expect(r).toContain('10.244.1.5:8080');
    expect(r).not.toContain('10.244.2.5');
  });

  it('skips headless and ExternalName Services, and deletes stale service chains it does not write', () => {
    const r = plan(
      [web({ clusterIP: 'None' }), svc('default', 'ext', { type: 'ExternalName', externalName: 'example.com' })],
      [eps(['10.244.1.5', 'node01'])],
      {},
      ['KUBE-SERVICES', 'KUBE-SVC-AAAAAAAAAAAAAAAA', 'KUBE-SEP-BBBBBBBBBBBBBBBB', 'CNI-1234'],
    );
    expect(r).toContain(':KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]\n');
    expect(r).toContain('-X KUBE-SVC-AAAAAAAAAAAAAAAA\n-X KUBE-SEP-BBBBBBBBBBBBBBBB\n-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports');
    expect(r).not.toContain('CNI-1234');
    expect(r).not.toContain('default/web');
  });

  it('drops per-endpoint comments past 1000 endpoints (large cluster mode)', () => {
    const many = Array.from({ length: 1001 }, (_, i) => [`10.244.${1 + (i >> 8)}.${i & 255}`, 'node02'] as [string, string]);
    const r = plan([web()], [eps(...many)]);
    expect(lines(r, 'KUBE-SEP-')[0]).toMatch(/^-A KUBE-SEP-\w{16} -s 10\.244\.\d+\.\d+ -j KUBE-MARK-MASQ$/);
    expect(lines(r, 'KUBE-SVC-')[0]).toContain('"default/web:http cluster IP"');
    expect(lines(r, 'KUBE-SVC-')[1]).toMatch(/^-A KUBE-SVC-\w{16} -m statistic --mode random --probability 0\.0009990010 -j KUBE-SEP-/);
  });

  it('names kube-dns:dns as kube-proxy does and writes the restore in table order', () => {
    const dns = svc('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
    const r = plan([dns], [{ ...slice('kube-system', 'kube-dns', [{ addresses: ['10.244.1.2'] }], 53, 'dns'), ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }]);
    expect(r).toMatch(/^\*filter\n:KUBE-SERVICES - \[0:0\]\n:KUBE-EXTERNAL-SERVICES - \[0:0\]\n:KUBE-FORWARD - \[0:0\]\n:KUBE-NODEPORTS - \[0:0\]\n:KUBE-PROXY-FIREWALL - \[0:0\]\n:KUBE-FIREWALL - \[0:0\]\n/);
    expect(r).toContain('-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU\n');
    expect(r.endsWith('-j KUBE-NODEPORTS\nCOMMIT\n')).toBe(true);
  });
});
