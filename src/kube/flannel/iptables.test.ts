import { describe, expect, it, vi } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from '../../commands/kubectl/boot';
import { runCommand } from '../../commands';

vi.setConfig({ testTimeout: 60_000 });

describe('flanneld --ip-masq', () => {
  it("masquerades pod traffic leaving the cluster network, after kube-proxy's own rules, with the node's lease", () => {
    const world = new World();
    bootCluster(world, { nodes: [{ name: 'a', ip: '10.0.0.1/24', podCIDR: '10.32.0.0/24' }, { name: 'b', ip: '10.0.0.2/24', podCIDR: '10.32.1.0/24' }] });
    const nat = runCommand(world, 'b', 'iptables-save -t nat').stdout;
    const masq = nat.split('\n').filter((l) => l.includes('flanneld masq'));
    expect(masq).toEqual([
      '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
      '-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.32.1.0/24 -d 10.32.0.0/23 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.32.0.0/23 -d 10.32.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG ! -s 10.32.0.0/23 -d 10.32.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.32.0.0/23 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      '-A FLANNEL-POSTRTG ! -s 10.32.0.0/23 -d 10.32.0.0/23 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
    ]);
    // kube-proxy prepends its jump: KUBE-POSTROUTING comes first, as on a real node
    expect(nat.indexOf('-A POSTROUTING -m comment --comment "kubernetes postrouting rules"')).toBeLessThan(nat.indexOf('-A POSTROUTING -m comment --comment "flanneld masq"'));
    expect(runCommand(world, 'a', 'iptables -S FLANNEL-FWD').stdout).toBe(
      '-N FLANNEL-FWD\n-A FLANNEL-FWD -s 10.32.0.0/23 -m comment --comment "flanneld forward" -j ACCEPT\n-A FLANNEL-FWD -d 10.32.0.0/23 -m comment --comment "flanneld forward" -j ACCEPT\n',
    );
  });

  it('is not there on a manual pod network (no flanneld)', () => {
    const world = new World();
    bootCluster(world, { podNetwork: 'manual' });
    expect(runCommand(world, 'node01', 'iptables-save -t nat').stdout).not.toContain('FLANNEL');
  });
});
