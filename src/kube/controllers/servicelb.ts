/**
 * LoadBalancer addresses, as MetalLB's controller hands them out: the lowest free address of the
 * cluster's loadBalancerPool (or the requested spec.loadBalancerIP when it is in the pool and free),
 * written to status.loadBalancer; without a pool a LoadBalancer Service stays <pending>, as on a
 * bare kubeadm cluster. Announcing the address on the LAN is the node speakers' job.
 */
import type { Service } from '../api/types';
import type { Cluster } from '../cluster';
import { cidrContains, ipToNum, numToIp, parseCidr } from '../api/cidr';
import { objKey, splitKey, WorkQueue, type Controller } from './queue';
import { sameJson } from './owners';

export class ServiceLBController implements Controller {
  readonly name = 'servicelb';
  readonly queue = new WorkQueue();

  constructor(private readonly cluster: Cluster) {
    cluster.store.watch('Service', (e) => {
      this.queue.add(objKey(e.object));
      // an address freed by one Service may be what a pending one waits for
      if (e.type === 'DELETED' || (e.type === 'MODIFIED' && (e.object as Service).spec.type !== 'LoadBalancer'))
        for (const s of cluster.store.list<Service>('Service')) if (s.spec.type === 'LoadBalancer' && !s.status?.loadBalancer?.ingress?.length) this.queue.add(objKey(s));
    });
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const store = this.cluster.store;
    const svc = store.get<Service>('Service', ns, name);
    if (!svc) return;
    const poolText = this.cluster.config.loadBalancerPool;
    const current = svc.status?.loadBalancer?.ingress ?? [];
    let want = current;
    if (svc.spec.type !== 'LoadBalancer' || svc.spec.loadBalancerClass || !poolText) want = svc.spec.type === 'LoadBalancer' ? current : [];
    else {
      const pool = parseCidr(poolText);
      const have = current[0]?.ip;
      const requested = svc.spec.loadBalancerIP;
      const keep = have && cidrContains(pool, ipToNum(have)) && (!requested || requested === have);
      if (!keep) {
        const used = new Set<number>();
        for (const s of store.list<Service>('Service'))
          if (s.metadata.uid !== svc.metadata.uid) for (const i of s.status?.loadBalancer?.ingress ?? []) if (i.ip) used.add(ipToNum(i.ip));
        let ip: number | undefined;
        if (requested) ip = cidrContains(pool, ipToNum(requested)) && !used.has(ipToNum(requested)) ? ipToNum(requested) : undefined;
        else for (let a = pool.base; a < pool.base + pool.size && ip === undefined; a++) if (!used.has(a)) ip = a;
        want = ip === undefined ? [] : [{ ip: numToIp(ip), ipMode: 'VIP' }];
      }
    }
    if (sameJson(want, current)) return;
    const next = structuredClone(svc);
    next.status = { loadBalancer: want.length ? { ingress: want } : {} };
    store.update(next, { subresource: 'status' });
    if (want.length) this.cluster.events.record(svc, 'Normal', 'IPAllocated', `Assigned IP ${JSON.stringify(want.map((i) => i.ip))}`, { component: 'metallb-controller' });
  }
}
