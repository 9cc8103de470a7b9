/**
 * istioctl 1.24 on a node (it reads the admin kubeconfig, as kubectl does): `proxy-config
 * clusters|endpoints|listeners|routes POD[.NS]`, `proxy-status`, `analyze`, `version`, with
 * istioctl's tables (Go's tabwriter, padding 5) and error words. What a proxy holds comes from the
 * sidecar running in the pod (src/kube/mesh), never from a recording.
 */
import { Exit, type Ctx } from '../context';
import { clusterOf, type Cluster } from '../../kube/cluster';
import type { Pod } from '../../kube/api/types';
import { sidecarOf, meshOf } from '../../kube/mesh/mesh';
import { clusters, endpoints, listeners, routes } from '../../kube/mesh/envoy/configdump';
import { analyze } from '../../kube/mesh/analyze';
import { hasSidecar, ISTIO_VERSION } from '../../kube/mesh/inject';
import { ISTIO_NAMESPACE } from '../../kube/mesh/install';
import { humanDuration } from '../../kube/apiserver/clock';
import type { CommandSpec } from '../registry/types';
import { GoTabwriter } from '../kubectl/describe/tabwriter';

class IstioctlError extends Error {}

/** istioctl's tables: Go's text/tabwriter set up with minwidth 0, padding 5. */
export function tabwrite5(rows: string[][]): string {
  const tw = new GoTabwriter(0, 5);
  for (const r of rows) tw.write(`${r.join('\t')}\n`);
  return tw.toString();
}

interface Args {
  positional: string[];
  namespace: string | undefined;
  all: boolean;
  output: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { positional: [], namespace: undefined, all: false, output: '' };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new IstioctlError(`flag needs an argument: ${w}`);
      return v;
    };
    if (w === '-n' || w === '--namespace') a.namespace = value();
    else if (w.startsWith('--namespace=')) a.namespace = w.slice(12);
    else if (w === '-A' || w === '--all-namespaces') a.all = true;
    else if (w === '-o' || w === '--output') a.output = value();
    else if (w.startsWith('--output=') || w.startsWith('-o=')) a.output = w.split('=')[1];
    else if (w.startsWith('-')) throw new IstioctlError(`unknown flag: ${w}`);
    else a.positional.push(w);
  }
  return a;
}

/** `name.namespace` or `name` with -n (default: default). */
function findPod(cluster: Cluster, ref: string, namespace: string | undefined): Pod {
  const dot = ref.indexOf('.');
  const name = dot >= 0 && namespace === undefined ? ref.slice(0, dot) : ref;
  const ns = dot >= 0 && namespace === undefined ? ref.slice(dot + 1) : (namespace ?? 'default');
  const pod = cluster.store.get<Pod>('Pod', ns, name);
  if (!pod) throw new IstioctlError(`pods ${JSON.stringify(name)} not found`);
  return pod;
}

const PC_KINDS: Record<string, 'clusters' | 'endpoints' | 'listeners' | 'routes'> = {
  cluster: 'clusters',
  clusters: 'clusters',
  c: 'clusters',
  endpoint: 'endpoints',
  endpoints: 'endpoints',
  ep: 'endpoints',
  listener: 'listeners',
  listeners: 'listeners',
  l: 'listeners',
  route: 'routes',
  routes: 'routes',
  r: 'routes',
};

function proxyConfig(ctx: Ctx, cluster: Cluster, argv: string[]): number {
  const kind = PC_KINDS[argv[0] ?? ''];
  if (!kind) throw new IstioctlError(argv[0] === undefined ? 'a subcommand is required: all, bootstrap, cluster, ecds, endpoint, listener, log, route, secret' : `unknown command "${argv[0]}" for "istioctl proxy-config"`);
  const a = parseArgs(argv.slice(1));
  if (a.positional.length !== 1) throw new IstioctlError('one pod name is required');
  const pod = findPod(cluster, a.positional[0], a.namespace);
  const sc = sidecarOf(cluster, pod.metadata.namespace!, pod.metadata.name);
  if (!hasSidecar(pod) || !sc) throw new IstioctlError(`failed to execute command on proxy: error execing into ${pod.metadata.name}/${pod.metadata.namespace} istio-proxy container: container istio-proxy is not valid for pod ${pod.metadata.name}`);
  let rows: string[][];
  switch (kind) {
    case 'clusters':
      rows = [['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE'], ...clusters(sc).map((c) => [c.fqdn, c.port, c.subset, c.direction, c.type, c.destinationRule])];
      break;
    case 'endpoints':
      rows = [['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER'], ...endpoints(sc).map((e) => [e.endpoint, e.status, e.outlier, e.cluster])];
      break;
    case 'listeners':
      rows = [['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION'], ...listeners(sc).map((l) => [l.address, String(l.port), l.match, l.destination])];
      break;
    case 'routes':
      rows = [['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'], ...routes(sc).map((r) => [r.name, r.vhost, r.domains, r.match, r.virtualService])];
      break;
  }
  ctx.out.push(tabwrite5(rows));
  return 0;
}

