/** Imperative creation: `kubectl run`, `kubectl expose`, `kubectl create deployment|service|namespace|configmap`. */
import type { Deployment, KubeObject, Pod, Service, ServicePort } from '../../kube/api/types';
import { StatusError } from '../../kube/api/errors';
import { lookupResource } from '../../kube/api/resources';
import { KubectlError, errorText } from './errors';
import { flagValue, flagValues, type Parsed } from './flags';
import { resourceName, toJson, toYaml } from './format';
import { namespaceOf, usageError, type KubeCtx } from './context';

function created(k: KubeCtx, p: Parsed, obj: KubeObject, verb = 'created'): number {
  const dry = flagValue(p, 'dry-run');
  const out = flagValue(p, 'output');
  try {
    const stored = k.cluster.store.create(obj, { dryRun: !!dry && dry !== 'none' });
    if (out === 'yaml' || out === 'json') k.out(out === 'yaml' ? toYaml(dry === 'client' ? obj : stored) : toJson(dry === 'client' ? obj : stored));
    else k.out(`${resourceName(stored)} ${verb}${dry && dry !== 'none' ? ` (${dry === 'server' ? 'server dry run' : 'dry run'})` : ''}\n`);
  } catch (e) {
    if (!(e instanceof StatusError)) throw e;
    k.err(errorText(e));
    return 1;
  }
  k.cluster.sync();
  return 0;
}

const portNum = (s: string) => (/^\d+$/.test(s) ? Number(s) : NaN);

export function run(k: KubeCtx, p: Parsed): number {
  const [name, ...args] = p.args;
  if (!name) throw usageError('run', 'NAME is required for run');
  const image = flagValue(p, 'image');
  if (!image) throw new KubectlError(`error: --image is required\n`);
  const labels: Record<string, string> = {};
  for (const l of (flagValue(p, 'labels') ?? `run=${name}`).split(',')) {
    const [a, b] = l.split('=');
    labels[a] = b ?? '';
  }
  const port = flagValue(p, 'port');
  const container: Pod['spec']['containers'][number] = { name, image };
  const rest = [...args, ...(p.rest ?? [])];
  if (rest.length) {
    if (flagValue(p, 'command') === 'true') container.command = rest;
    else container.args = rest;
  }
  if (port) container.ports = [{ containerPort: Number(port) }];
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: namespaceOf(p), labels },
    spec: { containers: [container], restartPolicy: (flagValue(p, 'restart') as Pod['spec']['restartPolicy']) ?? 'Always' },
  };
  const code = created(k, p, pod);
  if (code === 0 && flagValue(p, 'expose') === 'true' && port) {
    const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: namespaceOf(p) }, spec: { selector: labels, ports: [{ port: Number(port), targetPort: Number(port) }] } };
    return created(k, p, svc);
  }
  return code;
}

/** `kubectl expose deployment web --port=80 --target-port=8080 --type=NodePort` */
export function expose(k: KubeCtx, p: Parsed): number {
  const ns = namespaceOf(p);
  const args = p.args.length === 1 && p.args[0].includes('/') ? p.args[0].split('/') : p.args;
  const [type, name] = args;
  const info = type ? lookupResource(type) : undefined;
  if (!info || !name) throw usageError('expose', 'You must provide one or more resources by argument or filename.');
  const obj = k.cluster.store.mustGet(info.kind, ns, name) as KubeObject;
  let selector: Record<string, string> | undefined;
  let ports: ServicePort[] = [];
  const containerPorts = (spec: Pod['spec']) => (spec.containers ?? []).flatMap((c) => c.ports ?? []);
  if (obj.kind === 'Deployment' || obj.kind === 'ReplicaSet') {
    selector = obj.spec.selector.matchLabels;
    if (obj.spec.selector.matchExpressions?.length)
      throw new KubectlError(`error: couldn't retrieve selectors via --selector flag or introspection: ${obj.kind === 'Deployment' ? 'deployments.apps' : 'replicasets.apps'} "${name}" has a selector with matchExpressions, which kubectl expose does not support\n`);
    ports = containerPorts(obj.spec.template.spec).map((c) => ({ port: c.containerPort, protocol: c.protocol, targetPort: c.containerPort }));
  } else if (obj.kind === 'Pod') {
    selector = obj.metadata.labels;
    ports = containerPorts(obj.spec).map((c) => ({ port: c.containerPort, protocol: c.protocol, targetPort: c.containerPort }));
  } else if (obj.kind === 'Service') {
    selector = obj.spec.selector;
    ports = (obj.spec.ports ?? []).map((x) => ({ port: x.port, protocol: x.protocol, targetPort: x.targetPort }));
  } else throw new KubectlError(`error: cannot expose a ${obj.kind}\n`);
  if (!selector || Object.keys(selector).length === 0) throw new KubectlError(`error: couldn't retrieve selectors via --selector flag or introspection: the ${info.singular} has no selector\n`);
  const port = flagValue(p, 'port');
  const target = flagValue(p, 'target-port');
  const protocol = flagValue(p, 'protocol') as ServicePort['protocol'] | undefined;
  if (port) ports = [{ port: portNum(port), protocol: protocol ?? ports[0]?.protocol ?? 'TCP', targetPort: target ? (isNaN(portNum(target)) ? target : portNum(target)) : portNum(port) }];
  else if (target) ports = ports.map((x) => ({ ...x, targetPort: isNaN(portNum(target)) ? target : portNum(target) }));
  if (ports.length === 0) throw new KubectlError(`error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n`);
  if (ports.length > 1) ports = ports.map((x, i) => ({ name: `port-${i + 1}`, ...x }));
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: flagValue(p, 'name') ?? name, namespace: ns, ...(obj.metadata.labels ? { labels: { ...obj.metadata.labels } } : {}) },
    spec: { selector: { ...selector }, ports, ...(flagValue(p, 'type') ? { type: flagValue(p, 'type') as Service['spec']['type'] } : {}) },
  };
  return created(k, p, svc, 'exposed');
}

