/**
 * A storm's cut empties the event queue, which Linux never does: the kernel's own timers are armed
 * again, so a lab goes on as it would have (here an ARP resolution left INCOMPLETE fails in time).
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { mustRun } from '../../commands/testLab';
import { parseIpv4 } from '../addr/ipv4';
import { World } from '../world';

describe('after a storm is cut', () => {
  it('a neighbour left INCOMPLETE still fails after its probes, and the next ping resolves anew', () => {
    const w = new World();
    for (const h of ['a', 'b']) w.addHost(h);
    // a bridges both of its ports into the same LAN: every broadcast goes round for ever
    w.addLan('lan0', ['a:eth0', 'a:eth1', 'b:eth0']);
    mustRun(w, 'a', 'ip link add br0 type bridge && ip link set eth0 master br0 && ip link set eth1 master br0 && ip link set br0 up');
    mustRun(w, 'b', 'ip addr add 10.0.0.2/24 dev eth0');
    const r = runCommand(w, 'b', 'ping -c 1 -W 1 10.0.0.9');
    expect(r.stderr).toContain('stopped by Hoplab');
    const eth0 = w.netns('b')!.devByName('eth0')!;
    const entry = () => w.netns('b')!.neigh.get(eth0, parseIpv4('10.0.0.9')!)?.state;
    // each ARP probe starts the storm again and is cut again; time still goes on between the cuts
    for (let i = 0; i < 10 && entry() !== 'FAILED'; i++) w.advance(1000);
    expect(entry()).toBe('FAILED');
  });
});
