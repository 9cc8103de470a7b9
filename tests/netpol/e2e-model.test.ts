/**
 * The upstream NetworkPolicy e2e model run as cluster scenarios: every case's scenario file
 * (tests/netpol/scenarios, written from cases.ts) runs headless; the agnhost connect probes from
 * inside the pods give the observed truth tables, asserted cell by cell against upstream's
 * expectations and against the evaluator's verdicts on the cluster as it stands (loopback cells
 * ignored, as upstream ignores them). A denied probe is a policy drop (TIMEOUT), and its trace
 * names the policies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/commands';
import { Verdict } from '../../src/engine/sim/trace';
import { clusterOf } from '../../src/kube/cluster';
import { policyViewOf } from '../../src/kube/netpol/cluster';
import { evaluate } from '../../src/kube/netpol/evaluate';
import { buildWorld, parseScenario, STEP_SETTLE_MS_PER_NETNS } from '../../src/scenarios/runner';
import { CASES } from './cases';
import { observed, POD_STRINGS, probeLine, PODS } from './model';
import { caseScenario, caseStages, scenarioText } from './scenarios';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');

const table = (cells: (from: string, to: string) => boolean): string =>
  [['-', ...POD_STRINGS].join('\t'), ...POD_STRINGS.map((f) => [f, ...POD_STRINGS.map((t) => (f === t ? '#' : cells(f, t) ? '.' : 'X'))].join('\t'))].join('\n');

describe('the upstream e2e model as scenarios', () => {
  for (const c of CASES)
    it(c.name, { timeout: 180_000 }, () => {
      const text = fs.readFileSync(path.join(dir, `${c.name}.json`), 'utf8');
      expect(text, 'the scenario file is written from cases.ts (npx tsx tests/netpol/write-scenarios.ts)').toBe(scenarioText(caseScenario(c)));
      const sc = parseScenario(text);
      // as runScenario runs it, keeping the world to ask the evaluator afterwards
      const world = buildWorld(sc);
      world.tracing = false;
      const results = sc.steps.map((s) => {
        world.advance(STEP_SETTLE_MS_PER_NETNS * world.allNetns().length);
        return { ...runCommand(world, s.on, s.run, { shell: 'sh', stdin: s.stdin }), run: s.run };
      });
      for (const r of results.filter((x) => !x.run.includes('/agnhost connect'))) expect(r.exit, `${r.run}\n${r.stderr}`).toBe(0);

      const tables = observed(results);
      const stages = caseStages(c);
      expect(tables.map((t) => [t.port, t.protocol])).toEqual(stages.flatMap((st) => st.probes));
      const expectations = stages.flatMap((st) => st.probes.map(([port, proto]) => st.expect(port, proto)));
      // the evaluator judges the cluster as it stands at the end: the last stage's tables
      const view = policyViewOf(clusterOf(world)!.store);
      const last = tables.length - stages.at(-1)!.probes.length;
      tables.forEach((t, i) => {
        const want = expectations[i];
        const got = (f: string, to: string) => t.cells.get(`${f}>${to}`)!;
        const label = `table ${i + 1}, ${t.port}/${t.protocol}`;
        expect(table(got), `${label}: probes against upstream's expectation`).toBe(table((f, to) => want.get(f, to)));
        if (i >= last) {
          const pod = (s: string) => view.pod(s.split('/')[0], s.split('/')[1])!;
          const judged = (f: string, to: string) => evaluate(view, { src: { kind: 'pod', pod: pod(f) }, dst: { kind: 'pod', pod: pod(to) }, port: t.port, protocol: t.protocol }).allowed;
          expect(table(judged), `${label}: the evaluator against the probes`).toBe(table(got));
        }
        // a denied cell is the policy's drop: the SYN or datagram is never answered
        for (const [cell, err] of t.errors) if (cell.split('>')[0] !== cell.split('>')[1]) expect(err, cell).toMatch(/^TIMEOUT/);
      });

      // one denied probe of the last stage again, traced: the drop names the pod, the direction and the policies
      const t = tables[last];
      const denied = [...t.errors.keys()].find((k) => k.split('>')[0] !== k.split('>')[1]);
      if (denied) {
        const [from, to] = denied.split('>');
        world.tracing = true;
        const r = runCommand(world, `node0${PODS.indexOf(from.split('/')[1] as never) + 1}`, probeLine(from, to, t.port, t.protocol), { shell: 'sh' });
        const drop = r.trace.find((e) => e.verdict === Verdict.NETFILTER_DROP);
        expect(drop?.text).toMatch(/: [xyz]\/[abc] (ingress|egress): isolated by polic(y|ies) [^;]+; no rule matched → DROP$/);
        expect(drop?.fix?.run).toMatch(/^(kubectl patch networkpolicy|echo '.*' \| kubectl apply -f -)/);
      }
    });
});
