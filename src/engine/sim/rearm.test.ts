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

  it('a TCP connection waiting to retransmit its SYN still gives up in time', () => {
    const w = new World();
    for (const h of ['a', 'b', 'c']) w.addHost(h);
    w.addLan('lan0', ['a:eth0', 'a:eth1', 'b:eth0']);
    w.addLink('b:eth1', 'c:eth0');
    mustRun(w, 'a', 'ip link add br0 type bridge && ip link set eth0 master br0 && ip link set eth1 master br0 && ip link set br0 up');
    mustRun(w, 'b', 'ip addr add 10.0.0.2/24 dev eth0 && ip addr add 10.0.1.2/24 dev eth1');
    // c swallows the SYNs: b's connect() retransmits on its timer
    mustRun(w, 'c', 'ip addr add 10.0.1.3/24 dev eth0 && iptables -A INPUT -p tcp --dport 80 -j DROP');
    mustRun(w, 'b', 'nc 10.0.1.3 80 >/dev/null 2>&1 &');
    w.advance(100);
    const synSent = () => runCommand(w, 'b', 'ss -tan').stdout.includes('SYN-SENT');
    expect(synSent()).toBe(true);
    expect(runCommand(w, 'b', 'ping -c 1 -W 1 10.0.0.9').stderr).toContain('stopped by Hoplab');
    // tcp_syn_retries = 6: about two minutes of backing off, then the connection is given up
    for (let i = 0; i < 20 && synSent(); i++) w.advance(30_000);
    expect(synSent()).toBe(false);
  });
});
