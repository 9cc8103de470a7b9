import { World } from '../engine/world';
import { runCommand } from '../commands';
import { buildTopology, parseScenario as parseScenarioText, type Scenario } from './scenario';
import { presets } from './presets';

export type { Scenario } from './scenario';

export interface StepResult {
  on: string;
  run: string;
  exit: number;
  stdout: string;
  stderr: string;
}

export const parseScenario = (jsonText: string): Scenario => parseScenarioText(jsonText, Object.keys(presets));

/** The world a scenario starts from: its preset (set up by running the preset's steps), then its own topology. */
export function buildWorld(sc: Scenario): World {
  const world = new World();
  if (sc.preset !== undefined) {
    const p = presets[sc.preset];
    if (!p) throw new Error(`unknown preset "${sc.preset}" (known: ${Object.keys(presets).join(', ')})`);
    buildTopology(p.scenario, world);
    for (const s of p.scenario.steps) runCommand(world, s.on, s.run, { shell: 'sh' });
  }
  buildTopology(sc, world);
  return world;
}

/** Run every step as `sh -c` would in the oracle, collecting what each printed. */
export function runScenario(sc: Scenario): { name: string; results: StepResult[] } {
  const world = buildWorld(sc);
  world.tracing = false;
  const results = sc.steps.map((s) => {
    const r = runCommand(world, s.on, s.run, { shell: 'sh' });
    return { on: s.on, run: s.run, exit: r.exit, stdout: r.stdout, stderr: r.stderr };
  });
  return { name: sc.name, results };
}
