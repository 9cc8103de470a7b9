import { World } from '../engine/world';
import { runCommand } from '../commands';
import { buildTopology, CLUSTER_PRESET, parseScenario as parseScenarioText, type Scenario } from './scenario';
import { bootCluster } from '../commands/kubectl/boot';
import { presets } from './presets';

export type { Scenario } from './scenario';

/** Time the oracle's recorder spends per namespace after every step (measured: 30–50 ms). */
export const STEP_SETTLE_MS_PER_NETNS = 20;

export interface StepResult {
  on: string;
  run: string;
  exit: number;
  stdout: string;
  stderr: string;
}

export const parseScenario = (jsonText: string): Scenario => parseScenarioText(jsonText, Object.keys(presets));

/** The world a scenario's preset makes: the preset's topology and setup steps, or a booted cluster. */
export function presetWorld(sc: Pick<Scenario, 'preset' | 'cluster' | 'machines'>): World {
  const world = new World();
  // a cluster's nodes are computers of their own, as a scenario's hosts are when it asks
  world.machines = sc.machines === true || sc.preset === CLUSTER_PRESET;
  if (sc.preset === CLUSTER_PRESET) bootCluster(world, sc.cluster);
  else if (sc.preset !== undefined) {
    // own properties only: a preset called "constructor" or "__proto__" is unknown, not Object's
    const p = Object.prototype.hasOwnProperty.call(presets, sc.preset) ? presets[sc.preset] : undefined;
    if (!p) throw new Error(`unknown preset "${sc.preset}" (known: ${Object.keys(presets).join(', ')})`);
    // a stage built on another preset (the cluster stages: a booted cluster, then manifests)
    const staged = p.scenario.preset !== undefined ? presetWorld(p.scenario) : world;
    buildTopology(p.scenario, staged);
    for (const s of p.scenario.steps) runCommand(staged, s.on, s.run, { shell: 'sh', stdin: s.stdin });
    return staged;
  }
  return world;
}

/** The world a scenario starts from: its preset (set up by running the preset's steps), then its own topology. */
export function buildWorld(sc: Scenario): World {
  return buildTopology(sc, presetWorld(sc));
}

/** Run every step as `sh -c` would in the oracle, collecting what each printed. */
export function runScenario(sc: Scenario): { name: string; results: StepResult[] } {
  const world = buildWorld(sc);
  world.tracing = false;
  const results = sc.steps.map((s) => {
    // the oracle settles every namespace after each step: a step takes about 40 ms per namespace
    world.advance(STEP_SETTLE_MS_PER_NETNS * world.allNetns().length);
    const r = runCommand(world, s.on, s.run, { shell: 'sh', stdin: s.stdin });
    return { on: s.on, run: s.run, exit: r.exit, stdout: r.stdout, stderr: r.stderr };
  });
  return { name: sc.name, results };
}
