import { describe, expect, it } from 'vitest';
import { planConnection } from './connect';
import { seedSnapshot } from './fixture.test-data';

describe('planConnection', () => {
  const snap = seedSnapshot();
  it('plugs a machine into a LAN with its next free interface', () => {
    expect(planConnection(snap, 'host:node01', 'lan:lan0')).toEqual({ kind: 'lan-member', lan: 'lan0', member: 'node01:eth1' });
    expect(planConnection(snap, 'lan:lan0', 'pod:pod1')).toEqual({ kind: 'lan-member', lan: 'lan0', member: 'pod1:eth0' });
  });
  it('cables two machines together', () => {
    expect(planConnection(snap, 'host:node01', 'host:node02')).toEqual({ kind: 'link', a: 'node01:eth1', b: 'node02:eth1' });
  });
  it('refuses self-loops, bridges and LAN to LAN', () => {
    expect(planConnection(snap, 'host:node01', 'host:node01')).toBeNull();
    expect(planConnection(snap, 'br:node01/v-net-0', 'lan:lan0')).toBeNull();
    expect(planConnection(snap, 'lan:lan0', 'lan:lan1')).toBeNull();
    expect(planConnection(snap, null, 'lan:lan0')).toBeNull();
  });
});
