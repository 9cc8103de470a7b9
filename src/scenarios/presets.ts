import type { Scenario, Step } from './scenario';
import { clusterStages } from './clusterStages';

/** The lecture's lab at each stage, as data: topology plus the commands that got it there. */
export interface Preset {
  name: string;
  title: string;
  description: string;
  scenario: Scenario;
}

const NODES = [1, 2, 3];
const node = (n: number) => `node0${n}`;

const addresses: Step[] = NODES.map((n) => ({ on: node(n), run: `ip addr add 192.168.1.1${n}/24 dev eth0` }));

const bridges: Step[] = NODES.flatMap((n) => [
  { on: node(n), run: 'ip link add v-net-0 type bridge' },
  { on: node(n), run: 'ip link set dev v-net-0 up' },
  { on: node(n), run: `ip addr add 10.244.${n}.1/24 dev v-net-0` },
]);

const pods: Step[] = NODES.flatMap((n) => [
  { on: node(n), run: `ip link add veth-pod${n} type veth peer name veth-pod${n}-br` },
  { on: node(n), run: `ip link set veth-pod${n} netns pod${n}` },
  { on: node(n), run: `ip link set veth-pod${n}-br master v-net-0` },
  { on: node(n), run: `ip link set veth-pod${n}-br up` },
  { on: node(n), run: `ip -n pod${n} addr add 10.244.${n}.2/24 dev veth-pod${n}` },
  { on: node(n), run: `ip -n pod${n} link set veth-pod${n} up` },
  { on: node(n), run: `ip -n pod${n} route add default via 10.244.${n}.1` },
]);

const podRoutes: Step[] = NODES.flatMap((n) =>
  NODES.filter((m) => m !== n).map((m) => ({ on: node(n), run: `ip route add 10.244.${m}.2 via 192.168.1.1${m}` })),
);

const forwarding: Step[] = NODES.map((n) => ({ on: node(n), run: 'sysctl -w net.ipv4.ip_forward=1' }));

const nodesTopology = {
  hosts: ['node01', 'node02', 'node03'],
  lans: { lan0: ['node01:eth0', 'node02:eth0', 'node03:eth0'] },
};
const withPods = { ...nodesTopology, hosts: [...nodesTopology.hosts, 'pod1', 'pod2', 'pod3'] };

function preset(name: string, title: string, description: string, topo: Omit<Scenario, 'name' | 'steps'>, steps: Step[]): Preset {
  return { name, title, description, scenario: { name, description, ...topo, steps } };
}

export const presets: Record<string, Preset> = Object.fromEntries(
  [
    preset('empty', 'Empty canvas', 'Nothing yet: add machines, LANs and cables, or load a stage of the lab.', { hosts: [] }, []),
    preset('fresh', '1. Three nodes on a LAN', 'node01–node03 on 192.168.1.0/24 (eth0 .11, .12, .13); nothing else configured.', nodesTopology, addresses),
    preset('bridges', '2. Bridges on every node', 'Each node has a v-net-0 bridge, up, with 10.244.N.1/24: the future pods\' gateway.', nodesTopology, [...addresses, ...bridges]),
    preset('pods', '3. A pod on every node', 'podN is a namespace joined to v-net-0 of nodeN by a veth pair, 10.244.N.2/24, default route via 10.244.N.1.', withPods, [...addresses, ...bridges, ...pods]),
    preset('before-routes', '4. Before the routes', 'The lecture\'s failing point: from node01, `ping 10.244.2.2` says "Network is unreachable".', withPods, [...addresses, ...bridges, ...pods]),
    preset('routed', '5. Routes added, forwarding on', 'Each node routes the other pods via their node, and forwards: pods reach each other.', withPods, [...addresses, ...bridges, ...pods, ...podRoutes, ...forwarding]),
    preset(
      'single-network',
      '6. A single large network',
      'The pod subnets form 10.244.0.0/16; a router at 192.168.1.1 routes each /24 to the node that owns it.',
      { hosts: [...withPods.hosts, 'router'], lans: { lan0: ['node01:eth0', 'node02:eth0', 'node03:eth0', 'router:eth0'] } },
      [
        ...addresses,
        ...bridges,
        ...pods,
        { on: 'router', run: 'ip addr add 192.168.1.1/24 dev eth0' },
        ...NODES.map((n) => ({ on: 'router', run: `ip route add 10.244.${n}.0/24 via 192.168.1.1${n}` })),
        { on: 'router', run: 'sysctl -w net.ipv4.ip_forward=1' },
        ...NODES.map((n) => ({ on: node(n), run: 'ip route add 10.244.0.0/16 via 192.168.1.1' })),
        ...forwarding,
      ],
    ),
    ...clusterStages,
  ].map((p) => [p.name, p]),
);

export const presetNames = (): string[] => Object.keys(presets);
