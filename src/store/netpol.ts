/**
 * NetworkPolicy analysis for the UI, over the live cluster: the reachability matrix (pods × pods
 * on one port and protocol), the same matrix with the policy being edited (before it is applied),
 * one connection's explanation with the smallest change that would allow it, applying that change
 * (one undoable lab edit, through kubectl as a person would type it), and tracing the connection
 * with a real probe from the source pod. The words and the suggestions are src/kube/netpol's.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './index';
import type { EditResult } from './lab';
import type { CommandResult } from '../commands/types';
import type { NetworkPolicy, Protocol } from '../kube/api/types';
import { clusterOf } from '../kube/worlds';
import type { CommandStep, PolicyMatrix as Matrix, SelectionPreview } from '../kube/netpol/analysis';
import type { PodInfo, PolicyView } from '../kube/netpol/view';
import { kubeLoaded, type KubePack } from '../commands/kube/load';
import { kubectlHost, objectKey } from './cluster';

export type { RulePreview } from '../kube/netpol/analysis';

/** A policy of a manifest as it reads against the cluster now: whom it isolates, whom each rule admits. */
export interface PolicyPreview extends SelectionPreview {
  /** `namespace/name` */
  policy: string;
}

export interface MatrixPod {
  /** `namespace/name` */
  key: string;
  ip: string;
  node: string | null;
}

export interface PortChoice {
  port: number;
  protocol: Protocol;
  /** the containers' names for it ("serve-80-tcp", "http") */
  names: string[];
}

export interface PolicyMatrix {
  pods: MatrixPod[];
  port: number;
  protocol: Protocol;
  allowed: boolean[][];
}

export interface PolicyDiff {
  before: PolicyMatrix;
  after: PolicyMatrix;
  changed: [number, number][];
  /** `namespace/name` of the policies the manifest holds */
  policies: string[];
}

export interface PolicyFix {
  text: string;
  /** the kubectl line that makes the change, and what it reads on stdin (a new policy for `kubectl apply -f -`) */
  apply: CommandStep;
  /** the kubectl line that takes it back */
  undo: CommandStep;
  alsoOpens: number;
}

export interface ConnectionExplanation {
  src: MatrixPod;
  dst: MatrixPod;
  port: number;
  protocol: Protocol;
  allowed: boolean;
  /** one sentence per direction: the source's egress, then the destination's ingress */
  lines: string[];
  /** policies selecting the source for egress and the destination for ingress */
  egressPolicies: string[];
  ingressPolicies: string[];
  fixes: PolicyFix[];
}

export interface MatrixQuery {
  /** namespaces whose pods are rows and columns; null: every namespace */
  namespaces: string[] | null;
  port: number;
  protocol: Protocol;
}

export interface NetpolSlice {
  /** The ports the pods of these namespaces (null: all) declare, for the matrix's picker (sorted by port, then protocol). */
  policyPorts: (namespaces: string[] | null) => PortChoice[];
  policyMatrix: (q: MatrixQuery) => PolicyMatrix | null;
  /** The matrix now and with the NetworkPolicies of a manifest applied; null without a cluster or policies in it. */
  policyDiff: (manifest: string, q: MatrixQuery) => PolicyDiff | null;
  explainConnection: (src: string, dst: string, port: number, protocol: Protocol) => ConnectionExplanation | null;
  /** For each NetworkPolicy of a manifest: the pods it would select and the pods each rule would admit. */
  previewPolicies: (manifest: string) => PolicyPreview[];
  /** Make a suggested change: one undoable edit; a refused change alters nothing. */
  applyPolicyFix: (fix: PolicyFix) => EditResult;
  /** Open the connection for real from the source pod (nc), so its trace shows the packet meet the policies. */
  traceConnection: (src: string, dst: string, port: number, protocol: Protocol) => CommandResult | null;
}

const asMatrixPod = (p: PodInfo): MatrixPod => ({ key: objectKey(p), ip: p.ip, node: p.nodeName ?? null });
const asPolicyMatrix = (m: Matrix): PolicyMatrix => ({ pods: m.pods.map(asMatrixPod), port: m.port, protocol: m.protocol, allowed: m.cells.map((row) => row.map((c) => c.allowed)) });

const podOf = (view: PolicyView, key: string): PodInfo | undefined => {
  const i = key.indexOf('/');
  return i < 0 ? undefined : view.pod(key.slice(0, i), key.slice(i + 1));
};

