/** kubectl describe node (describe.go v1.31): conditions, addresses, resources, the node's pods and what they ask for. */
import type { KubeEvent, Node, Pod } from '../../../kube/api/types';
import { addQuantities, formatQuantity, milliValue, parseQuantity, ZERO, type Quantity } from '../../../kube/api/quantity';
import { rfc3339 } from '../../../kube/apiserver/clock';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline, rfc1123z, since, tabbed, type PrefixWriter } from './writer';

type ResourceList = Record<string, string>;

/** findNodeRoles: node-role.kubernetes.io/<role> labels and kubernetes.io/role. */
function nodeRoles(n: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role') roles.add(v);
  }
  return [...roles].filter(Boolean).sort();
}

/** resourcehelper.PodRequestsAndLimits (containers summed; init containers are not modelled apart). */
function podRequestsAndLimits(pod: Pod): { req: Map<string, Quantity>; lim: Map<string, Quantity> } {
  const req = new Map<string, Quantity>();
  const lim = new Map<string, Quantity>();
  for (const c of pod.spec.containers ?? []) {
    const res = (c as { resources?: { requests?: ResourceList; limits?: ResourceList } }).resources ?? {};
    for (const [name, v] of Object.entries(res.requests ?? {})) {
      const q = parseQuantity(v);
      if (q) req.set(name, addQuantities(req.get(name) ?? { ...ZERO, format: q.format }, q));
    }
    for (const [name, v] of Object.entries(res.limits ?? {})) {
      const q = parseQuantity(v);
      if (q) lim.set(name, addQuantities(lim.get(name) ?? { ...ZERO, format: q.format }, q));
    }
  }
  // a limit without a request requests the limit (the API server's defaulting)
  for (const [name, q] of lim) if (!req.has(name)) req.set(name, q);
  return { req, lim };
}

const pct = (q: Quantity | undefined, of: Quantity | undefined): number => {
  const total = of ? milliValue(of) : 0;
  return total === 0 ? 0 : Math.trunc(((q ? milliValue(q) : 0) / total) * 100);
};
const fmt = (q: Quantity | undefined) => formatQuantity(q ?? ZERO);

/** SortableResourceNames: by name */
function printResourceList(w: PrefixWriter, list: ResourceList): void {
  for (const name of Object.keys(list).sort()) w.write(0, `  ${name}:\t${list[name]}\n`);
}

export function describeNode(n: Node, pods: Pod[], events: KubeEvent[] | undefined, now: number): string {
  return tabbed((w) => {
    const st = n.status ?? {};
    w.write(0, `Name:\t${n.metadata.name}\n`);
    const roles = nodeRoles(n);
    w.write(0, `Roles:\t${roles.length ? roles.join(',') : '<none>'}\n`);
    printLabelsMultiline(w, 'Labels', n.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', n.metadata.annotations);
    w.write(0, `CreationTimestamp:\t${rfc1123z(n.metadata.creationTimestamp)}\n`);
    const taints = n.spec.taints ?? [];
    w.write(0, `Taints:\t${taints.length ? '' : '<none>\n'}`);
    taints.forEach((t, i) => w.write(0, `${i ? '\t' : ''}${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`));
    w.write(0, `Unschedulable:\t${n.spec.unschedulable === true}\n`);
    // the kubelet renews its Lease in kube-node-lease every 10 seconds
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${n.metadata.name}\n`);
    w.write(1, 'AcquireTime:\t<unset>\n');
    w.write(1, `RenewTime:\t${rfc1123z(rfc3339(Math.floor(now / 10_000) * 10_000))}\n`);
    if (st.conditions?.length) {
      w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
      w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of st.conditions)
        w.write(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime ?? n.metadata.creationTimestamp)} \t${rfc1123z(c.lastTransitionTime ?? n.metadata.creationTimestamp)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
    }
    w.write(0, 'Addresses:\n');
    for (const a of st.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
    if (Object.keys(st.capacity ?? {}).length) {
      w.write(0, 'Capacity:\n');
      printResourceList(w, st.capacity!);
    }
    if (Object.keys(st.allocatable ?? {}).length) {
      w.write(0, 'Allocatable:\n');
      printResourceList(w, st.allocatable!);
    }
    const info = st.nodeInfo ?? {};
    w.write(0, 'System Info:\n');
    w.write(0, `  Machine ID:\t${info.machineID ?? ''}\n`);
    w.write(0, `  System UUID:\t${info.systemUUID ?? ''}\n`);
    w.write(0, `  Boot ID:\t${info.bootID ?? ''}\n`);
    w.write(0, `  Kernel Version:\t${info.kernelVersion ?? ''}\n`);
    w.write(0, `  OS Image:\t${info.osImage ?? ''}\n`);
    w.write(0, `  Operating System:\t${info.operatingSystem ?? ''}\n`);
    w.write(0, `  Architecture:\t${info.architecture ?? ''}\n`);
    w.write(0, `  Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}\n`);
    w.write(0, `  Kubelet Version:\t${info.kubeletVersion ?? ''}\n`);
    w.write(0, `  Kube-Proxy Version:\t${info.kubeProxyVersion ?? ''}\n`);
    if (n.spec.podCIDR) w.write(0, `PodCIDR:\t${n.spec.podCIDR}\n`);
    if (n.spec.podCIDRs?.length) w.write(0, `PodCIDRs:\t${n.spec.podCIDRs.join(',')}\n`);
    describeNodeResource(w, n, pods, now);
    describeEvents(events, w, now);
  });
}

function describeNodeResource(w: PrefixWriter, n: Node, pods: Pod[], now: number): void {
  const alloc = Object.keys(n.status?.allocatable ?? {}).length ? n.status!.allocatable! : (n.status?.capacity ?? {});
  const allocQ = (name: string) => (alloc[name] !== undefined ? parseQuantity(alloc[name]) : undefined);
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const totalReq = new Map<string, Quantity>();
  const totalLim = new Map<string, Quantity>();
  for (const p of pods) {
    const { req, lim } = podRequestsAndLimits(p);
    const cell = (m: Map<string, Quantity>, r: string) => `${fmt(m.get(r))} (${pct(m.get(r), allocQ(r))}%)`;
    w.write(1, `${p.metadata.namespace}\t${p.metadata.name}\t\t${cell(req, 'cpu')}\t${cell(lim, 'cpu')}\t${cell(req, 'memory')}\t${cell(lim, 'memory')}\t${since(p.metadata.creationTimestamp, now)}\n`);
    for (const [k, q] of req) totalReq.set(k, totalReq.has(k) ? addQuantities(totalReq.get(k)!, q) : q);
    for (const [k, q] of lim) totalLim.set(k, totalLim.has(k) ? addQuantities(totalLim.get(k)!, q) : q);
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const line = (r: string) => w.write(1, `${r}\t${fmt(totalReq.get(r))} (${pct(totalReq.get(r), allocQ(r))}%)\t${fmt(totalLim.get(r))} (${pct(totalLim.get(r), allocQ(r))}%)\n`);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) line(r);
  for (const r of Object.keys(alloc).filter((k) => k.startsWith('hugepages-')).sort()) line(r);
}
