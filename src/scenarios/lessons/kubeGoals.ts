/**
 * Goals over a Kubernetes lab, checked the way the cluster itself would answer:
 * - `endpoints`: "Service web has 3 ready endpoints", read from its EndpointSlices as kube-proxy
 *   reads them (an endpoint with `ready` unset counts as ready, as the API says);
 * - `connects`: "x/a can (not) reach y/b on TCP 80": a real connection from the source's
 *   namespace, as the upstream e2e suite probes it (`agnhost connect`), through kube-proxy's DNAT,
 *   the policy agents' rules and the routes, in a rollback so the lab does not move;
 * - `resolves`: "web.default resolves": `getent hosts NAME` in a pod, through its resolv.conf,
 *   the kube-dns Service and a CoreDNS pod.
 * A probe costs a few packets on the virtual clock (about a millisecond), so they run on every change.
 */
import type { EndpointSlice, Pod } from '../../kube/api/types';
import { clusterOf } from '../../kube/cluster';
import { registerGoalKind, type GoalContext, type GoalResult } from './goals';
import { hostNetns, serviceRef, service, setClusterLookup, splitRef, targetAddress } from './refs';

setClusterLookup(clusterOf);

const s = (v: unknown) => String(v);
const ok = (): GoalResult => ({ ok: true, detail: '' });
const no = (detail: string): GoalResult => ({ ok: false, detail });
const NO_CLUSTER = no('this lab has no Kubernetes cluster');

/** The ready endpoints of a Service: distinct addresses its EndpointSlices list as ready. */
export function readyEndpoints(ctx: GoalContext, ns: string, name: string): string[] | null {
  const cluster = clusterOf(ctx.world);
  if (!cluster) return null;
  const ready = new Set<string>();
  for (const slice of cluster.store.list<EndpointSlice>('EndpointSlice', ns)) {
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
    for (const ep of slice.endpoints ?? []) if (ep.conditions?.ready !== false) for (const a of ep.addresses) ready.add(a);
  }
  return [...ready].sort();
}

registerGoalKind({
  kind: 'endpoints',
  fields: { service: { type: 'name', required: true }, ready: { type: 'number', required: true } },
  describe: (a) => `Service ${s(a.service)} has ${s(a.ready)} ready endpoint${a.ready === 1 ? '' : 's'}`,
  check: (a, ctx) => {
    const [ns, name] = splitRef(s(a.service));
    if (!clusterOf(ctx.world)) return NO_CLUSTER;
    if (!service(ctx.world, ns, name)) return no(`there is no Service ${ns}/${name} yet`);
    const ready = readyEndpoints(ctx, ns, name)!;
    return ready.length === a.ready ? ok() : no(`Service ${ns}/${name} has ${ready.length} ready endpoint${ready.length === 1 ? '' : 's'}${ready.length ? ` (${ready.join(', ')})` : ''}`);
  },
});

registerGoalKind({
  kind: 'connects',
  fields: {
    from: { type: 'name', required: true },
    to: { type: 'target', required: true },
    port: { type: 'number', required: true },
    protocol: { type: 'string', oneOf: ['TCP', 'UDP'] },
    succeeds: { type: 'boolean' },
  },
  describe: (a) => `${s(a.from)} ${a.succeeds === false ? 'cannot reach' : 'reaches'} ${s(a.to)} on ${s(a.protocol ?? 'TCP')} ${s(a.port)}`,
  check: (a, ctx) => {
    const from = hostNetns(ctx.world, s(a.from));
    if (!from) return no(a.from && s(a.from).includes('/') ? `pod ${s(a.from)} is not running` : `there is no ${s(a.from)} yet`);
    const to = targetAddress(ctx.world, ctx.snapshot, s(a.to));
    if ('missing' in to) return no(to.missing);
    const protocol = s(a.protocol ?? 'TCP');
    const r = ctx.probe(from, `agnhost connect ${to.ip}:${s(a.port)} --timeout=1s --protocol=${protocol.toLowerCase()}`);
    const reached = r.exit === 0;
    const want = a.succeeds ?? true;
    if (reached === want) return ok();
    const what = `${s(a.from)} → ${s(a.to)}${s(a.to) !== to.ip ? ` (${to.ip})` : ''} ${protocol}/${s(a.port)}`;
    return no(reached ? `${what} still connects` : `${what}: ${(r.stderr || r.stdout).trim() || `exit ${r.exit}`}`);
  },
});

/** A pod to ask from when the goal names none: a running pod of the name's namespace, else any. */
function defaultAsker(ctx: GoalContext, name: string): string | null {
  const cluster = clusterOf(ctx.world);
  if (!cluster) return null;
  const parts = name.split('.');
  const wanted = parts.length >= 2 ? parts[1] : 'default';
  const running = cluster.store
    .list<Pod>('Pod')
    .filter((p) => p.status?.phase === 'Running' && !p.spec.hostNetwork)
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
    .filter((ref) => hostNetns(ctx.world, ref));
  return running.find((r) => splitRef(r)[0] === wanted) ?? running.find((r) => splitRef(r)[0] === 'default') ?? running[0] ?? null;
}

registerGoalKind({
  kind: 'resolves',
  fields: { name: { type: 'string', required: true }, from: { type: 'name' }, to: { type: 'target' }, succeeds: { type: 'boolean' } },
  describe: (a) =>
    `${a.succeeds === false ? 'the name ' : ''}${s(a.name)} ${a.succeeds === false ? 'does not resolve' : 'resolves'}${a.from ? ` in ${s(a.from)}` : ''}${a.to ? ` to ${serviceRef(s(a.to)) ? `the cluster IP of ${s(a.to).slice(4)}` : s(a.to)}` : ''}`,
  check: (a, ctx) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(s(a.name))) return no(`${s(a.name)} is not a host name`);
    const asker = a.from ? s(a.from) : defaultAsker(ctx, s(a.name));
    if (!asker) return clusterOf(ctx.world) ? no('no pod is running to ask from') : NO_CLUSTER;
    const netns = hostNetns(ctx.world, asker);
    if (!netns) return no(asker.includes('/') ? `pod ${asker} is not running` : `there is no ${asker} yet`);
    const r = ctx.probe(netns, `getent hosts ${s(a.name)}`);
    const got = r.exit === 0 ? (/^(\S+)/.exec(r.stdout)?.[1] ?? '') : '';
    if (a.succeeds === false) return got ? no(`${s(a.name)} still resolves in ${asker}, to ${got}`) : ok();
    if (!got) return no(`${s(a.name)} does not resolve in ${asker}`);
    if (a.to) {
      const want = targetAddress(ctx.world, ctx.snapshot, s(a.to));
      if ('missing' in want) return no(want.missing);
      if (got !== want.ip) return no(`${s(a.name)} resolves to ${got} in ${asker}, not ${want.ip}`);
    }
    return ok();
  },
});
