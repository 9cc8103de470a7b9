import { describe, expect, it, vi } from 'vitest';

// a command-layer bug: one line throws instead of returning a result
vi.mock('../commands', async (importOriginal) => {
  const real = await importOriginal<typeof import('../commands')>();
  return {
    ...real,
    runCommand: (world: Parameters<typeof real.runCommand>[0], on: string, line: string, opts?: Parameters<typeof real.runCommand>[3]) => {
      if (line === 'boom') {
        real.runCommand(world, on, 'ip link set eth0 down'); // half-done work before the crash
        throw new Error('kaboom');
      }
      return real.runCommand(world, on, line, opts);
    },
  };
});

const { createAppStore } = await import('./index');
const { presetDoc } = await import('./replay');

describe('a command that throws', () => {
  it('prints an internal error, records nothing and leaves the lab as it was', () => {
    const store = createAppStore({ initial: presetDoc('fresh') });
    const r = store.getState().run('node01', 'boom');
    expect(r.exit).not.toBe(0);
    expect(r.stderr).toContain('internal error: kaboom');
    expect(store.getState().doc.ops).toEqual([]);
    const eth0 = store.getState().snapshot.netns.find((n) => n.name === 'node01')!.devs.find((d) => d.name === 'eth0')!;
    expect(eth0.adminUp).toBe(true);
  });

  it('an edit that throws is refused like a failing one', () => {
    const store = createAppStore({ initial: presetDoc('fresh') });
    const r = store.getState().edit('node01', ['ip route add 10.0.0.0/8 via 192.168.1.12', 'boom']);
    expect(r.ok).toBe(false);
    expect(store.getState().snapshot.netns.find((n) => n.name === 'node01')!.routes.join()).not.toContain('10.0.0.0/8');
  });
});
