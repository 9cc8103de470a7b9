/**
 * The Service registry's allocation (pkg/registry/core/service): ClusterIPs from the Service CIDR,
 * node ports from the node port range, and the health-check node port of a `Local`
 * LoadBalancer, with the errors the API server gives when a requested value cannot be had.
 */
import { GoLiteral, invalid, invalidError, type FieldError } from '../api/errors';
import { cidrContains, ipToNum, numToIp, parseCidr } from '../api/cidr';
import type { KubeObject, Service } from '../api/types';
import { ipStaticBand, portStaticBand, RangeAllocator } from '../alloc/range';
import type { ClusterRandom } from './ids';
import type { Strategy } from './store';

const needsClusterIP = (s: Service) => s.spec.type !== 'ExternalName' && s.spec.clusterIP !== 'None';
const needsNodePorts = (s: Service) => s.spec.type === 'NodePort' || (s.spec.type === 'LoadBalancer' && s.spec.allocateLoadBalancerNodePorts !== false);
const needsHealthCheck = (s: Service) => s.spec.type === 'LoadBalancer' && s.spec.externalTrafficPolicy === 'Local';

export class ServiceAllocators {
  readonly ips: RangeAllocator;
  readonly ports: RangeAllocator;

  constructor(
    readonly serviceCIDR: string,
    readonly nodePortRange: string,
    random: ClusterRandom,
  ) {
    const c = parseCidr(serviceCIDR);
    // the network address and (for IPv4) the broadcast address are never handed out
    this.ips = new RangeAllocator(c.base + 1, c.size - 2, ipStaticBand(c.size), random);
    const [lo, hi] = nodePortRange.split('-').map(Number);
    this.ports = new RangeAllocator(lo, hi - lo + 1, portStaticBand(hi - lo + 1), random);
  }

  /** The Service strategy the store calls on create and update. */
  strategy(): Strategy {
    return {
      prepareForCreate: (o) => {
        const s = o as Service;
        s.status = { loadBalancer: {} };
      },
      prepareForUpdate: (o, oldObj) => patchAllocatedValues(o as Service, oldObj as Service),
      validateUpdate: (o, oldObj) => {
        const s = o as Service;
        const old = oldObj as Service;
        const errs: FieldError[] = [];
        if (needsClusterIP(old) && needsClusterIP(s) && s.spec.clusterIP && s.spec.clusterIP !== old.spec.clusterIP)
          errs.push(invalid('spec.clusterIPs[0]', s.spec.clusterIP, 'may not change once set'));
        return errs;
      },
      allocate: (o, oldObj) => this.allocate(o as Service, oldObj as Service | undefined),
      release: (o) => this.release(o as Service),
    };
  }

