// Hoplab's own conformance corpus: every scenario has a golden recorded from exactly that scenario.
// (The goldens themselves are only ever written by the oracle's record.mjs; see README.)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const scenarioDir = path.join(here, 'scenarios');
const goldenDir = path.join(here, 'goldens');
const scenarios = fs.readdirSync(scenarioDir).filter((f) => f.endsWith('.json')).sort();
const goldens = fs.readdirSync(goldenDir).filter((f) => f.endsWith('.json')).sort();

interface Step { on: string; run: string; timeout?: number }
interface Result { on: string; run: string; exit: number; stdout: string; stderr: string }

describe('tests/conformance corpus', () => {
  it('has a golden for every scenario and no orphan goldens', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    expect(goldens).toEqual(scenarios);
  });

  for (const f of scenarios) {
    it(`${f}: golden matches the scenario step for step`, () => {
      const sc = JSON.parse(fs.readFileSync(path.join(scenarioDir, f), 'utf8')) as { name: string; steps: Step[] };
      const golden = JSON.parse(fs.readFileSync(path.join(goldenDir, f), 'utf8')) as {
        name: string;
        recordedWith: Record<string, string>;
        results: Result[];
      };
      expect(sc.name).toBe(f.replace(/\.json$/, ''));
      expect(golden.name).toBe(sc.name);
      expect(golden.recordedWith.kernel).toMatch(/^\d+\.\d+/);
      expect(golden.results.map((r) => [r.on, r.run])).toEqual(sc.steps.map((s) => [s.on, s.run]));
      for (const r of golden.results) {
        expect(r.exit, `${r.on}: ${r.run}`).not.toBe(124); // a step killed by its timeout is not a recording
        expect(typeof r.stdout).toBe('string');
        expect(typeof r.stderr).toBe('string');
      }
    });
  }
});