/** The NetworkPolicies of a manifest as kubectl reads it (no namespace: kubectl's default). */
export function manifestPolicies(text: string): NetworkPolicy[] {
  // kubectl's reader loads with the cluster code; without a cluster there is nothing to read it against
  const k = kubeLoaded();
  if (!k) return [];
  let objs: Record<string, unknown>[];
  try {
    objs = k.readManifest(text, 'STDIN');
  } catch {
    return [];
  }
  return objs
    .filter((o) => o.kind === 'NetworkPolicy' && typeof o.metadata === 'object' && o.metadata !== null)
    .map((o) => {
      const np = structuredClone(o) as unknown as NetworkPolicy;
      np.metadata.namespace ??= 'default';
      np.spec ??= { podSelector: {} };
      return np;
    });
}

/** The line that opens one connection and says how it went: nc's zero-I/O probe, one second at most. */
export const probeLine = (ip: string, port: number, protocol: Protocol): string => `nc -z${protocol === 'UDP' ? 'u' : ''}v -w 1 ${ip} ${port}`;

export const createNetpolSlice: StateCreator<AppState, [], [], NetpolSlice> = (_set, get) => {
  // a cluster is only ever built once the Kubernetes code has loaded: without one there is nothing to analyse
  const view = (): PolicyView | null => {
    const c = clusterOf(get().world);
    const k = kubeLoaded();
    return c && k ? k.policyViewOf(c.store) : null;
  };
  const kube = (): KubePack => kubeLoaded()!;
  return {
    policyPorts: (namespaces) => {
      const v = view();
      if (!v) return [];
      const byKey = new Map<string, PortChoice>();
      for (const p of v.pods.filter((x) => !namespaces || namespaces.includes(x.namespace)))
        for (const cp of p.ports) {
          const protocol = cp.protocol ?? 'TCP';
          const k = `${cp.containerPort}/${protocol}`;
          const entry = byKey.get(k) ?? byKey.set(k, { port: cp.containerPort, protocol, names: [] }).get(k)!;
          if (cp.name && !entry.names.includes(cp.name)) entry.names.push(cp.name);
        }
      return [...byKey.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
    },

    policyMatrix: (q) => {
      const v = view();
      if (!v) return null;
      return asPolicyMatrix(kube().policyMatrix(v, q.port, q.protocol, q.namespaces ?? undefined));
    },

    policyDiff: (manifest, q) => {
      const v = view();
      const edited = manifestPolicies(manifest);
      if (!v || edited.length === 0) return null;
      const { matrixDiff, withDraft, policyKey } = kube();
      const d = matrixDiff(v, edited.reduce(withDraft, v.policies), q.port, q.protocol, q.namespaces ?? undefined);
      const at = new Map(d.before.pods.map((p, i) => [objectKey(p), i]));
      const changed = d.changed.map((c): [number, number] => [at.get(c.from)!, at.get(c.to)!]);
      return { before: asPolicyMatrix(d.before), after: asPolicyMatrix(d.after), changed, policies: edited.map(policyKey) };
    },

    explainConnection: (srcKey, dstKey, port, protocol) => {
      const v = view();
      const src = v && podOf(v, srcKey);
      const dst = v && podOf(v, dstKey);
      if (!v || !src || !dst) return null;
      const { evaluate, verdictText, policyKey, suggest, suggestionSteps } = kube();
      const c = { src: { kind: 'pod' as const, pod: src }, dst: { kind: 'pod' as const, pod: dst }, port, protocol };
      const verdict = evaluate(v, c);
      return {
        src: asMatrixPod(src),
        dst: asMatrixPod(dst),
        port,
        protocol,
        allowed: verdict.allowed,
        lines: verdictText(verdict),
        egressPolicies: v.policiesFor(src).egress.map(policyKey),
        ingressPolicies: v.policiesFor(dst).ingress.map(policyKey),
        fixes: suggest(v, c).map((s) => ({ text: s.text, ...suggestionSteps(s), alsoOpens: s.alsoOpens })),
      };
    },

    previewPolicies: (manifest) => {
      const v = view();
      if (!v) return [];
      const k = kube();
      return manifestPolicies(manifest).map((np) => ({ policy: k.policyKey(np), ...k.selectionPreview(v, np) }));
    },

    applyPolicyFix: (fix) => {
      const on = kubectlHost(get().cluster);
      if (!on) return { ok: false, error: 'This lab has no Kubernetes cluster.' };
      return get().apply([{ kind: 'cmd', on, ...fix.apply }]);
    },

    traceConnection: (srcKey, dstKey, port, protocol) => {
      const { cluster } = get();
      const [sns, sname] = srcKey.split('/');
      const [dns, dname] = dstKey.split('/');
      const src = cluster?.pods.find((p) => p.namespace === sns && p.name === sname);
      const dst = cluster?.pods.find((p) => p.namespace === dns && p.name === dname);
      if (!src?.netns || !dst?.ip) return null;
      return get().run(src.netns, probeLine(dst.ip, port, protocol), 'ui');
    },
  };
};
