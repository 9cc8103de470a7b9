/**
 * ss over the socket table, against listings recorded on Linux (tests/conformance/scenarios/ss-sockets):
 * servers started as their own jobs, as `nc -l … &` starts them.
 */
import { describe, expect, it } from 'vitest';
import { World } from '../../engine/world';
import { twoHosts } from '../testLab';
import { runCommand, startJob } from '../index';

const ss = (w: World, on: string, line: string): string => {
  const r = runCommand(w, on, line, { shell: 'sh' });
  expect(r.stderr).toBe('');
  return r.stdout;
};

describe('ss', () => {
  it('prints only the header when there is nothing to list', () => {
    const w = twoHosts();
    expect(ss(w, 'h2', 'ss -tuna')).toBe('Netid State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n');
    expect(ss(w, 'h2', 'ss -x')).toBe('Netid State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n');
    expect(ss(w, 'h2', 'ss -w')).toBe('Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n');
  });

  it('lists listeners with service names, numbers with -n, owners with -p, no header with -H', () => {
    const w = twoHosts();
    startJob(w, 'h2', 'nc -l 8080', { shell: 'sh' });
    startJob(w, 'h2', 'nc -lu 9000', { shell: 'sh' });
    startJob(w, 'h2', 'nc -l 10.0.0.2 22', { shell: 'sh' });
    expect(ss(w, 'h2', 'ss -tuln')).toBe(
      'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n' +
        'udp   UNCONN 0      0            0.0.0.0:9000      0.0.0.0:*          \n' +
        'tcp   LISTEN 0      1           10.0.0.2:22        0.0.0.0:*          \n' +
        'tcp   LISTEN 0      1            0.0.0.0:8080      0.0.0.0:*          \n',
    );
    expect(ss(w, 'h2', 'ss -tl')).toBe(
      'State  Recv-Q Send-Q Local Address:Port     Peer Address:PortProcess\n' +
        'LISTEN 0      1           10.0.0.2:ssh           0.0.0.0:*          \n' +
        'LISTEN 0      1            0.0.0.0:http-alt      0.0.0.0:*          \n',
    );
    expect(ss(w, 'h2', 'ss -tlnp').replace(/pid=\d+/g, 'pid=N').replace(/ +\n/g, '\n')).toBe(
      'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n' +
        'LISTEN 0      1           10.0.0.2:22        0.0.0.0:*    users:(("nc",pid=N,fd=3))\n' +
        'LISTEN 0      1            0.0.0.0:8080      0.0.0.0:*    users:(("nc",pid=N,fd=3))\n',
    );
    expect(ss(w, 'h2', 'ss -tlnH')).toBe('LISTEN 0      1      10.0.0.2:22   0.0.0.0:*\nLISTEN 0      1       0.0.0.0:8080 0.0.0.0:*\n');
  });

  it('shows a connection from both ends, then TIME-WAIT on the side that closed first', () => {
    const w = twoHosts();
    startJob(w, 'h2', 'nc -l 8081', { shell: 'sh' });
    const client = startJob(w, 'h1', 'nc -d -p 40020 10.0.0.2 8081', { shell: 'sh' });
    w.advance(100);
    expect(ss(w, 'h2', 'ss -tan')).toBe(
      'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n' +
        'LISTEN 0      1            0.0.0.0:8081      0.0.0.0:*           \n' +
        'ESTAB  0      0           10.0.0.2:8081     10.0.0.1:40020       \n',
    );
    expect(ss(w, 'h1', 'ss -t')).toBe(
      'State Recv-Q Send-Q Local Address:Port  Peer Address:Port  Process\n' + 'ESTAB 0      0           10.0.0.1:40020     10.0.0.2:tproxy       \n',
    );
    client.interrupt();
    w.advance(100);
    expect(ss(w, 'h1', 'ss -tan')).toBe(
      'State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n' + 'TIME-WAIT 0      0           10.0.0.1:40020     10.0.0.2:8081       \n',
    );
  });

  it('a bad option gets the usage on stderr and 255', () => {
    const w = twoHosts();
    const r = runCommand(w, 'h1', 'ss -Y', { shell: 'sh' });
    expect(r.exit).toBe(255);
    expect(r.stderr.startsWith("ss: invalid option -- 'Y'\nUsage: ss [ OPTIONS ]\n")).toBe(true);
  });
});
