/**
 * The headless scenario runner (tests, the conformance runner, benches): it loads the Kubernetes
 * code with itself, so a cluster scenario builds and kubectl answers synchronously, as before the
 * app learnt to load that code on demand (src/commands/kube/load.ts).
 */
import { runCommand } from '../commands';
import '../commands/kube/pack';
import { parseScenario as parseScenarioText, type Scenario } from './scenario';
import { buildWorld } from './build';
import { presets } from './presets';

export type { Scenario } from './scenario';
export { buildWorld, needsCluster, presetWorld } from './build';

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
