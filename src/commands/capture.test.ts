/**
 * tcpdump as a program: a capture started in the background sees the frames other programs send,
 * ends after -c N, or on a signal, with its statistics; bad devices fail before capturing.
 */
import { describe, expect, it } from 'vitest';
import { twoHosts } from './testLab';
import { runCommand } from './index';

const sh = { shell: 'sh' as const };

describe('tcpdump as a program', () => {
  it('a background capture prints the frames of a ping run beside it, then its statistics', () => {
    const w = twoHosts();
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.0.2', sh);
    const r = runCommand(w, 'h1', 'tcpdump -i eth0 -n -l -t -c 2 icmp & sleep 1; ping -c 1 -W 1 10.0.0.2 > /dev/null; wait', sh);
    expect(r.stdout).toMatch(/^IP 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request, id \d+, seq 1, length 64\nIP 10\.0\.0\.2 > 10\.0\.0\.1: ICMP echo reply, id \d+, seq 1, length 64\n$/);
    expect(r.stderr).toBe(
      'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n2 packets captured\n2 packets received by filter\n0 packets dropped by kernel\n',
    );
  });

  it('killed, it says how many frames it captured and exits 0', () => {
    const w = twoHosts();
    const r = runCommand(w, 'h2', 'tcpdump -n -t udp 2>&1 & p=$!; sleep 1; ip netns exec h1 sh -c "echo x | nc -u -q0 -p 40004 10.0.0.2 9999"; sleep 1; kill $p; wait $p; echo "exit $?"', sh);
    expect(r.stdout).toContain('IP 10.0.0.1.40004 > 10.0.0.2.9999: UDP, length 2\n1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\nexit 0\n');
  });

  it('a device that does not exist or is down is refused', () => {
    const w = twoHosts();
    expect(runCommand(w, 'h1', 'tcpdump -i eth9 -c 1', sh)).toMatchObject({ exit: 1, stderr: 'tcpdump: eth9: No such device exists\n(SIOCGIFHWADDR: No such device)\n' });
    runCommand(w, 'h1', 'ip link set eth0 down', sh);
    expect(runCommand(w, 'h1', 'tcpdump -i eth0 -c 1', sh)).toMatchObject({ exit: 1, stderr: 'tcpdump: eth0: That device is not up\n' });
  });
});
