/**
 * DNS on the engine: dig's and getent's conversations as UDP datagrams from one namespace to a
 * dnsmasq in another, the ICMP port unreachable of a closed port as "connection refused", a dead
 * address as a timeout on the virtual clock, and a forwarding server answering through its upstream.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { World } from '../../engine/world';
import { dig } from '../../commands/dns/dig';
import { getent } from '../../commands/dns/getent';
import { dnsmasqServe, parseDnsmasqArgs } from '../../commands/dns/dnsmasq';
import { runDnsIoNow, serveDns } from './net';

function lab(): World {
  const w = new World();
  w.addHost('dns');
  w.addHost('fwd');
  w.addHost('client');
  w.addLan('lan0', ['dns:eth0', 'fwd:eth0', 'client:eth0']);
  for (const [h, a] of [['dns', '10.0.0.53'], ['fwd', '10.0.0.54'], ['client', '10.0.0.2']]) expect(runCommand(w, h, `ip addr add ${a}/24 dev eth0`).exit).toBe(0);
  return w;
}

function dnsmasq(w: World, host: string, args: string): string[] {
  const p = parseDnsmasqArgs(args.split(' '));
  if (!p.ok) throw new Error(p.stderr);
  const log: string[] = [];
  const s = serveDns(w.netns(host)!, p.config.listenAddresses[0], p.config.port, (q, c) => dnsmasqServe(p.config, p.config.servers, q, c.ip, (l) => log.push(l)));
  expect(s).not.toBe('EADDRINUSE');
  return log;
}

let n = 0;
const host = (w: World) => ({ resolvConf: 'nameserver 10.0.0.53\nsearch lab\n', hostsFile: '', hostname: 'client', now: () => w.now, rnd: { id: () => ++n, cookie: () => new Uint8Array(8) } });

describe('DNS over the engine', () => {
  it('dig asks a dnsmasq across the LAN; the answer comes back through the packet path', () => {
    const w = lab();
    const log = dnsmasq(w, 'dns', '--no-resolv --no-hosts --log-queries --host-record=web.lab,10.0.0.80');
    w.tracing = true;
    const r = runDnsIoNow(w.netns('client')!, dig(['@10.0.0.53', '+short', 'web.lab'], host(w)))!;
    expect(r).toEqual({ stdout: '10.0.0.80\n', stderr: '', exit: 0 });
    expect(log).toEqual(['dnsmasq: query[A] web.lab from 10.0.0.2', 'dnsmasq: config web.lab is 10.0.0.80']);
    const trace = w.drainTrace();
    expect(trace.some((e) => e.netns === 'dns' && /UDP/.test(e.text))).toBe(true);
  });

  it('a closed port answers ICMP port unreachable: connection refused; a missing host times out on the virtual clock', () => {
    const w = lab();
    const t0 = w.now;
    const refused = runDnsIoNow(w.netns('client')!, dig(['@10.0.0.53', '+tries=1', '+short', 'web.lab'], host(w)))!;
    expect(refused.stdout).toBe(';; communications error to 10.0.0.53#53: connection refused\n;; no servers could be reached\n');
    const silent = runDnsIoNow(w.netns('client')!, dig(['@10.0.0.77', '+tries=2', '+timeout=1', '+short', 'web.lab'], host(w)))!;
    expect(silent.stdout).toBe(';; communications error to 10.0.0.77#53: timed out\n;; communications error to 10.0.0.77#53: timed out\n;; no servers could be reached\n');
    expect(w.now - t0).toBeGreaterThanOrEqual(2000);
  });

  it('a forwarding server answers through its upstream; getent walks the search list over the wire', () => {
    const w = lab();
    dnsmasq(w, 'dns', '--no-resolv --no-hosts --host-record=web.lab,10.0.0.80 --address=/#/');
    const fwdLog = dnsmasq(w, 'fwd', '--no-resolv --no-hosts --log-queries --server=10.0.0.53');
    const h = { ...host(w), resolvConf: 'nameserver 10.0.0.54\nsearch lab\n' };
    const r = runDnsIoNow(w.netns('client')!, getent(['ahostsv4', 'web'], h))!;
    expect(r.stdout.split('\n')[0]).toBe('10.0.0.80       STREAM web.lab');
    expect(fwdLog).toEqual(['dnsmasq: query[A] web.lab from 10.0.0.2', 'dnsmasq: forwarded web.lab to 10.0.0.53', 'dnsmasq: reply web.lab is 10.0.0.80']);
  });
});
