/**
 * Rebuild a World from a lab document: the base scenario's topology and setup commands, then
 * every operation in order. Deterministic, so it is how undo, redo, import and reload work.
 */
import type { World } from '../engine/world';
import { ensureKube, runCommand } from '../commands';
import { presets } from '../scenarios/presets';
import { needsCluster, presetWorld } from '../scenarios/build';
import type { CommandResult } from '../commands/types';
import { emptyScenario, type BaseScenario, type LabDoc, type LabOp } from './doc';
import './kubeCode';

/** Apply one operation; topology operations throw Error on bad input (like World does). */
export function applyOp(world: World, op: LabOp): CommandResult | null {
  switch (op.kind) {
    case 'cmd':
      return runCommand(world, op.on, op.run, { ...(op.interrupt === undefined ? {} : { interruptAt: op.interrupt }), ...(op.stdin === undefined ? {} : { stdin: op.stdin }) });
    case 'host':
      world.addHost(op.name);
      return null;
    case 'lan':
      world.addLan(op.name, op.members);
      return null;
    case 'lan-member':
      world.addLanMember(op.lan, op.member);
      return null;
    case 'link':
      world.addLink(op.a, op.b);
      return null;
    case 'remove-host':
      world.removeHost(op.name);
      return null;
    case 'remove-lan':
      world.removeLan(op.name);
      return null;
  }
}

/** Where a replay is: units of work (a host, a cable, a command, an operation) done of the total. */
export interface ReplayProgress {
  done: number;
  total: number;
}

/** Units of work replaying `doc` takes: what the progress indicator counts (a preset is one). */
export function replayUnits(doc: Pick<LabDoc, 'base' | 'ops'>): number {
  const sc = doc.base;
  const topo = (sc.hosts?.length ?? 0) + Object.values(sc.lans ?? {}).reduce((n, m) => n + 1 + m.length, 0) + (sc.links?.length ?? 0);
  return (sc.preset !== undefined ? 1 : 0) + topo + sc.steps.length + doc.ops.length;
}

/**
 * The scenario's topology as `buildTopology` builds it, one unit at a time: each new LAN is made
 * empty and its members plugged one by one, which is what `addLan` does in one call; a LAN the
 * preset made already (a cluster's) gets the members added.
 */
function* topology(sc: Pick<BaseScenario, 'hosts' | 'lans' | 'links'>, world: World): Generator<void> {
  for (const h of sc.hosts ?? []) {
    if (!world.hasNetns(h)) world.addHost(h);
    yield;
  }
  for (const [lan, members] of Object.entries(sc.lans ?? {})) {
    if (!world.lans.some((l) => l.name === lan)) {
      const twice = members.find((m, i) => members.indexOf(m) !== i);
      if (twice !== undefined) throw new Error(`interface "${twice}" is listed twice`);
      world.addLan(lan, []);
    }
    yield;
    for (const m of members) {
      world.addLanMember(lan, m);
      yield;
    }
  }
  for (const [a, b] of sc.links ?? []) {
    world.addLink(a, b);
    yield;
  }
}

/**
 * The whole lab, one unit of work per step of the generator: the base scenario as the scenario
 * runner builds it (its preset, then its own topology and setup commands), then every operation.
 * Throws when the base or an operation is invalid.
 */
export function* replaySteps(doc: Pick<LabDoc, 'base' | 'ops'>): Generator<void, World> {
  const base = doc.base;
  const world = presetWorld(base);
  if (base.preset !== undefined) yield;
  yield* topology(base, world);
  // nobody watches a replay: skip recording its trace events; steps run as `sh -c` would
  world.tracing = false;
  try {
    for (const step of base.steps) {
      runCommand(world, step.on, step.run, { shell: 'sh', stdin: step.stdin });
      yield;
    }
    for (const op of doc.ops) {
      applyOp(world, op);
      yield;
    }
  } finally {
    world.tracing = true;
  }
  return world;
}

/** The whole lab, at once. Throws only if the base scenario or a topology operation is invalid. */
export function replay(doc: Pick<LabDoc, 'base' | 'ops'>): World {
  const steps = replaySteps(doc);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** A frame's worth of replay between two looks at the page (ms). */
const SLICE_MS = 40;

/**
 * The same lab, built in slices that leave the page responsive between them (a big lab takes
 * seconds), reporting progress after each slice. Rejects as `replay` throws.
 */
export async function replayAsync(doc: Pick<LabDoc, 'base' | 'ops'>, onProgress?: (p: ReplayProgress) => void, now: () => number = () => performance.now()): Promise<World> {
  // a cluster lab's code loads on demand (the synchronous replay needs it there already)
  if (needsCluster(doc.base)) await ensureKube();
  const total = replayUnits(doc);
  const steps = replaySteps(doc);
  let done = 0;
  let sliceStart = now();
  for (;;) {
    const r = steps.next();
    if (r.done) {
      onProgress?.({ done: total, total });
      return r.value;
    }
    done++;
    if ((done & 15) === 0 && now() - sliceStart > SLICE_MS) {
      onProgress?.({ done: Math.min(done, total), total });
      await new Promise((resolve) => setTimeout(resolve, 0));
      sliceStart = now();
    }
  }
}

export interface PresetInfo {
  name: string;
  title: string;
  description: string;
}

/** Presets in the order a lesson uses them. */
export const PRESET_ORDER = ['empty', 'fresh', 'bridges', 'pods', 'before-routes', 'routed', 'single-network', 'cluster', 'cluster-service', 'cluster-netpol'];

export function listPresets(): PresetInfo[] {
  const known = Object.values(presets).map((p) => ({ name: p.name, title: p.title, description: p.description }));
  const rank = (n: string) => {
    const i = PRESET_ORDER.indexOf(n);
    return i === -1 ? PRESET_ORDER.length : i;
  };
  return known.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

export function hasPreset(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(presets, name);
}

/** A fresh document for a preset (or an empty lab for an unknown name). */
export function presetDoc(name: string): LabDoc {
  const p = hasPreset(name) ? presets[name] : null;
  if (!p) return { title: 'Empty lab', preset: null, base: emptyScenario(), ops: [], positions: {} };
  return { title: p.title, preset: p.name, base: structuredClone(p.scenario) as BaseScenario, ops: [], positions: {} };
}