  private allocate(svc: Service, old?: Service): () => void {
    const taken: (() => void)[] = [];
    const undo = () => taken.forEach((f) => f());
    const errs: FieldError[] = [];
    const s = svc.spec;
    try {
      if (needsClusterIP(svc) && !(old && needsClusterIP(old) && old.spec.clusterIP === s.clusterIP && s.clusterIP)) {
        if (s.clusterIP) {
          const r = this.ips.allocate(ipToNum(s.clusterIP));
          if (!r.ok) {
            const why =
              r.reason === 'range' ? `the provided IP (${s.clusterIP}) is not in the valid range. The range of valid IPs is ${this.serviceCIDR}` : 'provided IP is already allocated';
            errs.push(invalid('spec.clusterIPs', new GoLiteral(`[]string{${JSON.stringify(s.clusterIP)}}`), `failed to allocate IP ${s.clusterIP}: ${why}`));
          } else taken.push(() => this.ips.release(r.value));
        } else {
          const r = this.ips.allocateNext();
          if (!r.ok) errs.push(invalid('spec.clusterIPs', new GoLiteral('[]string{}'), 'failed to allocate a serviceIP: range is full'));
          else {
            taken.push(() => this.ips.release(r.value));
            s.clusterIP = numToIp(r.value);
          }
        }
      }
      if (needsClusterIP(svc)) {
        s.clusterIPs = [s.clusterIP!];
        s.ipFamilies ??= ['IPv4'];
        s.ipFamilyPolicy ??= 'SingleStack';
      } else if (s.clusterIP === 'None') {
        s.clusterIPs = ['None'];
        s.ipFamilies ??= ['IPv4'];
        s.ipFamilyPolicy ??= 'SingleStack';
      }
      const oldPorts = new Set(old && needsNodePorts(old) ? (old.spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n) : []);
      if (needsNodePorts(svc)) {
        (s.ports ?? []).forEach((p, i) => {
          if (p.nodePort && oldPorts.has(p.nodePort)) return;
          if (p.nodePort) {
            // two ports of one Service may share a node port when their protocols differ
            if ((s.ports ?? []).slice(0, i).some((q) => q.nodePort === p.nodePort)) return;
            const r = this.ports.allocate(p.nodePort);
            if (!r.ok) {
              const why = r.reason === 'range' ? `provided port is not in the valid range. The range of valid ports is ${this.nodePortRange}` : 'provided port is already allocated';
              errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, why));
            } else taken.push(() => this.ports.release(r.value));
          } else {
            const r = this.ports.allocateNext();
            if (!r.ok) errs.push(invalid(`spec.ports[${i}].nodePort`, 0, 'range is full'));
            else {
              taken.push(() => this.ports.release(r.value));
              p.nodePort = r.value;
            }
          }
        });
      }
      if (needsHealthCheck(svc) && !(old && needsHealthCheck(old) && old.spec.healthCheckNodePort === s.healthCheckNodePort && s.healthCheckNodePort)) {
        if (s.healthCheckNodePort) {
          const r = this.ports.allocate(s.healthCheckNodePort);
          if (!r.ok)
            errs.push(
              invalid(
                'spec.healthCheckNodePort',
                s.healthCheckNodePort,
                `failed to allocate requested HealthCheck NodePort ${s.healthCheckNodePort}: ${r.reason === 'range' ? `provided port is not in the valid range. The range of valid ports is ${this.nodePortRange}` : 'provided port is already allocated'}`,
              ),
            );
          else taken.push(() => this.ports.release(r.value));
        } else {
          const r = this.ports.allocateNext();
          if (r.ok) {
            taken.push(() => this.ports.release(r.value));
            s.healthCheckNodePort = r.value;
          }
        }
      }
      if (errs.length) throw invalidError('Service', 'Service', svc.metadata.name, errs);
    } catch (e) {
      undo();
      throw e;
    }
    if (old) this.releaseDropped(old, svc);
    return undo;
  }

  /** On update, what the new spec no longer holds goes back to the pools. */
  private releaseDropped(old: Service, svc: Service): void {
    if (needsClusterIP(old) && old.spec.clusterIP && (!needsClusterIP(svc) || svc.spec.clusterIP !== old.spec.clusterIP)) this.ips.release(ipToNum(old.spec.clusterIP));
    const kept = new Set(needsNodePorts(svc) ? (svc.spec.ports ?? []).map((p) => p.nodePort) : []);
    if (needsHealthCheck(svc)) kept.add(svc.spec.healthCheckNodePort);
    for (const p of old.spec.ports ?? []) if (p.nodePort && !kept.has(p.nodePort)) this.ports.release(p.nodePort);
    if (old.spec.healthCheckNodePort && !kept.has(old.spec.healthCheckNodePort)) this.ports.release(old.spec.healthCheckNodePort);
    if (!needsNodePorts(svc)) for (const p of svc.spec.ports ?? []) delete p.nodePort;
    if (!needsHealthCheck(svc)) delete svc.spec.healthCheckNodePort;
  }

  private release(svc: Service): void {
    if (needsClusterIP(svc) && svc.spec.clusterIP) this.ips.release(ipToNum(svc.spec.clusterIP));
    for (const p of svc.spec.ports ?? []) if (p.nodePort) this.ports.release(p.nodePort);
    if (svc.spec.healthCheckNodePort) this.ports.release(svc.spec.healthCheckNodePort);
  }

  inServiceCIDR(ip: string): boolean {
    return cidrContains(parseCidr(this.serviceCIDR), ipToNum(ip));
  }
}

/** patchAllocatedValues: an update that leaves an allocated value out keeps the old one. */
function patchAllocatedValues(s: Service, old: Service): void {
  if (needsClusterIP(old) && needsClusterIP(s)) {
    if (!s.spec.clusterIP) s.spec.clusterIP = old.spec.clusterIP;
    if (!s.spec.clusterIPs?.length && old.spec.clusterIPs?.length) s.spec.clusterIPs = [...old.spec.clusterIPs];
  }
  if (needsNodePorts(old) && needsNodePorts(s)) {
    const used = new Set((s.spec.ports ?? []).map((p) => p.nodePort).filter(Boolean));
    const byName = new Map((old.spec.ports ?? []).map((p) => [p.name ?? '', p.nodePort]));
    for (const p of s.spec.ports ?? []) {
      if (p.nodePort) continue;
      const v = byName.get(p.name ?? '');
      if (v && !used.has(v)) p.nodePort = v;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(s) && !s.spec.healthCheckNodePort) s.spec.healthCheckNodePort = old.spec.healthCheckNodePort;
  // dropTypeDependentFields: a Service that stops needing its health check port, the field left as
  // it was, loses it (so switching externalTrafficPolicy to Cluster is not refused for it)
  if (needsHealthCheck(old) && !needsHealthCheck(s) && s.spec.healthCheckNodePort === old.spec.healthCheckNodePort) delete s.spec.healthCheckNodePort;
}

/** status on create is the server's to write, for every kind with a status (PrepareForCreate). */
export function dropStatusStrategy(initial: (o: KubeObject) => unknown, generation = false): Strategy {
  return {
    prepareForCreate: (o) => {
      const x = o as KubeObject & { status?: unknown };
      const st = initial(o);
      if (st === undefined) delete x.status;
      else x.status = st;
      if (generation) o.metadata.generation = 1;
    },
  };
}
