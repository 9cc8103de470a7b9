import { describe, expect, it } from 'vitest';
import { buildWorld, parseScenario } from './runner';

describe('scenario presets', () => {
  it('names of Object’s own properties are unknown presets, with the unknown-preset message', () => {
    for (const preset of ['constructor', '__proto__', 'toString', 'valueOf']) {
      expect(() => buildWorld({ name: 'x', preset, steps: [] })).toThrow(`unknown preset "${preset}" (known: empty, fresh,`);
      expect(() => parseScenario(JSON.stringify({ name: 'x', preset, steps: [] }))).toThrow(/"preset" must be one of: empty, fresh/);
    }
  });
});
