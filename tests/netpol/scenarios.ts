/** Each case as a scenario in the cluster scenario format (issue 11): the model, the policies, the probes. */
import type { Scenario } from '../../src/scenarios/scenario';
import type { ModelCase } from './cases';
import { modelScenario } from './model';

export const caseScenario = (c: ModelCase): Scenario =>
  modelScenario(c.name, c.description, [{ steps: [{ on: 'node01', run: 'kubectl apply -f -', stdin: c.policies }], probes: c.probes }, ...(c.then ?? [])]);

/** Every stage's probes and expectation, in order. */
export const caseStages = (c: ModelCase) => [{ probes: c.probes, expect: c.expect }, ...(c.then ?? [])];

export const scenarioText = (sc: Scenario): string => `${JSON.stringify(sc, null, 2)}\n`;
