/**
 * One trace cap, enforced where every event is recorded: a storm is cut at TRACE_CAP events and
 * closed by one summary that names the loop the packets went round.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { World } from '../world';
import { probe } from '../ipv4/probe';
import { TRACE_CAP } from './trace';

/** Host a plugs both eth0 and eth1 into lan0 and bridges them: every broadcast goes round for ever. */
function bridgeLoop(): World {
  const w = new World();
  for (const h of ['a', 'b']) w.addHost(h);
  w.addLan('lan0', ['a:eth0', 'a:eth1', 'b:eth0']);
  expect(runCommand(w, 'a', 'ip link add br0 type bridge && ip link set eth0 master br0 && ip link set eth1 master br0 && ip link set br0 up').exit).toBe(0);
  expect(runCommand(w, 'b', 'ip addr add 10.0.0.2/24 dev eth0').exit).toBe(0);
  return w;
}

describe('the trace cap', () => {
  it('a ping into a bridge loop keeps TRACE_CAP events and ends with what went round', () => {
    const w = bridgeLoop();
    const r = runCommand(w, 'b', 'ping -c 1 -W 1 10.0.0.9');
    expect(r.trace.length).toBe(TRACE_CAP + 1);
    const last = r.trace[r.trace.length - 1];
    expect(last.verdict).toBe('TRACE_CAP');
    expect(last.text).toMatch(/^trace stopped after 5,000 events \([\d,]+ more left out\): a forwarding loop between /);
    // the loop is the switch and host a's bridge; b only receives the copies
    expect(last.text).toContain('switch lan0 (');
    expect(last.text).toContain('a (');
    expect(last.text).toMatch(/a \([^)]*br0/);
    expect(last.text).not.toMatch(/ b \(/);
    // p2 only hands the copies to b: not part of the loop
    expect(last.text).toContain('switch lan0 (br0, p0, p1)');
  });

  it('holds for every way an event is made, probes included', () => {
    const w = bridgeLoop();
    const t = probe(w, 'b', '10.0.0.9').trace;
    expect(t.length).toBe(TRACE_CAP + 1);
    expect(t[t.length - 1].text).toContain('a forwarding loop between');
  });

  it('a long run without a loop is cut without blaming a loop', () => {
    const w = new World();
    w.addHost('a');
    const r = runCommand(w, 'a', 'ping -c 3000 -i 0 -q 127.0.0.1');
    const last = r.trace[r.trace.length - 1];
    expect(last.verdict).toBe('TRACE_CAP');
    expect(last.text).toMatch(/^trace stopped after 5,000 events \([\d,]+ more left out\)$/);
  });
});
