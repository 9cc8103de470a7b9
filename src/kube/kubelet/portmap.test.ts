import { describe, expect, it, vi } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from '../../commands/kubectl/boot';
import { runCommand } from '../../commands';
import { dnatChainName, portmapAddPlan } from './portmap';

vi.setConfig({ testTimeout: 60_000 });

const pod = (name: string, node: string, hostPort: number) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  containers:
  - name: web
    image: nginx
    ports: [{containerPort: 80, hostPort: ${hostPort}}, {containerPort: 53, hostPort: 5353, protocol: UDP}]
`;

describe('portmap (hostPort)', () => {
  it('names the sandbox chain CNI-DN- and the SHA-512 of network and id, 28 characters', () => {
    const id = 'a'.repeat(64);
    expect(dnatChainName(id)).toMatch(/^CNI-DN-[0-9a-f]{21}$/);
    expect(portmapAddPlan([], '10.244.1.2', 24, id, true)).toEqual([]);
  });

  it("forwards a pod's host ports on its node, marks hairpin and localhost for masquerade, and cleans up on delete", () => {
    const world = new World();
    bootCluster(world);
    const kubectl = (line: string, stdin?: string) => runCommand(world, 'node01', `kubectl ${line}`, { stdin });
    expect(kubectl('apply -f -', pod('web', 'node02', 8080)).exit).toBe(0);
    const ip = kubectl('get pod web -o jsonpath={.status.podIP}').stdout;
    const nat = runCommand(world, 'node02', 'iptables-save -t nat').stdout.split('\n');
    const dn = nat.find((l) => l.startsWith(':CNI-DN-'))!.slice(1).split(' ')[0];
    const prefix = ip.replace(/\.\d+$/, '.0/24');
    expect(nat.filter((l) => l.includes('CNI-') && l.startsWith('-A'))).toEqual([
      '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
      `-A CNI-DN-${dn.slice(7)} -s ${prefix} -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
      `-A ${dn} -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
      `-A ${dn} -p tcp -m tcp --dport 8080 -j DNAT --to-destination ${ip}:80`,
      `-A ${dn} -s ${prefix} -p udp -m udp --dport 5353 -j CNI-HOSTPORT-SETMARK`,
      `-A ${dn} -s 127.0.0.1/32 -p udp -m udp --dport 5353 -j CNI-HOSTPORT-SETMARK`,
      `-A ${dn} -p udp -m udp --dport 5353 -j DNAT --to-destination ${ip}:53`,
      // each entry is prepended in turn (InsertUnique at 1): the last protocol ends up first
      expect.stringMatching(new RegExp(`^-A CNI-HOSTPORT-DNAT -p udp -m comment --comment "dnat name: \\\\"cbr0\\\\" id: \\\\"[0-9a-f]{64}\\\\"" -m multiport --dports 5353 -j ${dn}$`)),
      expect.stringMatching(new RegExp(`^-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\\\"cbr0\\\\" id: \\\\"[0-9a-f]{64}\\\\"" -m multiport --dports 8080 -j ${dn}$`)),
      '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
      '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
    ]);
    expect(runCommand(world, 'node01', 'iptables-save -t nat').stdout).not.toContain('CNI-');
    kubectl('delete pod web --grace-period=0');
    const after = runCommand(world, 'node02', 'iptables-save -t nat').stdout;
    expect(after).not.toContain('CNI-DN-');
    expect(after).toContain(':CNI-HOSTPORT-DNAT');
  });
});
