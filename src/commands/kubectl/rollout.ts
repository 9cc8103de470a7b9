/**
 * `kubectl rollout status|history|undo` for Deployments (kubectl's rollout commands and
 * polymorphichelpers: DeploymentStatusViewer, DeploymentHistoryViewer, DeploymentRollbacker).
 * The history is the Deployment's ReplicaSets by their revision annotation; undo writes an older
 * ReplicaSet's template back into the Deployment, and the Deployment controller rolls it out.
 * `status` follows the rollout on the virtual clock, printing each new state as kubectl's watch does.
 */
import type { Deployment, ReplicaSet } from '../../kube/api/types';
import { namespaceOf, type KubeCtx } from './context';
import { KubectlError } from './errors';
import { flagValue, type Parsed } from './flags';
import { parseResourceArgs } from './get';
import { describePodTemplate } from './describe/pod';
import { GoTabwriter } from './describe/tabwriter';
import { tabbed } from './describe/writer';

const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
/** annotations a rollback leaves as the Deployment has them (rollback.go's annotationsToSkip) */
const SKIP = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, 'deployment.kubernetes.io/revision-history', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to']);

const USAGE = 'error: required resource not specified\n';

function deploymentOf(k: KubeCtx, p: Parsed, args: string[]): Deployment {
  if (args.length === 0) throw new KubectlError(USAGE);
  const [req] = parseResourceArgs(args);
  if (req.info.kind !== 'Deployment') throw new KubectlError(`error: no ${'rollout'} support for ${req.info.kind}\n`);
  return k.cluster.store.mustGet<Deployment>('Deployment', namespaceOf(p), req.names[0]);
}

const revisionOf = (rs: ReplicaSet): number => Number(rs.metadata.annotations?.[REVISION] ?? 0);

function replicaSetsOf(k: KubeCtx, d: Deployment): ReplicaSet[] {
  return k.cluster.store.list<ReplicaSet>('ReplicaSet', d.metadata.namespace).filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid) && revisionOf(rs) > 0);
}

/** A template as the Deployment wrote it: without the pod-template-hash label, keys in one order. */
function templateKey(t: ReplicaSet['spec']['template']): string {
  const c = structuredClone(t);
  if (c.metadata?.labels) delete c.metadata.labels['pod-template-hash'];
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((key) => [key, sorted((v as Record<string, unknown>)[key])])) : v;
  return JSON.stringify(sorted(c));
}

