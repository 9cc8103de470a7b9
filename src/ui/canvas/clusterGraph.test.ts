import { describe, expect, it, vi } from 'vitest';
import { presetDoc, replay } from '../../store/replay';
import { clusterPicture } from '../../store/cluster';
import { netnsCreators } from '../../store/doc';
import { runCommand } from '../../commands';
import { WEB_MANIFEST } from '../../scenarios/clusterStages';
import { buildClusterGraph, kpodId, podColumns, shownLabels, svcId, type KubeNodeNode, type KubePodNode, type ServiceNode } from './clusterGraph';
import { elkInput } from './layout';

vi.setConfig({ testTimeout: 60_000 });

function graphOf(name: string, more: string[] = []) {
  const doc = presetDoc(name);
  const world = replay(doc);
  for (const m of more) runCommand(world, 'node01', 'kubectl apply -f -', { stdin: m });
  const picture = clusterPicture(world)!;
  return { picture, graph: buildClusterGraph(world.snapshot(), picture, netnsCreators(doc)) };
}

const scaled = (replicas: number) => WEB_MANIFEST.replace('replicas: 3', `replicas: ${replicas}`);

describe('the cluster on the canvas', () => {
  it('draws each node with its pods inside, the bridge as the node’s, and no cni- namespace as a machine', () => {
    const { picture, graph } = graphOf('cluster-service');
    const knodes = graph.nodes.filter((n): n is KubeNodeNode => n.type === 'knode');
    expect(knodes.map((n) => n.id)).toEqual(['host:node01', 'host:node02', 'host:node03']);
    expect(graph.nodes.filter((n) => n.type === 'host' || n.type === 'pod' || n.type === 'bridge')).toEqual([]);
    const pods = graph.nodes.filter((n): n is KubePodNode => n.type === 'kpod');
    expect(pods.map((p) => p.data.key).sort()).toEqual(picture.pods.map((p) => `${p.namespace}/${p.name}`).sort());
    for (const p of pods) expect(p.parentId).toBe(`host:${p.data.pod.node}`);
    const n1 = knodes[0].data;
    expect(n1.bridge.name).toBe('cni0');
    expect(n1.bridge.addrs).toEqual(['10.244.1.1/24']);
    expect(n1.bridge.ports).toHaveLength(pods.filter((p) => p.data.pod.node === 'node01').length);
    expect(n1.ports.map((p) => p.dev)).toEqual(['eth0']);
    // the LAN cable still ends on the node's eth0
    expect(graph.edges.some((e) => e.source === 'host:node01' && e.sourceHandle === 'd:eth0' && e.target === 'lan:lan0')).toBe(true);
    // the trace finds the pods and the node's bridge ports
    const web = pods.find((p) => p.data.pod.labels.app === 'web')!;
    expect(graph.nodeOfNetns[web.data.pod.netns!]).toBe(web.id);
    expect(graph.nodeOfDev[`${web.data.pod.node}/${web.data.pod.hostVeth}`]).toBe(`host:${web.data.pod.node}`);
  });

  it('links each Service to its endpoints: pods, or the node whose address it is', () => {
    const { picture, graph } = graphOf('cluster-service');
    const web = graph.nodes.find((n): n is ServiceNode => n.id === svcId('default/web'))!;
    expect(web.data.svc.type).toBe('NodePort');
    const targets = graph.edges.filter((e) => e.source === web.id).map((e) => e.target).sort();
    expect(targets).toEqual(picture.pods.filter((p) => p.labels.app === 'web').map((p) => kpodId(`default/${p.name}`)).sort());
    // the API server's endpoint is node01's address
    expect(graph.edges.filter((e) => e.source === svcId('default/kubernetes')).map((e) => e.target)).toEqual(['host:node01']);
    expect(graph.edges.filter((e) => e.source === svcId('kube-system/kube-dns'))).toHaveLength(2);
    // elk puts the Services a layer above the nodes
    const elk = elkInput(graph);
    expect(elk.graph.edges!.some((e) => e.sources[0] === web.id && e.targets[0].startsWith('host:node0'))).toBe(true);
  });

  it('stays readable at 3 nodes × 30 pods: a near-square grid, no card over another, every card inside its node', () => {
    const { graph } = graphOf('cluster', [scaled(88)]);
    const knodes = graph.nodes.filter((n): n is KubeNodeNode => n.type === 'knode');
    for (const n of knodes) {
      const pods = graph.nodes.filter((p): p is KubePodNode => p.type === 'kpod' && p.parentId === n.id);
      expect(pods.length).toBeGreaterThanOrEqual(29);
      const boxes = pods.map((p) => ({ x: p.position.x, y: p.position.y, w: p.width!, h: p.height! }));
      for (const b of boxes) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.x + b.w).toBeLessThanOrEqual(n.width!);
        expect(b.y + b.h).toBeLessThanOrEqual(n.data.bridgeY);
      }
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true);
        }
      // wider than tall, but not a ribbon
      expect(n.width! / n.height!).toBeGreaterThan(0.8);
      expect(n.width! / n.height!).toBeLessThan(2.5);
    }
  });

  it('chooses near-square grids and hides the labels controllers stamp', () => {
    expect([0, 1, 2, 3, 4, 10, 30].map(podColumns)).toEqual([0, 1, 2, 3, 3, 4, 7]);
    expect(shownLabels({ app: 'web', 'pod-template-hash': '6cbd79545b' })).toEqual([['app', 'web']]);
  });
});
