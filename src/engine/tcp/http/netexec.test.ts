/**
 * agnhost netexec served by the engine, fetched with curl from another host: /hostname, /clientip
 * (the client's address and port), /echo with a code, HEAD, keep-alive until the client closes,
 * and the UDP commands.
 */
import { describe, expect, it } from 'vitest';
import { twoHosts } from '../../../commands/testLab';
import { runCommand } from '../../../commands';
import { parseIpv4 } from '../../addr/ipv4';
import { udpSocket } from '../../socket/udp_sock';
import { textPayload, payloadText } from '../../wire/payload';
import { startNetexec } from './netexec';


const DATE = 'Mon, 06 Jan 2025 09:00:00 GMT';

describe('netexec', () => {
  it('answers /hostname, /clientip and /echo as Go net/http frames them', () => {
    const w = twoHosts('h1', 'pod-a');
    const ns = w.netns('pod-a')!;
    const s = startNetexec(ns, 8080, 8081, () => DATE, () => 'now');
    expect(typeof s).toBe('object');
    expect(runCommand(w, 'h1', 'curl -s http://10.0.0.2:8080/hostname', { shell: 'sh' }).stdout).toBe('pod-a');
    expect(runCommand(w, 'h1', 'curl -s http://10.0.0.2:8080/clientip', { shell: 'sh' }).stdout).toMatch(/^10\.0\.0\.1:\d{5}$/);
    const r = runCommand(w, 'h1', "curl -si 'http://10.0.0.2:8080/echo?msg=hi&code=503'", { shell: 'sh' });
    expect(r.stdout).toBe(`HTTP/1.1 503 Service Unavailable\r\nDate: ${DATE}\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi`);
    expect(runCommand(w, 'h1', 'curl -sI http://10.0.0.2:8080/healthz', { shell: 'sh' }).stdout).toBe(`HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nContent-Length: 0\r\n\r\n`);
    // every connection is closed once curl is done: only the listener and the UDP socket are left
    w.advance(1000);
    expect(ns.sockets.all().filter((k) => k.proto === 'tcp').map((k) => (k as unknown as { state: string }).state)).toEqual(['LISTEN']);
  });

  it('answers the UDP commands', () => {
    const w = twoHosts('h1', 'pod-a');
    startNetexec(w.netns('pod-a')!, 8080, 8081, () => DATE, () => 'now');
    const u = udpSocket(w.netns('h1')!);
    expect(u.connect(parseIpv4('10.0.0.2')!, 8081)).toBeUndefined();
    u.sendto(textPayload('hostname\n'));
    w.advance(100);
    const d = u.recv();
    expect(typeof d === 'object' && payloadText(d.payload)).toBe('pod-a');
  });
});
