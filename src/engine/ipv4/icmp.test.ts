/**
 * ICMP errors a router sends back, and the kernel's per-peer rate limits on them (inet_peer token
 * buckets: ip_error() for unreachable destinations, icmpv4_xrlim_allow() in icmp_send()). The
 * counts are the ones recorded on Linux (tests/conformance/scenarios/icmp-error-rate-limits.json).
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { routed } from '../../commands/testLab';


const seqs = (stdout: string, what: string) => [...stdout.matchAll(new RegExp(`icmp_seq=(\\d+) ${what}`, 'g'))].map((m) => Number(m[1]));

describe('ICMP errors and their rate limits', () => {
  it('no route at the router: "Destination Net Unreachable", but only twice for ten fast pings', () => {
    const w = routed();
    const r = runCommand(w, 'h1', 'ping -c 10 -i 0.2 -W 1 10.9.9.9');
    expect(r.exit).toBe(1);
    expect(seqs(r.stdout, 'Destination Net Unreachable')).toEqual([1, 2]);
    expect(r.stdout).toContain('10 packets transmitted, 0 received, +2 errors, 100% packet loss');
    const limited = r.trace.filter((e) => e.verdict === 'ICMP_RATELIMIT');
    expect(limited).toHaveLength(8);
    expect(limited.every((e) => e.netns === 'r1')).toBe(true);
    // every request was seen and refused at the router
    expect(r.trace.filter((e) => e.verdict === 'IP_INNOROUTES' && e.netns === 'r1')).toHaveLength(10);
  });

  it('TTL 1 through the router: "Time to live exceeded" for a burst of seven, then the bucket is dry', () => {
    const w = routed();
    // icmp_send: six tokens of icmp_ratelimit (1 s) at first, one more per second
    const r = runCommand(w, 'h2', 'ping -c 9 -i 0.2 -W 1 -t 1 10.1.0.2');
    expect(seqs(r.stdout, 'Time to live exceeded')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('From 10.2.0.1'))).toHaveLength(7);
    expect(r.trace.filter((e) => e.verdict === 'IP_INHDR_TTL')).toHaveLength(9);
    expect(r.trace.filter((e) => e.verdict === 'ICMP_RATELIMIT')).toHaveLength(2);
  });

  it('the buckets refill with time: after a pause the router answers again', () => {
    const w = routed();
    runCommand(w, 'h1', 'ping -c 10 -i 0.2 -W 1 10.9.9.9');
    w.advance(10_000);
    const r = runCommand(w, 'h1', 'ping -c 1 -W 1 10.9.9.9');
    expect(seqs(r.stdout, 'Destination Net Unreachable')).toEqual([1]);
  });

  it('limits are per source: another host gets its own answers', () => {
    const w = routed();
    runCommand(w, 'h1', 'ping -c 10 -i 0.2 -W 1 10.9.9.9');
    const r = runCommand(w, 'h2', 'ping -c 1 -W 1 10.9.9.9');
    expect(r.stdout).toContain('From 10.2.0.1 icmp_seq=1 Destination Net Unreachable');
  });

  it('traffic that gets through is never limited', () => {
    const w = routed();
    const r = runCommand(w, 'h1', 'ping -c 20 -i 0.2 10.2.0.2');
    expect(r.stdout).toContain('20 packets transmitted, 20 received, 0% packet loss');
    expect(r.stdout).toContain('ttl=63');
  });

  it('with forwarding off the router says nothing at all', () => {
    const w = routed();
    runCommand(w, 'r1', 'sysctl -w net.ipv4.ip_forward=0');
    const r = runCommand(w, 'h1', 'ping -c 2 -i 0.2 -W 1 10.2.0.2');
    expect(r.stdout).not.toContain('From ');
    expect(r.trace.filter((e) => e.verdict === 'IP_FORWARDING_DISABLED')).toHaveLength(2);
    expect(r.trace.filter((e) => e.verdict === 'ICMP_RATELIMIT')).toEqual([]);
  });
});
