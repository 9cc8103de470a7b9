/**
 * dig, nslookup, getent and dnsmasq as commands in a namespace: their conversations run over the
 * engine's UDP sockets (src/kube/dns/net.ts) while the command waits, as ping does; dnsmasq binds
 * its port and stays, answering until its namespace goes away.
 *
 * The files they read (/etc/resolv.conf, /etc/hosts) come from `hostFiles`: until the per-host
 * file system is in, a host has no resolv.conf (so the resolver asks 127.0.0.1, as resolv.conf(5)
 * says) and the hosts file Debian writes.
 */
import type { Netns } from '../../engine';
import { runDnsIoNow, serveDns } from '../../kube/dns/net';
import type { DnsIo } from '../../kube/dns/io';
import { parseResolvConf } from '../../kube/dns/resolvconf';
import { Exit, type Ctx } from '../context';
import { dig, type DigHost, type DigResult } from './dig';
import { nslookup } from './nslookup';
import { getent } from './getent';
import { dnsmasqServe, dnsmasqStartLines, parseDnsmasqArgs } from './dnsmasq';
import { isIpv4Text } from './reverse';
import { parseIpv4 } from '../../engine/addr/ipv4';

/** A host's resolver files. */
export function hostFiles(ns: Netns): { resolvConf: string | undefined; hosts: string } {
  return { resolvConf: undefined, hosts: `127.0.0.1\tlocalhost\n127.0.1.1\t${ns.hostname}\n` };
}

function digHost(ctx: Ctx): DigHost & { hostsFile: string } {
  const w = ctx.world;
  const f = hostFiles(ctx.ns);
  return {
    resolvConf: f.resolvConf,
    hostsFile: f.hosts,
    hostname: ctx.ns.hostname,
    now: () => w.now,
    rnd: {
      id: () => Math.floor(w.random() * 65536),
      cookie: () => Uint8Array.from({ length: 8 }, () => Math.floor(w.random() * 256)),
    },
  };
}

function run(ctx: Ctx, io: DnsIo<DigResult>): void {
  const r = runDnsIoNow(ctx.ns, io);
  if (!r) {
    ctx.err.push('stopped by Hoplab: the lookup did not finish\n');
    throw new Exit(1);
  }
  ctx.out.push(r.stdout);
  ctx.err.push(r.stderr);
  if (r.exit) throw new Exit(r.exit);
}

export const digCommand = (ctx: Ctx, argv: string[]): void => run(ctx, dig(argv, digHost(ctx)));
export const nslookupCommand = (ctx: Ctx, argv: string[]): void => run(ctx, nslookup(argv, digHost(ctx)));
export const getentCommand = (ctx: Ctx, argv: string[]): void => run(ctx, getent(argv, digHost(ctx)));

/**
 * dnsmasq: parse, bind the DNS port (on --listen-address, else every address), and serve. It
 * detaches as a daemon does; with -d or -k its start-up lines go to the terminal first.
 */
export function dnsmasqCommand(ctx: Ctx, argv: string[]): void {
  const p = parseDnsmasqArgs(argv);
  if (!p.ok) {
    ctx.err.push(p.stderr);
    throw new Exit(p.exit);
  }
  const c = p.config;
  const fail = (msg: string): never => {
    ctx.err.push(`\ndnsmasq: ${msg}\n`);
    throw new Exit(2);
  };
  const files = hostFiles(ctx.ns);
  const upstreams = [...c.servers, ...(c.noResolv ? [] : parseResolvConf(files.resolvConf).nameservers.map((ip) => ({ ip, port: 53 })))];
  if (c.port !== 0) {
    // --bind-interfaces binds each listen address; otherwise dnsmasq binds every address and
    // answers only queries sent to its listen addresses
    const addrs = c.bindInterfaces && c.listenAddresses.length ? c.listenAddresses : [undefined];
    for (const a of addrs) {
      if (a !== undefined && !isLocalAddress(ctx.ns, a)) fail(`failed to create listening socket for ${a}: Cannot assign requested address`);
      const s = serveDns(ctx.ns, a, c.port, (q, client) => {
        if (c.listenAddresses.length && !c.listenAddresses.includes(client.dst)) return ignore();
        return dnsmasqServe(c, upstreams, q, client.ip, () => undefined);
      });
      if (s === 'EADDRINUSE') fail(a ? `failed to create listening socket for ${a}: Address already in use` : `failed to create listening socket for port ${c.port}: Address already in use`);
    }
  }
  if (c.noDaemon || c.keepInForeground) {
    const lines = dnsmasqStartLines(c, upstreams, c.noHosts ? null : files.hosts.split('\n').filter((l) => l && !l.startsWith('#')).reduce((n, l) => n + l.split(/\s+/).length - 1, 0));
    if (c.noDaemon) ctx.err.push(lines.map((l) => `${l}\n`).join(''));
  }
}

/** A query dnsmasq does not take: no reply. */
function* ignore(): DnsIo<null> {
  return null;
}

/** bind() to a specific address needs it to be one of the host's (a local route). */
function isLocalAddress(ns: Netns, a: string): boolean {
  const ip = parseIpv4(a);
  return isIpv4Text(a) && ip !== null && ns.local.lookup(ip)?.type === 'local';
}
