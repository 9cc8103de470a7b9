// `npx tsx tests/netpol/write-scenarios.ts`: writes tests/netpol/scenarios/<case>.json from cases.ts
// (the test checks the files and the cases agree).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases';
import { caseScenario, scenarioText } from './scenarios';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');
fs.mkdirSync(dir, { recursive: true });
for (const c of CASES) fs.writeFileSync(path.join(dir, `${c.name}.json`), scenarioText(caseScenario(c)));
console.log(`${CASES.length} scenarios in ${dir}`);
