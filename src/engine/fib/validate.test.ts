import { describe, expect, it } from 'vitest';
import { probe } from '..';
import { mustRun, routed, twoHosts } from '../../commands/testLab';
import { runCommand } from '../../commands/job';
import { Verdict } from '../sim/trace';

const dropOf = (w: ReturnType<typeof routed>, from: string, to: string) => probe(w, from, to, { trace: true }).verdict;

describe('martian sources (ip_route_input_slow, fib_validate_source)', () => {
  it('a host that has the pinger address too drops the request as IP_LOCAL_SOURCE', () => {
    const w = twoHosts();
    mustRun(w, 'h2', 'ip addr add 10.0.0.1/32 dev lo');
    const r = runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.0.2');
    expect(r.exit).toBe(1);
    const drop = r.trace.find((e) => e.verdict === Verdict.IP_LOCAL_SOURCE);
    expect(drop).toMatchObject({ netns: 'h2', dev: 'eth0' });
    expect(drop!.text).toContain('martian source 10.0.0.1');
    // accept_local lets it in
    mustRun(w, 'h2', 'sysctl -qw net.ipv4.conf.eth0.accept_local=1');
    expect(runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.0.2').trace.some((e) => e.verdict === Verdict.IP_LOCAL_SOURCE)).toBe(false);
  });

  it('pings to oneself never meet the source checks (looped on lo)', () => {
    const w = twoHosts();
    for (const dst of ['10.0.0.1', '127.0.0.1', '0.0.0.0']) expect(runCommand(w, 'h1', `ping -c 1 -W 1 ${dst}`).exit).toBe(0);
  });
});

describe('rp_filter', () => {
  // h1 sends from an address whose way back, as the router sees it, leaves through eth1
  const asymmetric = () => {
    const w = routed();
    mustRun(w, 'h1', 'ip addr add 10.2.0.50/32 dev eth0');
    return w;
  };
  const pingFromOddSource = (w: ReturnType<typeof routed>) => runCommand(w, 'h1', 'ping -c 1 -W 1 -I 10.2.0.50 10.2.0.2');

  it('strict (1) drops a packet whose way back is another device', () => {
    const w = asymmetric();
    mustRun(w, 'r1', 'sysctl -qw net.ipv4.conf.all.rp_filter=1');
    const drop = pingFromOddSource(w).trace.find((e) => e.verdict === Verdict.IP_RPFILTER);
    expect(drop).toMatchObject({ netns: 'r1', dev: 'eth0' });
    expect(drop!.text).toContain('strict');
    // the fix offered beside the drop is the loose filter, and it works
    expect(drop!.fix?.run).toBe('sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.eth0.rp_filter=2');
    mustRun(w, 'r1', drop!.fix!.run);
    expect(pingFromOddSource(w).trace.some((e) => e.verdict === Verdict.IP_RPFILTER)).toBe(false);
  });

  it('loose (2) lets it through when any route leads back; the larger of all and the device wins', () => {
    const w = asymmetric();
    mustRun(w, 'r1', 'sysctl -qw net.ipv4.conf.all.rp_filter=2');
    expect(pingFromOddSource(w).trace.some((e) => e.verdict === Verdict.IP_RPFILTER)).toBe(false);
    // the device's strict 1 is smaller than all's loose 2: still loose
    mustRun(w, 'r1', 'sysctl -qw net.ipv4.conf.eth0.rp_filter=1');
    expect(pingFromOddSource(w).trace.some((e) => e.verdict === Verdict.IP_RPFILTER)).toBe(false);
    // all off, the device strict: strict
    mustRun(w, 'r1', 'sysctl -qw net.ipv4.conf.all.rp_filter=0');
    expect(pingFromOddSource(w).trace.some((e) => e.verdict === Verdict.IP_RPFILTER)).toBe(true);
  });

  it('does not get in the way of the ordinary routed ping, nor of redirects', () => {
    const w = routed();
    mustRun(w, 'r1', 'sysctl -qw net.ipv4.conf.all.rp_filter=1');
    expect(dropOf(w, 'h1', '10.2.0.2')).toMatchObject({ kind: 'reply' });
  });
});
