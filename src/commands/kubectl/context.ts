import type { Ctx } from '../context';
import type { Cluster } from '../../kube/cluster';
import { KubectlError } from './errors';
import { flagValue, type Parsed } from './flags';
import { cwdOf, view } from '../fs/common';

/** What a kubectl subcommand works with. */
export interface KubeCtx {
  ctx: Ctx;
  cluster: Cluster;
  out: (s: string) => void;
  err: (s: string) => void;
}

export const namespaceOf = (p: Parsed): string => flagValue(p, 'namespace') ?? 'default';

export const usageError = (command: string, msg: string): KubectlError => new KubectlError(`error: ${msg}\nSee 'kubectl ${command} -h' for help and examples\n`);

/** A file on the host running kubectl (written with `cat > pod.yaml`, say): the shell's file system. */
export function hostFile(k: KubeCtx, path: string): string | undefined {
  const r = view(k.ctx).readFile(path, cwdOf(k.ctx));
  return r.ok ? r.value : undefined;
}
