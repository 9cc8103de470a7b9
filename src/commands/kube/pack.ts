/**
 * The Kubernetes half of the command layer, loaded on first use (src/commands/kube/load.ts): the
 * commands that talk to a cluster, booting one, and the policy words the diagnosis adds to a drop.
 * Everything here pulls the cluster code (API server, controllers, agents, CoreDNS, the mesh), the
 * largest part of Hoplab, which a lab without a cluster never needs.
 */
import * as pack from './pack';
import { provideKube } from './load';

// whoever imports this module, dynamically (the app) or statically (the headless runner, tests), has it
provideKube(pack);

export { kubectl } from '../kubectl/kubectl';
export { kubectlNetpol } from '../netpol/kubectlNetpol';
export { istioctl } from '../istioctl/istioctl';
export { bootCluster } from '../kubectl/boot';
export { diagnosePolicyDrops } from '../diagnose/netpol';
// what the store's NetworkPolicy views compute with (src/store/netpol.ts)
export { policyViewOf } from '../../kube/netpol/cluster';
export { evaluate } from '../../kube/netpol/evaluate';
export { verdictText } from '../../kube/netpol/explain';
export { matrixDiff, policyMatrix, selectionPreview, suggestionSteps, withDraft } from '../../kube/netpol/analysis';
export { suggest } from '../../kube/netpol/suggest';
export { policyKey } from '../../kube/netpol/view';
export { readManifest } from '../kubectl/manifest';
