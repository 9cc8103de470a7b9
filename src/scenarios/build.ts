/**
 * Building the world a scenario describes: its preset (a topology and setup commands, or a booted
 * cluster), then its own topology. Shared by the app and the headless runner (runner.ts). The
 * cluster code is not imported here: the app loads it on demand (ensureKube) before it builds a
 * cluster lab, and runner.ts, for tests and the conformance runner, loads it with itself.
 */
import { World } from '../engine/world';
import { runCommand } from '../commands';
import { kubeLoaded } from '../commands/kube/load';
import { buildTopology, CLUSTER_PRESET, type Scenario } from './scenario';
import { presets } from './presets';

/** Does building this scenario boot a cluster (its preset, or the preset a stage is built on)? */
export function needsCluster(sc: Pick<Scenario, 'preset'>): boolean {
  if (sc.preset === CLUSTER_PRESET) return true;
  const p = sc.preset !== undefined && Object.prototype.hasOwnProperty.call(presets, sc.preset) ? presets[sc.preset] : undefined;
  return p !== undefined && needsCluster(p.scenario);
}

/** The world a scenario's preset makes: the preset's topology and setup steps, or a booted cluster. */
export function presetWorld(sc: Pick<Scenario, 'preset' | 'cluster' | 'machines'>): World {
  const world = new World();
  // a cluster's nodes are computers of their own, as a scenario's hosts are when it asks
  world.machines = sc.machines === true || sc.preset === CLUSTER_PRESET;
  if (sc.preset === CLUSTER_PRESET) {
    const kube = kubeLoaded();
    // the app awaits ensureKube() at the doors that load labs (src/store); headless runs import runner.ts
    if (!kube) throw new Error('a cluster lab needs the Kubernetes code: await ensureKube() first');
    kube.bootCluster(world, sc.cluster);
  }
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
