import { describe, expect, it } from 'vitest';
import { netnsCreators, nextName } from './doc';

describe('doc helpers', () => {
  it('finds which node created each namespace', () => {
    const creators = netnsCreators({
      base: { name: 'x', steps: [{ on: 'node01', run: 'ip netns add pod1' }] },
      ops: [
        { kind: 'cmd', on: 'node02', run: 'ip link add v type bridge && ip netns add web', edit: true },
        { kind: 'host', name: 'node03' },
      ],
    });
    expect(creators).toEqual({ pod1: 'node01', web: 'node02' });
  });

  it('picks the next free name', () => {
    expect(nextName('node', ['node01', 'node02'], 1, 2)).toBe('node03');
    expect(nextName('pod', ['pod1', 'pod3'])).toBe('pod2');
    expect(nextName('v-net-', [], 0)).toBe('v-net-0');
  });
});
