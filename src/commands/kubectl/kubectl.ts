/**
 * kubectl on a node (each node has an admin kubeconfig, as kubeadm leaves the control plane):
 * subcommands with kubectl's flags, output and error messages, against the cluster in this world.
 */
import { Exit, type Ctx } from '../context';
import { clusterOf } from '../../kube/cluster';
import { StatusError } from '../../kube/api/errors';
import { errorText, KubectlError } from './errors';
import { rollout } from './rollout';
import { explain } from './explain';
import { flagBool, flagValue, GLOBAL_FLAGS, parseFlags, type FlagSpec, type Parsed } from './flags';
import { apply, createFromFiles } from './apply';
import { get } from './get';
import { annotate, del, label, scale } from './mutate';
import { patch } from './patch';
import { describe } from './describe';
import { create, expose, run } from './workloads';
import { namespaceOf, usageError, type KubeCtx } from './context';
import { KUBERNETES_VERSION } from '../../kube/bootstrap';
import { parseResourceArgs } from './get';
import { parseSelector } from './selectorArg';
import type { Pod } from '../../kube/api/types';
import { runArgvNow, isCommand } from '../shell/dispatch';
import type { CommandSpec } from '../registry/types';
import { resourceName } from './format';

const f = (name: string, short?: string, value = true, multi = false): FlagSpec => ({ name, short, value, multi });
const OUTPUT = f('output', 'o');
const FILE = f('filename', 'f', true, true);
const SELECTOR = f('selector', 'l');
const DRY = f('dry-run');

const SPECS: Record<string, FlagSpec[]> = {
  apply: [FILE, DRY, OUTPUT, f('server-side', undefined, false), f('validate'), f('force', undefined, false), f('recursive', 'R', false)],
  create: [FILE, DRY, OUTPUT, f('save-config', undefined, false), f('image', undefined, true, true), f('port'), f('replicas', 'r'), f('tcp', undefined, true, true), f('node-port'), f('clusterip'), f('external-name'), f('from-literal', undefined, true, true), f('validate')],
  get: [OUTPUT, SELECTOR, f('all-namespaces', 'A', false), f('show-labels', undefined, false), f('no-headers', undefined, false), f('watch', 'w', false)],
  delete: [FILE, SELECTOR, f('all', undefined, false), f('grace-period'), f('now', undefined, false), f('force', undefined, false), f('wait'), f('ignore-not-found', undefined, false)],
  run: [f('image'), f('port'), f('labels', 'l'), f('restart'), f('command', undefined, false), f('expose', undefined, false), DRY, OUTPUT, f('env', undefined, true, true), f('rm', undefined, false), f('stdin', 'i', false), f('tty', 't', false)],
  expose: [f('port'), f('target-port'), f('protocol'), f('type'), f('name'), DRY, OUTPUT, SELECTOR],
  scale: [f('replicas'), SELECTOR, f('all', undefined, false)],
  label: [f('overwrite', undefined, false), SELECTOR, f('all', undefined, false)],
  annotate: [f('overwrite', undefined, false), SELECTOR, f('all', undefined, false)],
  exec: [f('container', 'c'), f('stdin', 'i', false), f('tty', 't', false)],
  logs: [f('container', 'c'), f('tail'), f('follow', 'f', false), f('all-containers', undefined, false), f('timestamps', undefined, false)],
  version: [OUTPUT, f('client', undefined, false)],
  'cluster-info': [],
  wait: [f('for'), f('timeout'), SELECTOR, f('all', undefined, false), f('all-namespaces', 'A', false)],
  describe: [SELECTOR, f('all-namespaces', 'A', false), f('show-events'), FILE, f('chunk-size')],
  rollout: [f('watch', 'w', false), f('timeout'), f('revision'), f('to-revision'), DRY],
  explain: [f('recursive', undefined, false), f('api-version')],
  patch: [f('patch', 'p'), f('patch-file'), f('type'), f('subresource'), DRY, OUTPUT, FILE, f('local', undefined, false)],
};

export function kubectl(ctx: Ctx, argv: string[]): void {
  const cluster = clusterOf(ctx.world);
  if (!cluster || !cluster.isNode(ctx.ns.name)) {
    ctx.err.push('The connection to the server localhost:8080 was refused - did you specify the right host or port?\n');
    throw new Exit(1);
  }
  const k: KubeCtx = { ctx, cluster, out: (s) => ctx.out.push(s), err: (s) => ctx.err.push(s) };
  const { sub, rest } = splitSubcommand(argv);
  let code: number;
  try {
    code = dispatch(k, sub, rest);
  } catch (e) {
    if (e instanceof KubectlError) {
      ctx.err.push(e.text);
      code = e.code;
    } else if (e instanceof StatusError) {
      ctx.err.push(errorText(e));
      code = 1;
    } else throw e;
  }
  if (code !== 0) throw new Exit(code);
}

