/** agnhost connect: one probe, upstream's fixed error prefixes, exit 1 on any failure. */
import { describe, expect, it } from 'vitest';
import { twoHosts } from '../testLab';
import { runCommand, startJob } from '../index';
import { parseGoDuration } from './agnhostConnect';

function lab() {
  const w = twoHosts('client', 'web');
  const server = startJob(w, 'web', 'agnhost netexec --http-port=80 --udp-port=81', { shell: 'sh' });
  w.advance(10);
  const sh = (line: string) => runCommand(w, 'client', line, { shell: 'sh' });
  return { w, server, sh };
}

describe('agnhost connect', () => {
  it('succeeds silently over TCP and UDP, and says REFUSED for a closed port', () => {
    const { sh } = lab();
    expect(sh('agnhost connect 10.0.0.2:80 --timeout=1s --protocol=tcp')).toMatchObject({ exit: 0, stdout: '', stderr: '' });
    expect(sh('agnhost connect 10.0.0.2:81 --timeout=1s --protocol=udp')).toMatchObject({ exit: 0, stdout: '', stderr: '' });
    expect(sh('agnhost connect 10.0.0.2:82 --timeout=1s')).toMatchObject({ exit: 1, stderr: 'REFUSED\n' });
    const udp = sh('agnhost connect 10.0.0.2:82 --timeout=1s --protocol=udp');
    expect(udp.exit).toBe(1);
    expect(udp.stderr).toMatch(/^REFUSED: read udp 10\.0\.0\.1:\d+->10\.0\.0\.2:82: read: connection refused\n$/);
  });

  it('times out on a dropped packet, after the timeout on the virtual clock', () => {
    const { w, sh } = lab();
    expect(runCommand(w, 'web', 'iptables -A INPUT -p tcp --dport 80 -j DROP; iptables -A INPUT -p udp --dport 81 -j DROP').exit).toBe(0);
    const t0 = w.now;
    expect(sh('agnhost connect 10.0.0.2:80 --timeout=1s --protocol=tcp')).toMatchObject({ exit: 1, stderr: 'TIMEOUT\n' });
    expect(w.now - t0).toBeGreaterThanOrEqual(1000);
    const udp = sh('agnhost connect 10.0.0.2:81 --timeout=500ms --protocol=udp');
    expect(udp.exit).toBe(1);
    expect(udp.stderr).toMatch(/^TIMEOUT: read udp 10\.0\.0\.1:\d+->10\.0\.0\.2:81: i\/o timeout\n$/);
  });

  it('reports bad arguments, names that do not resolve and unreachable networks', () => {
    const { sh } = lab();
    expect(sh('agnhost connect 10.0.0.2 --timeout=1s')).toMatchObject({ exit: 1, stderr: 'UNKNOWN: address 10.0.0.2: missing port in address\n' });
    expect(sh('agnhost connect nosuch.example:80 --timeout=1s').stderr).toMatch(/^DNS: lookup nosuch\.example on [\d.]+:53: no such host\n$/);
    expect(sh('agnhost connect 192.168.9.9:80 --timeout=1s')).toMatchObject({ exit: 1, stderr: 'OTHER: dial tcp 192.168.9.9:80: connect: network is unreachable\n' });
    expect(sh('agnhost connect 10.0.0.2:80 --protocol=sctp2')).toMatchObject({ exit: 1, stderr: 'Unsupported protocol\nsctp2' });
    expect(sh('agnhost connect').stderr).toMatch(/^Error: accepts 1 arg\(s\), received 0\nUsage:\n {2}agnhost connect \[host:port\] \[flags\]/);
    expect(sh('agnhost connect 10.0.0.2:80 --timeout=soon').stderr).toMatch(/^Error: invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"\n/);
    expect(sh('/opt/agnhost connect 10.0.0.2:80')).toMatchObject({ exit: 127 });
  });

  it('parses Go durations', () => {
    expect(parseGoDuration('1s')).toBe(1000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('1')).toBeUndefined();
    expect(parseGoDuration('')).toBeUndefined();
  });
});