function proxyStatus(ctx: Ctx, cluster: Cluster, argv: string[]): number {
  parseArgs(argv);
  const istiod = cluster.store.list<Pod>('Pod', ISTIO_NAMESPACE).find((p) => p.metadata.labels?.app === 'istiod')?.metadata.name ?? '';
  const now = cluster.now();
  const sidecars = [...meshOf(cluster).sidecars.values()].sort((a, b) => `${a.sandbox.name}.${a.sandbox.namespace}`.localeCompare(`${b.sandbox.name}.${b.sandbox.namespace}`));
  const rows = [['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION']];
  for (const sc of sidecars) {
    const synced = `SYNCED (${humanDuration(now - sc.startedAt)})`;
    rows.push([`${sc.sandbox.name}.${sc.sandbox.namespace}`, 'Kubernetes', synced, synced, synced, synced, 'IGNORED', istiod, ISTIO_VERSION]);
  }
  ctx.out.push(tabwrite5(rows));
  return 0;
}

function analyzeCmd(ctx: Ctx, cluster: Cluster, argv: string[]): number {
  const a = parseArgs(argv);
  const ns = a.all ? undefined : (a.namespace ?? 'default');
  const where = ns === undefined ? 'all namespaces' : `namespace: ${ns}`;
  const msgs = analyze(cluster, ns);
  if (msgs.length === 0) {
    ctx.err.push(`\u2714 No validation issues found when analyzing ${where}.\n`);
    return 0;
  }
  for (const m of msgs) ctx.out.push(`${m.level} [${m.code}] (${m.resource}) ${m.text}\n`);
  if (!msgs.some((m) => m.level === 'Error')) return 0;
  ctx.err.push(`Error: Analyzers found issues when analyzing ${where}.\nSee https://istio.io/v${ISTIO_VERSION.split('.').slice(0, 2).join('.')}/docs/reference/config/analysis for more information about causing and resolving these messages.\n`);
  // istioctl's exit code for analyzer findings at the failure threshold
  return 79;
}

function version(ctx: Ctx, cluster: Cluster): number {
  const n = meshOf(cluster).sidecars.size;
  const cp = cluster.store.list<Pod>('Pod', ISTIO_NAMESPACE).some((p) => p.metadata.labels?.app === 'istiod');
  ctx.out.push(`client version: ${ISTIO_VERSION}\n${cp ? `control plane version: ${ISTIO_VERSION}\n` : ''}data plane version: ${n ? `${ISTIO_VERSION} (${n} proxies)` : 'none'}\n`);
  return 0;
}

export function istioctl(ctx: Ctx, argv: string[]): number {
  const cluster = clusterOf(ctx.world);
  if (!cluster || !cluster.isNode(ctx.ns.name)) {
    ctx.err.push('Error: no running Istio pods in "istio-system"\n');
    throw new Exit(1);
  }
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'proxy-config':
      case 'pc':
        return proxyConfig(ctx, cluster, rest);
      case 'proxy-status':
      case 'ps':
        return proxyStatus(ctx, cluster, rest);
      case 'analyze':
        return analyzeCmd(ctx, cluster, rest);
      case 'version':
        return version(ctx, cluster);
      case undefined:
        ctx.out.push('Istio configuration command line utility for service operators to\ndebug and diagnose their Istio mesh.\n\nUsage:\n  istioctl [command]\n\nAvailable Commands:\n  analyze        Analyze Istio configuration and print validation messages\n  proxy-config   Retrieve information about proxy configuration from Envoy [kube only]\n  proxy-status   Retrieves the synchronization status of each Envoy in the mesh\n  version        Prints out build version information\n');
        return 0;
      default:
        throw new IstioctlError(`unknown command "${sub}" for "istioctl"`);
    }
  } catch (e) {
    if (!(e instanceof IstioctlError)) throw e;
    ctx.err.push(`Error: ${e.message}\n`);
    return 1;
  }
}

export const istioctlCommand: CommandSpec = {
  name: 'istioctl',
  kind: 'read',
  summary: "inspect the service mesh: a sidecar's clusters, endpoints, listeners and routes, proxy sync status, config analysis",
  learn: 'istioctl proxy-config clusters POD, istioctl analyze',
  run: istioctl,
};