/**
 * The subcommand is the first word that is not a global flag or its value (cobra's persistent
 * flags may come first: `kubectl -n kube-system get pods`); the global flags go on with the rest.
 */
function splitSubcommand(argv: string[]): { sub: string | undefined; rest: string[] } {
  const globals: string[] = [];
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '--'; i++) {
    const a = argv[i];
    const spec = GLOBAL_FLAGS.find((g) => a === `--${g.name}` || (g.short !== undefined && a === `-${g.short}`));
    globals.push(a);
    if (spec?.value && i + 1 < argv.length) globals.push(argv[++i]);
  }
  return { sub: argv[i], rest: [...globals, ...argv.slice(i + 1)] };
}

function dispatch(k: KubeCtx, sub: string | undefined, rest: string[]): number {
  if (sub === undefined) {
    k.out('kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n');
    return 0;
  }
  const specs = SPECS[sub];
  // a plugin: kubectl runs the `kubectl-NAME` program on the PATH with the rest of the words
  if (!specs && isCommand(`kubectl-${sub}`)) return runArgvNow(k.ctx, [`kubectl-${sub}`, ...rest]);
  if (!specs) throw new KubectlError(`error: unknown command "${sub}" for "kubectl"\n`);
  const p = parseFlags(rest, specs, sub);
  switch (sub) {
    case 'apply':
      return apply(k, p);
    case 'create':
      return create(k, p, createFromFiles);
    case 'get':
      return get(k, p);
    case 'delete':
      return del(k, p);
    case 'run':
      return run(k, p);
    case 'expose':
      return expose(k, p);
    case 'scale':
      return scale(k, p);
    case 'label':
      return label(k, p);
    case 'annotate':
      return annotate(k, p);
    case 'exec':
      return exec(k, p);
    case 'logs':
      return logs(k, p);
    case 'version':
      k.out(flagBool(p, 'client') ? `Client Version: ${KUBERNETES_VERSION}\nKustomize Version: v5.4.2\n` : `Client Version: ${KUBERNETES_VERSION}\nKustomize Version: v5.4.2\nServer Version: ${KUBERNETES_VERSION}\n`);
      return 0;
    case 'cluster-info':
      return clusterInfo(k);
    case 'wait':
      return wait(k, p);
    case 'patch':
      return patch(k, p);
    case 'describe':
      return describe(k, p);
    case 'rollout':
      return rollout(k, p);
    case 'explain':
      return explain(k, p);
    default:
      return 0;
  }
}

function podOf(k: KubeCtx, p: Parsed, name: string | undefined, command: string): Pod {
  if (!name) throw usageError(command, 'expected POD or TYPE/NAME');
  const podName = name.startsWith('pod/') ? name.slice(4) : name;
  return k.cluster.store.mustGet<Pod>('Pod', namespaceOf(p), podName);
}

/** `kubectl exec POD [-c C] -- CMD...`: the program runs in the pod's network namespace. */
function exec(k: KubeCtx, p: Parsed): number {
  const pod = podOf(k, p, p.args[0], 'exec');
  const argv = p.rest ?? p.args.slice(1);
  if (!argv.length) throw usageError('exec', 'you must specify at least one command for the container');
  const container = flagValue(p, 'container') ?? pod.spec.containers[0]?.name;
  if (!pod.spec.containers.some((c) => c.name === container)) throw new KubectlError(`Error from server (BadRequest): container ${container} is not valid for pod ${pod.metadata.name}\n`);
  const sb = k.cluster.runtime.get(pod.metadata.uid);
  if (!sb || pod.status?.phase !== 'Running') throw new KubectlError(`error: unable to upgrade connection: container not found ("${container}")\n`);
  const ns = k.ctx.world.netns(sb.netns);
  if (!ns) throw new KubectlError(`error: unable to upgrade connection: container not found ("${container}")\n`);
  if (!isCommand(argv[0])) {
    k.err(`error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${'0'.repeat(64)}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0]}": executable file not found in $PATH: unknown\n`);
    return 1;
  }
  const code = runArgvNow({ ...k.ctx, ns, shell: 'sh' }, argv);
  if (code !== 0) k.err(`command terminated with exit code ${code}\n`);
  return code;
}

function logs(k: KubeCtx, p: Parsed): number {
  const pod = podOf(k, p, p.args[0], 'logs');
  const containers = pod.spec.containers.map((c) => c.name);
  // podcmd.FindOrDefaultContainerByName: the pod's default-container annotation (an injected sidecar's pod) names it
  let container = flagValue(p, 'container') ?? p.args[1] ?? pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (!container) {
    if (containers.length > 1 && !flagBool(p, 'all-containers'))
      throw new KubectlError(`error: a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]\n`);
    container = containers[0];
  }
  if (!containers.includes(container)) throw new KubectlError(`error: container ${container} is not valid for pod ${pod.metadata.name}\n`);
  const lines = k.cluster.runtime.logs(pod.metadata.uid!, container) ?? [];
  const tail = flagValue(p, 'tail');
  const shown = tail !== undefined && Number(tail) >= 0 ? lines.slice(Math.max(0, lines.length - Number(tail))) : lines;
  k.out(shown.join(''));
  return 0;
}