export function create(k: KubeCtx, p: Parsed, createFromFiles: (k: KubeCtx, p: Parsed) => number): number {
  if (p.flags.has('filename')) return createFromFiles(k, p);
  const [what, ...rest] = p.args;
  const ns = namespaceOf(p);
  switch (what) {
    case 'namespace':
    case 'ns': {
      if (!rest[0]) throw usageError('create namespace', 'exactly one NAME is required, got 0');
      return created(k, p, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: rest[0] } });
    }
    case 'deployment':
    case 'deploy': {
      const name = rest[0];
      if (!name) throw usageError('create deployment', 'exactly one NAME is required, got 0');
      const images = flagValues(p, 'image');
      if (!images.length) throw new KubectlError(`error: required flag(s) "image" not set\n`);
      const port = flagValue(p, 'port');
      const replicas = Number(flagValue(p, 'replicas') ?? '1');
      const labels = { app: name };
      const containers = images.map((image) => ({ name: image.split('/').pop()!.split(':')[0].split('@')[0], image, ...(port ? { ports: [{ containerPort: Number(port) }] } : {}) }));
      const extra = p.rest ?? [];
      if (extra.length) (containers[0] as { command?: string[] }).command = extra;
      const d: Deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, labels },
        spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } },
      };
      return created(k, p, d);
    }
    case 'service':
    case 'svc': {
      const [kind, name] = rest;
      const types: Record<string, Service['spec']['type']> = { clusterip: 'ClusterIP', nodeport: 'NodePort', loadbalancer: 'LoadBalancer', externalname: 'ExternalName' };
      if (!kind || !types[kind]) throw usageError('create service', 'Unexpected args: ' + JSON.stringify(rest));
      if (!name) throw usageError(`create service ${kind}`, 'exactly one NAME is required, got 0');
      const ports: ServicePort[] = flagValues(p, 'tcp').flatMap((s) =>
        s.split(',').map((x) => {
          const [port, target] = x.split(':');
          return { name: `${port}-${target ?? port}`, port: Number(port), protocol: 'TCP' as const, targetPort: Number(target ?? port), ...(flagValue(p, 'node-port') ? { nodePort: Number(flagValue(p, 'node-port')) } : {}) };
        }),
      );
      const svc: Service = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns, labels: { app: name } },
        spec: {
          type: types[kind],
          ...(kind === 'externalname' ? { externalName: flagValue(p, 'external-name') } : { selector: { app: name }, ports }),
          ...(flagValue(p, 'clusterip') ? { clusterIP: flagValue(p, 'clusterip') } : {}),
        },
      };
      return created(k, p, svc);
    }
    case 'configmap':
    case 'cm': {
      const name = rest[0];
      if (!name) throw usageError('create configmap', 'exactly one NAME is required, got 0');
      const data: Record<string, string> = {};
      for (const lit of flagValues(p, 'from-literal')) {
        const i = lit.indexOf('=');
        if (i <= 0) throw new KubectlError(`error: invalid literal source ${lit}, expected key=value\n`);
        data[lit.slice(0, i)] = lit.slice(i + 1);
      }
      return created(k, p, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, ...(Object.keys(data).length ? { data } : {}) });
    }
    default:
      throw new KubectlError(`error: must specify one of -f and -k\n\n`);
  }
}
