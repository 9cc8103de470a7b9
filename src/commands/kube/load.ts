/**
 * Loading the Kubernetes code on demand. The app fetches it when a lab first needs a cluster (the
 * store awaits `ensureKube()` before it builds one) or when `kubectl`, `kubectl-netpol` or
 * `istioctl` first runs in a terminal: the command waits on the virtual clock, as a process waits
 * for a page fault from disk, until the module is there. Headless code (the scenario runner, the
 * tests' cluster helpers) imports pack.ts statically, and everything stays synchronous there.
 */
import { waitUntil, type Proc } from '../../engine/proc/task';
import type { Ctx } from '../context';
import type { CommandReturn } from '../registry/types';

export type KubePack = typeof import('./pack');

let pack: KubePack | null = null;
let loading: Promise<KubePack> | null = null;

/** The Kubernetes code, once it has loaded (a lab with a cluster implies it has). */
export const kubeLoaded = (): KubePack | null => pack;

/** pack.ts hands itself over when it is evaluated, however it was imported. */
export function provideKube(p: KubePack): void {
  pack = p;
}

/** Load the Kubernetes code (once; later calls share the first load). */
export function ensureKube(): Promise<KubePack> {
  loading ??= import('./pack').then(
    (m) => (pack = m),
    (e: unknown) => {
      // a failed fetch (offline) may succeed on a later try
      loading = null;
      throw e;
    },
  );
  return loading;
}

type Run = (ctx: Ctx, argv: string[]) => CommandReturn;

/** Run `pick(pack)` now if the pack is here; else wait for it on the virtual clock, then run it. */
export function kubeRun(name: string, pick: (p: KubePack) => Run): Run {
  return (ctx, argv) => (pack ? pick(pack)(ctx, argv) : runWhenLoaded(name, ctx, argv, pick));
}

function* runWhenLoaded(name: string, ctx: Ctx, argv: string[], pick: (p: KubePack) => Run): Proc {
  let failed: unknown = null;
  ensureKube().then(
    () => ctx.task.wake(),
    (e: unknown) => {
      failed = e;
      ctx.task.wake();
    },
  );
  while (!pack && !failed) yield waitUntil();
  if (!pack) {
    ctx.err.push(`${name}: cannot load the Kubernetes code: ${failed instanceof Error ? failed.message : String(failed)}\n`);
    return 126;
  }
  const r = pick(pack)(ctx, argv);
  return typeof r === 'object' ? yield* r : (r ?? 0);
}
