import { describe, expect, it } from 'vitest';
import { runCommand } from '../job';
import { twoHosts } from '../testLab';

describe('host names in ping and traceroute', () => {
  it('resolve through the hosts file; a name target has its replies named again (pr_addr), -n or a numeric one not', () => {
    const w = twoHosts();
    runCommand(w, 'h1', 'ip link set lo up');
    expect(runCommand(w, 'h1', 'ping -c 1 localhost').stdout).toMatch(/^PING localhost \(127\.0\.0\.1\) 56\(84\) bytes of data\.\n64 bytes from localhost \(127\.0\.0\.1\): icmp_seq=1 ttl=64 /);
    expect(runCommand(w, 'h1', 'ping -c 1 -n localhost').stdout).toMatch(/\n64 bytes from 127\.0\.0\.1: icmp_seq=1 /);
    expect(runCommand(w, 'h1', 'ping -c 1 127.0.0.1').stdout).toMatch(/\n64 bytes from 127\.0\.0\.1: icmp_seq=1 /);
    expect(runCommand(w, 'h1', 'traceroute -q 1 localhost').stdout).toMatch(/^traceroute to localhost \(127\.0\.0\.1\), 30 hops max, 60 byte packets\n 1  localhost \(127\.0\.0\.1\)  \d+\.\d{3} ms\n$/);
    expect(runCommand(w, 'h1', 'traceroute -q 1 -w 1 10.0.0.2').stdout).toMatch(/\n 1  10\.0\.0\.2 \(10\.0\.0\.2\)  /);
  });

  it('say why a name did not resolve, as glibc words it', () => {
    const w = twoHosts();
    expect(runCommand(w, 'h1', 'ping -c 1 nowhere').stderr).toBe('ping: nowhere: Temporary failure in name resolution\n');
    expect(runCommand(w, 'h1', 'ping -c 1 a..b').stderr).toBe('ping: a..b: Name or service not known\n');
    const tr = runCommand(w, 'h1', 'traceroute nowhere');
    expect([tr.exit, tr.stderr]).toEqual([2, 'nowhere: Temporary failure in name resolution\nCannot handle "host" cmdline arg `nowhere\' on position 1 (argc 1)\n']);
  });
});
