import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { mustRun, routed } from '../../commands/testLab';
import { ctStats, CT_STAT_NAMES } from './stats';

const col = (name: (typeof CT_STAT_NAMES)[number]) => CT_STAT_NAMES.indexOf(name);

describe('conntrack statistics', () => {
  it('counts a masquerade clash as found on the router, on the CPU the sender runs on', () => {
    const w = routed({ names: ['h1', 'r', 'h2'], left: '10.0.1', right: '10.0.2' });
    mustRun(w, 'r', 'iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE');
    // the router itself already uses source port 5000 towards h2: h1's flow must move
    mustRun(w, 'r', 'conntrack -I -p tcp -s 10.0.2.1 -d 10.0.2.2 --sport 5000 --dport 80 --state ESTABLISHED -t 100');
    runCommand(w, 'h1', 'taskset -c 1 nc -z -w 1 -p 5000 10.0.2.2 80');
    const s = ctStats(w.netns('r')!);
    expect(s[0][col('insert')]).toBe(1);
    expect(s[1][col('found')]).toBeGreaterThan(0);
    expect(s[0][col('found')]).toBe(0);
  });

  it('leaves the counters as they were after a probe', () => {
    const w = routed({ names: ['h1', 'r', 'h2'], left: '10.0.1', right: '10.0.2' });
    mustRun(w, 'h1', 'iptables -A INPUT -m conntrack --ctstate INVALID');
    mustRun(w, 'h1', 'iptables -t raw -A OUTPUT -j NOTRACK');
    const h1 = w.netns('h1')!;
    w.withRollback(() => runCommand(w, 'h1', 'nc -z -w 1 10.0.2.2 9'));
    expect(ctStats(h1)[0][col('invalid')]).toBe(0);
    runCommand(w, 'h1', 'nc -z -w 1 10.0.2.2 9');
    expect(ctStats(h1)[0][col('invalid')]).toBe(1);
  });
});
