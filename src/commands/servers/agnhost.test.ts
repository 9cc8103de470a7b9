/** agnhost netexec as a command: it serves until Ctrl+C, and curl from another host reads its answers. */
import { describe, expect, it } from 'vitest';
import { twoHosts } from '../testLab';
import { runCommand, startJob } from '../index';

describe('agnhost netexec', () => {
  it('logs its start, answers /hostname and /echo, and stops on SIGINT', () => {
    const w = twoHosts('h1', 'web');
    const server = startJob(w, 'web', 'agnhost netexec --http-port=8080', { shell: 'sh' });
    w.advance(10);
    expect(server.takeOutput()).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Started UDP server on port  8081\n\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Started HTTP server on port 8080\n$/);
    expect(runCommand(w, 'h1', 'curl -s http://10.0.0.2:8080/hostname', { shell: 'sh' }).stdout).toBe('web');
    expect(runCommand(w, 'h1', "curl -s 'http://10.0.0.2:8080/echo?msg=hello'", { shell: 'sh' }).stdout).toBe('hello');
    expect(runCommand(w, 'h1', 'curl -s http://10.0.0.2:8080/').stdout).toMatch(/^NOW: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$/);
    expect(runCommand(w, 'web', 'ss -tln', { shell: 'sh' }).stdout).toContain('0.0.0.0:8080');
    server.interrupt();
    w.advance(10);
    expect(server.done).toBe(true);
    expect(runCommand(w, 'h1', 'curl -sS http://10.0.0.2:8080/hostname', { shell: 'sh' }).exit).toBe(7);
    expect(runCommand(w, 'web', 'agnhost serve; agnhost netexec --http-port=x', { shell: 'sh' }).stderr).toBe(
      'Error: unknown command "serve" for "agnhost"\nRun \'agnhost --help\' for usage.\nError: invalid argument "x" for "--http-port" flag: strconv.ParseInt: parsing "x": invalid syntax\nUsage:\n  agnhost netexec [--http-port=8080] [--udp-port=8081]\n',
    );
  });
});
