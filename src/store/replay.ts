/**
 * Rebuild a World from a lab document: the base scenario's topology and setup commands, then
 * every operation in order. Deterministic, so it is how undo, redo, import and reload work.
 */
import type { World } from '../engine/world';
import { runCommand } from '../commands';
import { buildWorld } from '../scenarios/runner';
import { presets } from '../scenarios/presets';
import type { CommandResult } from '../commands/types';
import { emptyScenario, type BaseScenario, type LabDoc, type LabOp } from './doc';

/** Apply one operation; topology operations throw Error on bad input (like World does). */
export function applyOp(world: World, op: LabOp): CommandResult | null {
  switch (op.kind) {
    case 'cmd':
      return runCommand(world, op.on, op.run, op.interrupt === undefined ? {} : { interruptAt: op.interrupt });
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

/** Topology + setup of the base scenario (no user operations). Throws if the scenario is unbuildable. */
export function buildBase(base: BaseScenario): World {
  const world = buildWorld(base as Parameters<typeof buildWorld>[0]);
  // scenario steps run as `sh -c` would, like the scenario runner and the presets
  world.tracing = false;
  for (const step of base.steps) runCommand(world, step.on, step.run, { shell: 'sh' });
  world.tracing = true;
  return world;
}

/** The whole lab. Throws only if the base scenario or a topology operation is invalid. */
export function replay(doc: Pick<LabDoc, 'base' | 'ops'>): World {
  const world = buildBase(doc.base);
  world.tracing = false; // nobody watches a replay: skip recording its trace events
  try {
    for (const op of doc.ops) applyOp(world, op);
  } finally {
    world.tracing = true;
  }
  return world;
}

export interface PresetInfo {
  name: string;
  title: string;
  description: string;
}

/** Presets in the order a lesson uses them. */
export const PRESET_ORDER = ['empty', 'fresh', 'bridges', 'pods', 'before-routes', 'routed', 'single-network'];

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
