import { describe, expect, it } from 'vitest';
import { runCommand } from '..';
import { ctTable } from '../../engine/conntrack/table';
import { mustRun, twoHosts } from '../testLab';

describe('conntrack -U', () => {
  it('updates every entry picked, but prints only those whose answer the 1.4.7 tool reads in step', () => {
    const w = twoHosts();
    for (let p = 1001; p <= 1005; p++) mustRun(w, 'h1', `conntrack -I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport ${p} --dport 53 -t 100`);
    const r = runCommand(w, 'h1', 'conntrack -U -f ipv4 -m 0x10/0xf0');
    expect(r.stderr).toBe('conntrack v1.4.7 (conntrack-tools): 5 flow entries have been updated.\n');
    // entries 0 and 2 of 5 (3j < 2n), each as the fetch after its update showed it
    expect(r.stdout.split('\n').filter(Boolean).map((l) => /sport=(\d+)/.exec(l)![1])).toEqual(['1001', '1003']);
    expect(ctTable(w.netns('h1')!).list().every((ct) => ct.mark === 0x10)).toBe(true);
  });

  it('without an address or -f changes nothing: the kernel refuses family 0', () => {
    const w = twoHosts();
    mustRun(w, 'h1', 'conntrack -I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 1001 --dport 53 -t 100');
    const r = runCommand(w, 'h1', 'conntrack -U -p udp -m 3');
    expect(r.exit).toBe(1);
    expect(r.stderr).toBe('Operation failed: Operation not supported\nconntrack v1.4.7 (conntrack-tools): Operation failed: Operation not supported\n');
    expect(ctTable(w.netns('h1')!).list()[0].mark).toBe(0);
  });

  it('keeps a FIXED_TIMEOUT entry timeout when its packets come', () => {
    const w = twoHosts();
    mustRun(w, 'h1', 'iptables -A OUTPUT -m conntrack --ctstate NEW');
    mustRun(w, 'h1', 'conntrack -I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 1001 --dport 53 -t 100');
    mustRun(w, 'h1', 'conntrack -U -s 10.0.0.1 -u FIXED_TIMEOUT');
    const ct = ctTable(w.netns('h1')!).list()[0];
    const expires = ct.expires;
    runCommand(w, 'h1', 'echo x | nc -u -w 1 -p 1001 10.0.0.2 53');
    expect(ct.packets[0]).toBe(1);
    expect(ct.expires).toBe(expires);
  });
});
