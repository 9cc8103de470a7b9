/**
 * nc on the lab's sockets: a server started as its own job (as `nc -l … &` does) and clients that
 * connect to it, TCP and UDP, on the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import { twoHosts } from '../testLab';
import { runCommand, startJob } from '../index';

describe('nc', () => {
  it('a TCP server prints what a client sends; -N closes the client side, both exit 0', () => {
    const w = twoHosts();
    const server = startJob(w, 'h2', 'nc -lvn 8080', { shell: 'sh' });
    const c = runCommand(w, 'h1', 'echo hello | nc -N -p 40000 10.0.0.2 8080', { shell: 'sh' });
    expect(c).toMatchObject({ exit: 0, stdout: '', stderr: '' });
    server.runToEnd();
    expect(server.finish()).toMatchObject({ exit: 0, stdout: 'hello\n', stderr: 'Listening on 0.0.0.0 8080\nConnection received on 10.0.0.1 40000\n' });
  });

  it('-z reports an open port and a closed one', () => {
    const w = twoHosts();
    const server = startJob(w, 'h2', 'nc -l 8080', { shell: 'sh' });
    const c = runCommand(w, 'h1', 'nc -zv 10.0.0.2 8080 8081', { shell: 'sh' });
    expect(c.stderr).toBe('Connection to 10.0.0.2 8080 port [tcp/http-alt] succeeded!\nnc: connect to 10.0.0.2 port 8081 (tcp) failed: Connection refused\n');
    expect(c.exit).toBe(0);
    server.runToEnd();
    expect(server.finish().exit).toBe(0);
  });

  it('a UDP server takes one datagram with -W 1', () => {
    const w = twoHosts();
    const server = startJob(w, 'h2', 'nc -lunv -W 1 9000', { shell: 'sh' });
    const c = runCommand(w, 'h1', 'echo dgram | nc -u -q0 -p 40006 10.0.0.2 9000', { shell: 'sh' });
    expect(c.exit).toBe(0);
    server.runToEnd();
    expect(server.finish()).toMatchObject({ exit: 0, stdout: 'dgram\n', stderr: 'Bound on 0.0.0.0 9000\nConnection received on 10.0.0.1 40006\n' });
  });

  it('a server that closed first (its side in TIME-WAIT) can listen on the port again: SO_REUSEADDR', () => {
    const w = twoHosts();
    const first = startJob(w, 'h2', 'printf bye | nc -N -l 8080', { shell: 'sh' });
    expect(runCommand(w, 'h1', 'nc 10.0.0.2 8080 < /dev/null', { shell: 'sh' }).stdout).toBe('bye');
    first.runToEnd();
    expect(first.finish().exit).toBe(0);
    expect(runCommand(w, 'h2', 'ss -tan', { shell: 'sh' }).stdout).toContain('TIME-WAIT 0      0           10.0.0.2:8080');
    const again = startJob(w, 'h2', 'nc -l 8080', { shell: 'sh' });
    expect(runCommand(w, 'h1', 'echo hi | nc -N 10.0.0.2 8080', { shell: 'sh' }).exit).toBe(0);
    again.runToEnd();
    expect(again.finish()).toMatchObject({ exit: 0, stdout: 'hi\n', stderr: '' });
  });

  it('a second nc -l binds beside the first (SO_REUSEPORT), and the first listener bound takes the connection; a client asking for the port with -p does not', () => {
    const w = twoHosts();
    const first = startJob(w, 'h2', 'nc -l 8080', { shell: 'sh' });
    const second = startJob(w, 'h2', 'nc -l 8080', { shell: 'sh' });
    expect(runCommand(w, 'h2', 'ss -tln', { shell: 'sh' }).stdout.match(/0\.0\.0\.0:8080/g)).toHaveLength(2);
    expect(runCommand(w, 'h2', 'nc -p 8080 10.0.0.1 9 < /dev/null', { shell: 'sh' })).toMatchObject({ exit: 1, stderr: 'nc: bind failed: Address already in use\n' });
    expect(runCommand(w, 'h1', 'echo one | nc -N 10.0.0.2 8080', { shell: 'sh' }).exit).toBe(0);
    first.runToEnd();
    expect(first.finish()).toMatchObject({ exit: 0, stdout: 'one\n' });
    second.interrupt();
  });
});
