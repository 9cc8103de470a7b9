/** agnhost serve-hostname: the hostname over TCP (then close) or UDP, each request logged. */
import { describe, expect, it } from 'vitest';
import { twoHosts } from '../../commands/testLab';
import { runCommand } from '../../commands';
import { startServeHostname } from './serveHostname';

describe('serve-hostname', () => {
  it('answers the hostname on TCP and UDP, logs each request, and stops when closed', () => {
    const w = twoHosts('client', 'web');
    const log: string[] = [];
    const tcp = startServeHostname(w.netns('web')!, 'TCP', 80, (l) => log.push(l));
    const udp = startServeHostname(w.netns('web')!, 'UDP', 81, (l) => log.push(l));
    if (typeof tcp === 'string' || typeof udp === 'string') throw new Error('bind');
    expect(runCommand(w, 'client', 'nc 10.0.0.2 80').stdout).toBe('web');
    expect(runCommand(w, 'client', 'agnhost connect 10.0.0.2:81 --timeout=1s --protocol=udp').exit).toBe(0);
    expect(log).toEqual([expect.stringMatching(/^TCP request from 10\.0\.0\.1:\d+$/), expect.stringMatching(/^UDP request from 10\.0\.0\.1:\d+$/)]);
    expect(startServeHostname(w.netns('web')!, 'TCP', 80, () => undefined)).toBe('EADDRINUSE');
    tcp.close();
    udp.close();
    expect(runCommand(w, 'client', 'agnhost connect 10.0.0.2:80 --timeout=1s').stderr).toBe('REFUSED\n');
  });
});
