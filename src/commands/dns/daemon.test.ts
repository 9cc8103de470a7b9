/**
 * dnsmasq without -d daemonises: a resident task of its own holds the DNS sockets, so the port is
 * served after the command returned, ss shows who holds it, and a signal or the end of the
 * namespace closes it.
 */
import { describe, expect, it } from 'vitest';
import { twoHosts } from '../testLab';
import { runCommand } from '../index';

const START = 'dnsmasq --no-resolv --no-hosts --pid-file= --host-record=web.lab,10.0.0.80';

describe('dnsmasq as a daemon', () => {
  it('returns at once and keeps answering from a resident task that owns its socket', () => {
    const w = twoHosts();
    const r = runCommand(w, 'h1', START);
    expect([r.exit, r.stdout, r.stderr]).toEqual([0, '', '']);
    const daemon = w.tasks.list().find((t) => t.comm === 'dnsmasq');
    expect(daemon?.resident).toBe(true);
    const ss = runCommand(w, 'h1', 'ss -ulnp');
    expect(ss.stdout).toContain(`users:(("dnsmasq",pid=${daemon!.pid},fd=4))`);
    expect(runCommand(w, 'h2', 'dig +short @10.0.0.1 web.lab').stdout).toBe('10.0.0.80\n');
    // the queue drains while it waits for queries
    w.advance(60_000);
    expect(w.queue.size).toBe(0);
  });

  it('kill PID stops it and frees the port', () => {
    const w = twoHosts();
    runCommand(w, 'h1', START);
    const pid = w.tasks.list().find((t) => t.comm === 'dnsmasq')!.pid;
    expect(runCommand(w, 'h1', `kill ${pid}`).exit).toBe(0);
    w.advance(10);
    expect(w.tasks.get(pid)).toBeUndefined();
    expect(w.netns('h1')!.sockets.all()).toEqual([]);
    const again = runCommand(w, 'h1', START);
    expect([again.exit, again.stderr]).toEqual([0, '']);
  });

  it('a second daemon on the same port fails in the foreground, and deleting the namespace ends the first', () => {
    const w = twoHosts();
    runCommand(w, 'h1', START);
    const second = runCommand(w, 'h1', START);
    expect(second.exit).toBe(2);
    expect(second.stderr).toBe('\ndnsmasq: failed to create listening socket for port 53: Address already in use\n');
    expect(w.tasks.list().filter((t) => t.comm === 'dnsmasq')).toHaveLength(1);
    const ns = w.netns('h1')!;
    w.deleteNetns('h1');
    expect(w.tasks.list()).toEqual([]);
    expect(ns.sockets.all()).toEqual([]);
  });
});
