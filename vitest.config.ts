import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // headless stores build cluster labs at once: the code the app loads on demand is there from the start
  resolve: { alias: [{ find: /^\.\/kubeCode$/, replacement: fileURLToPath(new URL('./src/commands/kube/pack.ts', import.meta.url)) }] },
  test: {
    environment: 'node',
    // the machine is shared: a test that loads ESLint or ELK for the first time takes seconds under load
    testTimeout: 30_000,
    include: ['src/**/*.test.{ts,tsx}', 'tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**', 'dist/**'],
  },
});
