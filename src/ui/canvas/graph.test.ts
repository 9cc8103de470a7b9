import { describe, expect, it } from 'vitest';
import { buildGraph, podOwners, type BridgeNodeData, type HostNodeData, type PodNodeData } from './graph';
import { dev, seedSnapshot } from './fixture.test-data';

describe('podOwners', () => {
  it('treats a namespace whose only veth peers into a node bridge as that node’s pod', () => {
    expect(podOwners(seedSnapshot(), {})).toEqual({ pod1: 'node01' });
  });

  it('prefers the node that ran `ip netns add`', () => {
    const snap = seedSnapshot();
    snap.netns.push({ name: 'web', role: 'host', ipForward: false, routes: [], devs: [dev('lo', 'loopback')] });
    expect(podOwners(snap, { web: 'node02' })).toEqual({ pod1: 'node01', web: 'node02' });
  });

  it('does not turn a LAN-attached machine into a pod', () => {
    const snap = seedSnapshot();
    // node02 cabled only to node01 with a veth would look like a pod, but it sits on the LAN
    expect(podOwners(snap, {}).node02).toBeUndefined();
  });
});

describe('buildGraph', () => {
  const g = buildGraph(seedSnapshot(), {});
  const byId = new Map(g.nodes.map((n) => [n.id, n]));

  it('draws machines, their pods and bridges nested inside, and the LAN switch', () => {
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['br:node01/v-net-0', 'host:node01', 'host:node02', 'lan:lan0', 'pod:pod1']);
    expect(byId.get('pod:pod1')!.parentId).toBe('host:node01');
    expect(byId.get('br:node01/v-net-0')!.parentId).toBe('host:node01');
    expect(byId.get('lan:lan0')!.parentId).toBeUndefined();
  });

  it('labels ports with name and address, hides lo, puts bridge ports on the bridge', () => {
    const host = byId.get('host:node01')!.data as HostNodeData;
    expect(host.ports.map((p) => [p.dev, p.addrs])).toEqual([['eth0', ['192.168.1.11/24']]]);
    const br = byId.get('br:node01/v-net-0')!.data as BridgeNodeData;
    expect(br.addrs).toEqual(['10.244.1.1/24']);
    expect(br.ports.map((p) => p.dev)).toEqual(['veth-pod1-br']);
    const pod = byId.get('pod:pod1')!.data as PodNodeData;
    expect(pod.gateway).toBe('default via 10.244.1.1 dev veth-pod1');
  });

  it('connects the veth pair and the LAN cables, with link state', () => {
    const ids = g.edges.map((e) => e.id).sort();
    expect(ids).toEqual(['lan:lan0:node01/eth0', 'lan:lan0:node02/eth0', 'veth:node01/veth-pod1-br|pod1/veth-pod1']);
    const veth = g.edges.find((e) => e.id.startsWith('veth:'))!;
    expect(veth.source).toBe('br:node01/v-net-0');
    expect(veth.target).toBe('pod:pod1');
    expect(veth.data!.state).toBe('up');
    const down = g.edges.find((e) => e.id === 'lan:lan0:node02/eth0')!;
    expect(down.data!.state).toBe('down');
  });

  it('marks an up device without carrier as no-carrier', () => {
    const snap = seedSnapshot();
    const pod = snap.netns.find((n) => n.name === 'pod1')!;
    pod.devs[1] = { ...pod.devs[1], carrier: false, operstate: 'LOWERLAYERDOWN' };
    const veth = buildGraph(snap, {}).edges.find((e) => e.id.startsWith('veth:'))!;
    expect(veth.data!.state).toBe('no-carrier');
  });

  it('indexes devices and namespaces for the trace animation', () => {
    expect(g.nodeOfDev['pod1/veth-pod1']).toBe('pod:pod1');
    expect(g.nodeOfDev['node01/veth-pod1-br']).toBe('br:node01/v-net-0');
    expect(g.nodeOfDev['__lan_lan0/p2']).toBe('lan:lan0');
    expect(g.nodeOfNetns.__lan_lan0).toBe('lan:lan0');
    expect(g.edgesOfDev['__lan_lan0/p1']).toEqual(['lan:lan0:node01/eth0']);
  });

  it('uses hand-placed positions over automatic ones', () => {
    const placed = buildGraph(seedSnapshot(), {}, { 'host:node02': { x: 5, y: 6 } }, { 'host:node02': { x: 100, y: 100 }, 'host:node01': { x: 40, y: 50 } });
    const pos = new Map(placed.nodes.map((n) => [n.id, n.position]));
    expect(pos.get('host:node02')).toEqual({ x: 5, y: 6 });
    expect(pos.get('host:node01')).toEqual({ x: 40, y: 50 });
  });

  it('turns a veth between two machines into a cable', () => {
    const snap = seedSnapshot();
    snap.netns[0].devs.push(dev('eth1', 'veth', { peer: { netns: 'node02', dev: 'eth1' } }));
    snap.netns[1].devs.push(dev('eth1', 'veth', { peer: { netns: 'node01', dev: 'eth1' } }));
    const cable = buildGraph(snap, {}).edges.find((e) => e.id === 'veth:node01/eth1|node02/eth1')!;
    expect(cable.data!.kind).toBe('cable');
  });
});

describe('buildGraph after ip link del', () => {
  it('drops a LAN member whose interface is gone', () => {
    const snap = seedSnapshot();
    snap.netns[1].devs = snap.netns[1].devs.filter((d) => d.name !== 'eth0');
    const g = buildGraph(snap, {});
    const lan = g.nodes.find((n) => n.id === 'lan:lan0')!;
    expect((lan.data as { members: string[] }).members).toEqual(['node01:eth0']);
    expect(g.edges.map((e) => e.id)).not.toContain('lan:lan0:node02/eth0');
  });
});
