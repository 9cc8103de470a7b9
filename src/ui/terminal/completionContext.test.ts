import { describe, expect, it } from 'vitest';
import { presetDoc, replay } from '../../store/replay';
import { completionContext } from './completionContext';
import { complete } from './lineDiscipline';

describe('completion context from the lab', () => {
  const snap = replay(presetDoc('before-routes')).snapshot();
  it('offers the commands, the namespaces and every address', () => {
    const c = completionContext(snap, 'node01', '');
    expect(c.commands).toEqual(expect.arrayContaining(['ip', 'ping', 'traceroute', 'sysctl', 'tcpdump', 'clear', 'history']));
    expect(c.netns).toEqual(['node01', 'node02', 'node03', 'pod1', 'pod2', 'pod3']);
    expect(c.addresses).toEqual(expect.arrayContaining(['192.168.1.11', '10.244.2.1', '10.244.3.2']));
    expect(c.addresses).not.toContain('127.0.0.1');
  });
  it('uses the devices of the namespace a command will run in', () => {
    expect(completionContext(snap, 'node01', 'ip link set ').devices).toEqual(expect.arrayContaining(['eth0', 'v-net-0', 'veth-pod1-br']));
    expect(completionContext(snap, 'node01', 'ip netns exec pod2 ip link set ').devices).toEqual(['lo', 'veth-pod2']);
    expect(completionContext(snap, 'node01', 'ip -n pod3 addr show dev ').devices).toEqual(['lo', 'veth-pod3']);
  });
  it('completes a device of a pod end to end', () => {
    const text = 'ip netns exec pod2 ip addr show dev ve';
    const r = complete({ text, cursor: text.length }, completionContext(snap, 'node01', text));
    expect(r.line.text).toBe('ip netns exec pod2 ip addr show dev veth-pod2 ');
  });
});