function clusterInfo(k: KubeCtx): number {
  const api = `https://${k.cluster.config.nodes[0].ip.split('/')[0]}:6443`;
  k.out(`Kubernetes control plane is running at ${api}\n`);
  if (k.cluster.store.get('Service', 'kube-system', 'kube-dns')) k.out(`CoreDNS is running at ${api}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n`);
  k.out(`\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`);
  return 0;
}

/** Go's time.ParseDuration for --timeout (30s, 1m, 90s, 1m30s). */
function parseDuration(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  let used = 0;
  while ((m = re.exec(s))) {
    ms += Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    used += m[0].length;
  }
  return used === s.length && used > 0 ? ms : undefined;
}

/** `kubectl wait --for=condition=Ready pod/x` (also `--for=delete`), on the virtual clock. */
function wait(k: KubeCtx, p: Parsed): number {
  const forArg = flagValue(p, 'for');
  if (!forArg) throw new KubectlError('error: --for must be specified\n');
  const timeout = parseDuration(flagValue(p, 'timeout') ?? '30s');
  if (timeout === undefined) throw new KubectlError(`error: time: invalid duration "${flagValue(p, 'timeout')}"\n`);
  const allNs = flagBool(p, 'all-namespaces');
  const ns = namespaceOf(p);
  const reqs = parseResourceArgs(p.args);
  const store = k.cluster.store;
  const selector = flagValue(p, 'selector') ?? '';
  const match = selector.trim() === '' ? undefined : parseSelector(selector);
  // the resource builder's order: names, else a selector (or --all) over the namespace or all of them
  const names: { kind: Pod['kind'] | string; ns: string; name: string; plural: string }[] = [];
  for (const r of reqs) {
    if (r.names.length) {
      if (allNs && r.info.namespaced) throw new KubectlError('error: a resource cannot be retrieved by name across all namespaces\n');
      for (const n of r.names) names.push({ kind: r.info.kind, ns, name: n, plural: r.info.plural });
    } else if (flagBool(p, 'all') || match) {
      for (const o of store.list(r.info.kind, r.info.namespaced && !allNs ? ns : undefined)) {
        if (!match || match(o.metadata.labels ?? {})) names.push({ kind: o.kind, ns: o.metadata.namespace ?? ns, name: o.metadata.name, plural: r.info.plural });
      }
    } else throw new KubectlError('error: resource(s) were provided, but no name was specified\n');
  }
  if (!names.length) throw new KubectlError('error: no matching resources found\n');
  let cond: (o: unknown) => boolean;
  const m = /^condition=([^=]+)(?:=(.*))?$/i.exec(forArg);
  if (forArg === 'delete') cond = (o) => o === undefined;
  else if (m) {
    const want = (m[2] ?? 'True').toLowerCase();
    cond = (o) => !!(o as { status?: { conditions?: { type: string; status: string }[] } } | undefined)?.status?.conditions?.some((c) => c.type.toLowerCase() === m[1].toLowerCase() && c.status.toLowerCase() === want);
  } else throw new KubectlError(`error: unrecognized condition: "${forArg}"\n`);
  const world = k.cluster.world;
  const deadline = world.now + timeout;
  let code = 0;
  for (const n of names) {
    const read = () => store.get(n.kind as Pod['kind'], n.ns, n.name);
    if (forArg !== 'delete' && !read()) {
      k.err(`Error from server (NotFound): ${n.plural} "${n.name}" not found\n`);
      code = 1;
      continue;
    }
    const done = () => cond(read());
    while (!done() && world.now < deadline) {
      const next = world.queue.peekTime();
      world.runUntil(next === undefined ? deadline : Math.min(deadline, next), done);
      if (next === undefined) break;
    }
    if (done()) {
      const o = read();
      k.out(`${o ? resourceName(o) : `${n.kind.toLowerCase()}/${n.name}`} condition met\n`);
    } else {
      k.err(`error: timed out waiting for the condition on ${n.plural}/${n.name}\n`);
      code = 1;
    }
  }
  return code;
}

export const kubectlCommand: CommandSpec = {
  name: 'kubectl',
  kind: 'config',
  summary: 'talk to the cluster: apply, get, describe, exec, delete Kubernetes objects',
  learn: 'kubectl help, kubectl get --help',
  run: kubectl,
};
