// The layering rule in eslint.config.js, exercised through ESLint itself with the project's config.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: root });

/** Lint `code` as if it lived at `file` (relative to the repo) and return the rule ids reported. */
async function ruleIds(file: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return res.messages.map((m) => m.ruleId ?? m.message);
}

describe('hoplab/layers', () => {
  // the first lint builds the TypeScript program of the whole project: seconds on a busy machine
  it('lets the engine import itself at any depth', async () => {
    expect(await ruleIds('src/engine/ipv4/zz_probe.ts', "import { x } from '../fib/table';\nexport const y = x;\n")).toEqual([]);
  }, 60_000);

  it('stops the engine importing kube, commands, store or ui', async () => {
    for (const target of ['kube/pod', 'commands/ip/route', 'store/lab', 'ui/App']) {
      expect(await ruleIds('src/engine/ipv4/zz_probe.ts', `import { x } from '../../${target}';\nexport const y = x;\n`)).toEqual(['hoplab/layers']);
    }
  });

  it('lets commands use engine and kube but not store', async () => {
    expect(await ruleIds('src/commands/ip/zz_probe.ts', "import { a } from '../../engine/world';\nimport { b } from '../../kube/pod';\nexport const y = [a, b];\n")).toEqual([]);
    expect(await ruleIds('src/commands/zz_probe.ts', "import { a } from '../store/lab';\nexport const y = a;\n")).toEqual(['hoplab/layers']);
  });

  it('lets the ui import engine types but not engine values', async () => {
    expect(await ruleIds('src/ui/zz_probe.ts', "import type { World } from '../engine/world';\nexport type Y = World;\n")).toEqual([]);
    expect(await ruleIds('src/ui/zz_probe.ts', "import { type World } from '../engine/world';\nexport type Y = World;\n")).toEqual([]);
    expect(await ruleIds('src/ui/zz_probe.ts', "import { World } from '../engine/world';\nexport const y = World;\n")).toEqual(['hoplab/layers']);
    expect(await ruleIds('src/ui/zz_probe.ts', "import { useLab } from '../store';\nexport const y = useLab;\n")).toEqual([]);
  });

  it('treats src/main.tsx as ui', async () => {
    expect(await ruleIds('src/zz_probe.tsx', "import { World } from './engine/world';\nexport const y = World;\n")).toEqual(['hoplab/layers']);
    expect(await ruleIds('src/zz_probe.tsx', "import { App } from './ui/App';\nexport const y = App;\n")).toEqual([]);
  });

  it('keeps React and Node built-ins out of the pure layers, and the clock out of the engine', async () => {
    expect(await ruleIds('src/kube/zz_probe.ts', "import { useState } from 'react';\nexport const y = useState;\n")).toEqual(['no-restricted-imports']);
    expect(await ruleIds('src/engine/zz_probe.ts', "import fs from 'node:fs';\nexport const y = fs;\n")).toEqual(['no-restricted-imports']);
    expect(await ruleIds('src/engine/zz_probe.ts', 'export const now = () => Date.now();\n')).toEqual(['no-restricted-properties']);
  });

  it('does not apply to tests', async () => {
    expect(await ruleIds('src/engine/zz_probe.test.ts', "import fs from 'node:fs';\nimport { x } from '../store/lab';\nexport const y = [fs, x];\n")).toEqual([]);
  });

  it('reports unused variables but not _-prefixed ones', async () => {
    expect(await ruleIds('src/engine/zz_probe.ts', 'export function f(_a: number, b: number) { const c = 1; return b; }\n')).toEqual(['@typescript-eslint/no-unused-vars']);
  });
});