/** DeploymentStatusViewer.Status: the line to print and whether the rollout is done. */
function statusOf(d: Deployment): { text: string; done: boolean } {
  const name = d.metadata.name;
  const st = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) return { text: 'Waiting for deployment spec update to be observed...\n', done: false };
  const progressing = st.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') throw new KubectlError(`error: deployment "${name}" exceeded its progress deadline\n`);
  const desired = d.spec.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  if (updated < desired) return { text: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...\n`, done: false };
  if ((st.replicas ?? 0) > updated) return { text: `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
  if ((st.availableReplicas ?? 0) < updated) return { text: `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
  return { text: `deployment "${name}" successfully rolled out\n`, done: true };
}

/** Go's time.ParseDuration for --timeout (0 = wait as long as it takes). */
function durationMs(s: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(s);
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  if (!m || s === '') throw new KubectlError(`error: time: invalid duration "${s}"\n`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000 + Number(m[4] ?? 0);
}

function status(k: KubeCtx, p: Parsed, args: string[]): number {
  const first = deploymentOf(k, p, args);
  const read = () => k.cluster.store.mustGet<Deployment>('Deployment', first.metadata.namespace, first.metadata.name);
  const watch = flagValue(p, 'watch') !== 'false';
  const timeout = durationMs(flagValue(p, 'timeout') ?? '0s');
  const world = k.cluster.world;
  const deadline = timeout > 0 ? world.now + timeout : Infinity;
  let last = '';
  for (;;) {
    const s = statusOf(read());
    if (s.text !== last) k.out(s.text);
    last = s.text;
    if (s.done || !watch) return 0;
    const next = world.queue.peekTime();
    // nothing left that could change it: kubectl would wait for ever, the lab stops here
    if (next === undefined || next > deadline) throw new KubectlError('error: timed out waiting for the condition\n');
    world.runUntil(next, () => statusOf(read()).text !== last);
  }
}

function history(k: KubeCtx, p: Parsed, args: string[]): number {
  const d = deploymentOf(k, p, args);
  const byRevision = new Map(replicaSetsOf(k, d).map((rs) => [revisionOf(rs), rs]));
  const want = flagValue(p, 'revision');
  const head = `deployment.apps/${d.metadata.name} `;
  if (byRevision.size === 0) {
    k.out(`${head}\nNo rollout history found.\n`);
    return 0;
  }
  if (want !== undefined && Number(want) > 0) {
    const rs = byRevision.get(Number(want));
    if (!rs) throw new KubectlError('error: unable to find the specified revision\n');
    const t = structuredClone(rs.spec.template);
    const cause = rs.metadata.annotations?.[CHANGE_CAUSE];
    if (cause) t.metadata = { ...t.metadata, annotations: { ...t.metadata?.annotations, [CHANGE_CAUSE]: cause } };
    k.out(`deployment.apps/${d.metadata.name} with revision #${want}\n${tabbed((w) => describePodTemplate(t, w))}\n`);
    return 0;
  }
  const tw = new GoTabwriter(0, 2);
  tw.write('REVISION\tCHANGE-CAUSE\n');
  for (const r of [...byRevision.keys()].sort((a, b) => a - b)) tw.write(`${r}\t${byRevision.get(r)!.metadata.annotations?.[CHANGE_CAUSE] || '<none>'}\n`);
  tw.flush();
  k.out(`${head}\n${tw.toString()}\n`);
  return 0;
}

function undo(k: KubeCtx, p: Parsed, args: string[]): number {
  const d = deploymentOf(k, p, args);
  if (d.spec.paused) throw new KubectlError(`error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${d.metadata.name}' and try again\n`);
  const to = Number(flagValue(p, 'to-revision') ?? 0);
  const sets = replicaSetsOf(k, d);
  let target: ReplicaSet | undefined;
  if (to > 0) {
    target = sets.find((rs) => revisionOf(rs) === to);
    if (!target) throw new KubectlError(`error: unable to find specified revision ${to} in history\n`);
  } else {
    // the second newest revision
    target = [...sets].sort((a, b) => revisionOf(b) - revisionOf(a))[1];
    if (!target) throw new KubectlError(`error: no rollout history found for deployment "${d.metadata.name}"\n`);
  }
  if (templateKey(target.spec.template) === templateKey(d.spec.template)) {
    k.out(`deployment.apps/${d.metadata.name} skipped rollback (current template already matches revision ${revisionOf(target)})\n`);
    return 0;
  }
  const next = structuredClone(d);
  next.spec.template = structuredClone(target.spec.template);
  if (next.spec.template.metadata?.labels) delete next.spec.template.metadata.labels['pod-template-hash'];
  const annotations: Record<string, string> = {};
  for (const [key, v] of Object.entries(d.metadata.annotations ?? {})) if (SKIP.has(key)) annotations[key] = v;
  for (const [key, v] of Object.entries(target.metadata.annotations ?? {})) if (!SKIP.has(key)) annotations[key] = v;
  next.metadata.annotations = annotations;
  k.cluster.store.update(next);
  k.out(`deployment.apps/${d.metadata.name} rolled back\n`);
  return 0;
}

export function rollout(k: KubeCtx, p: Parsed): number {
  const [sub, ...args] = p.args;
  switch (sub) {
    case 'status':
      return status(k, p, args);
    case 'history':
      return history(k, p, args);
    case 'undo':
      return undo(k, p, args);
    case undefined:
      throw new KubectlError('error: Required resource not specified.\n');
    default:
      throw new KubectlError(`error: unknown command "${sub}" for "kubectl rollout"\n`);
  }
}
