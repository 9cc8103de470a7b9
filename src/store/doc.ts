/**
 * The lab document: everything needed to rebuild a lab from nothing.
 *
 * A lab is a base scenario (topology + setup commands, usually a preset) followed by the ordered
 * list of operations the student performed: commands typed in a terminal or run by the UI, and
 * topology edits that have no shell equivalent (a new machine, a LAN switch, a cable, deleting a
 * machine or a switch). Replaying
 * the document on a fresh World is deterministic, so undo/redo, autosave and import/export all
 * work on this plain data. Positions of nodes the student moved by hand ride along.
 *
 * Pure data and pure helpers only: no engine, no React.
 */

import type { Scenario, Step } from '../scenarios/scenario';
import type { LabOp } from '../scenarios/labOp';

/** A setup command of the base scenario. */
export type ScenarioStep = Step;

/** The lab's starting point: a scenario in the oracle's format (a type import keeps this file pure). */
export type BaseScenario = Scenario;

/** What the student did to a lab, in order (defined beside the scenarios, which export it too). */
export type { LabOp } from '../scenarios/labOp';

export interface XY {
  x: number;
  y: number;
}

export interface LabDoc {
  /** title shown in the header */
  title: string;
  /** preset the lab started from, if any */
  preset: string | null;
  base: BaseScenario;
  ops: LabOp[];
  /** canvas node id → position the student dragged it to (relative to its parent) */
  positions: Record<string, XY>;
}

export const emptyScenario = (name = 'empty'): BaseScenario => ({ name, hosts: [], steps: [] });

/** Namespaces created with `ip netns add X` on a node: X is that node's pod. */
export function netnsCreators(doc: Pick<LabDoc, 'base' | 'ops'>): Record<string, string> {
  const out: Record<string, string> = {};
  const scan = (on: string, line: string) => {
    for (const seg of line.split(/&&|\|\||;/)) {
      const m = /^\s*ip\s+netns\s+add\s+(\S+)/.exec(seg);
      if (m) out[m[1]] = on;
    }
  };
  for (const s of doc.base.steps) scan(s.on, s.run);
  for (const op of doc.ops) if (op.kind === 'cmd') scan(op.on, op.run);
  return out;
}

/** A sentence for the activity log describing a topology operation (no shell equivalent). */
export function describeOp(op: LabOp): string {
  switch (op.kind) {
    case 'cmd':
      return op.run;
    case 'host':
      return `new machine ${op.name}: its own network namespace with only lo`;
    case 'lan':
      return op.members.length
        ? `new LAN switch ${op.name} with ${op.members.join(', ')} plugged in`
        : `new LAN switch ${op.name} (drag a host onto it to plug in a cable)`;
    case 'lan-member':
      return `cable from ${op.member} into LAN switch ${op.lan}`;
    case 'link':
      return `cable ${op.a} ⇄ ${op.b}`;
    case 'remove-host':
      return `deleted machine ${op.name}: its network namespace, its interfaces and the cables into it`;
    case 'remove-lan':
      return `deleted LAN switch ${op.name} and every cable plugged into it`;
  }
}

/** Smallest "<prefix>N" (N ≥ start, zero-padded to `pad`) not in `taken`. */
export function nextName(prefix: string, taken: Iterable<string>, start = 1, pad = 0): string {
  const set = new Set(taken);
  for (let n = start; ; n++) {
    const name = prefix + String(n).padStart(pad, '0');
    if (!set.has(name)) return name;
  }
}
