// ESLint flat config for Hoplab.
//
// Two jobs:
//  1. catch real bugs (typescript-eslint recommended, a few core correctness rules, React hook rules);
//  2. enforce the one-way layering  engine <- kube <- commands <- store <- ui <- embed
//     (scenarios sits beside store: it may use engine, kube and commands).
//
// Layering is checked by `hoplab/layers`, a small local rule that resolves every relative import
// against the importing file and looks at which src/<layer>/ it lands in, so it works at any
// folder depth. `no-restricted-imports` keeps browser/UI packages and Node built-ins out of the
// pure layers.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const srcRoot = path.join(repoRoot, 'src');

/**
 * Which layers each layer may import at runtime. `types` lists layers that may only be
 * imported with `import type` / `export type` (type-only specifiers count too).
 * Files directly in src/ (main.tsx) are treated as ui.
 */
const LAYERS = {
  engine: { values: ['engine'], types: [] },
  kube: { values: ['engine', 'kube'], types: [] },
  commands: { values: ['engine', 'kube', 'commands'], types: [] },
  scenarios: { values: ['engine', 'kube', 'commands', 'scenarios'], types: [] },
  store: { values: ['engine', 'kube', 'commands', 'scenarios', 'store'], types: [] },
  ui: { values: ['kube', 'commands', 'scenarios', 'store', 'ui'], types: ['engine'] },
  embed: { values: ['kube', 'commands', 'scenarios', 'store', 'ui', 'embed'], types: ['engine'] },
};

/** The layer a file (absolute path) belongs to, or null if it is not under src/. */
function layerOf(file) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const first = rel.split(path.sep)[0];
  if (first in LAYERS) return first;
  return rel.includes(path.sep) ? first : 'ui';
}

/** True when the import/export declaration brings in types only. */
function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specs = node.specifiers ?? [];
  if (specs.length === 0) return false;
  return specs.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports flow one way: engine <- kube <- commands <- store <- ui <- embed' },
    schema: [],
    messages: {
      upward: 'src/{{from}} must not import from src/{{to}} ("{{spec}}"): layers import one way (engine <- kube <- commands <- store <- ui <- embed).',
      typeOnly: 'src/{{from}} may import src/{{to}} for types only ("{{spec}}"): use `import type`, and go through the store for values.',
      outside: 'src/{{from}} must not import files outside src/ ("{{spec}}").',
    },
  },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    if (!from || /\.test\.tsx?$/.test(file)) return {};
    const rules = LAYERS[from];
    if (!rules) return {};

    function check(node, source, typeOnly) {
      if (!source || typeof source.value !== 'string') return;
      const spec = source.value;
      if (!spec.startsWith('.')) return; // packages are handled by no-restricted-imports
      const target = path.resolve(path.dirname(file), spec);
      const to = layerOf(target);
      if (to === null) {
        context.report({ node: source, messageId: 'outside', data: { from, spec } });
        return;
      }
      if (rules.values.includes(to)) return;
      if (rules.types.includes(to)) {
        if (!typeOnly) context.report({ node: source, messageId: 'typeOnly', data: { from, to, spec } });
        return;
      }
      context.report({ node: source, messageId: 'upward', data: { from, to, spec } });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source, false),
      TSImportType: (node) => {
        const lit = node.argument?.literal ?? node.argument;
        if (lit && lit.type === 'Literal') check(node, lit, true);
      },
    };
  },
};

const UI_PACKAGES = ['react', 'react-dom', 'react-dom/client', 'zustand', '@xyflow/react', '@xterm/xterm', '@xterm/addon-fit', 'elkjs'];
const noUiPackages = {
  paths: UI_PACKAGES.map((name) => ({ name, message: 'The engine, kube, commands and scenarios layers are framework-free: no React, zustand, xyflow, xterm or elk here.' })),
  patterns: [
    { group: ['@xyflow/*', '@xterm/*', 'zustand/*', 'react/*', 'react-dom/*', 'elkjs/*'], message: 'UI packages belong in src/ui or src/store.' },
    { group: ['node:*'], message: 'src/ runs in the browser: no Node built-ins outside tests.' },
  ],
};

export default defineConfig([
  globalIgnores(['dist/**', '.bench/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'coverage/**', '**/*.d.ts', '/work/shared/**', 'tests/e2e/screenshots/**']),

  ...tseslint.configs.recommended,

  {
    name: 'hoplab/correctness',
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    plugins: { hoplab: { rules: { layers: layersRule } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        caughtErrorsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
        ignoreRestSiblings: true,
      }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
      'no-debugger': 'error',
      'no-dupe-else-if': 'error',
      'no-duplicate-case': 'error',
      'no-self-assign': 'error',
      'no-self-compare': 'error',
      'no-unreachable': 'error',
      'no-unsafe-finally': 'error',
      'no-unsafe-negation': 'error',
      'no-cond-assign': ['error', 'except-parens'],
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-compare-neg-zero': 'error',
      'no-async-promise-executor': 'error',
      'no-empty-pattern': 'error',
      'no-sparse-arrays': 'error',
      'no-template-curly-in-string': 'warn',
      'use-isnan': 'error',
      'valid-typeof': 'error',
      'no-fallthrough': 'error',
    },
  },

  {
    name: 'hoplab/layers',
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}'],
    rules: { 'hoplab/layers': 'error' },
  },

  {
    name: 'hoplab/pure-layers',
    files: ['src/engine/**/*.ts', 'src/kube/**/*.ts', 'src/commands/**/*.ts', 'src/scenarios/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', noUiPackages] },
  },

  {
    name: 'hoplab/engine-no-clock',
    files: ['src/engine/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'The engine is deterministic: take `now` (virtual time) as a parameter.' },
        { object: 'Math', property: 'random', message: 'The engine is deterministic: use the seeded rng from src/engine/sim.' },
        { object: 'performance', property: 'now', message: 'The engine is deterministic: take `now` (virtual time) as a parameter.' },
      ],
      'no-restricted-globals': ['error',
        { name: 'window', message: 'The engine has no DOM.' },
        { name: 'document', message: 'The engine has no DOM.' },
        { name: 'setTimeout', message: 'The engine schedules on its own event queue, not on timers.' },
        { name: 'setInterval', message: 'The engine schedules on its own event queue, not on timers.' },
      ],
    },
  },

  {
    name: 'hoplab/react',
    files: ['src/ui/**/*.{ts,tsx}', 'src/embed/**/*.{ts,tsx}', 'src/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },

  {
    name: 'hoplab/node-scripts',
    files: ['scripts/**', 'bench/**', 'tests/**', '*.config.{js,ts}', '**/*.test.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
]);
