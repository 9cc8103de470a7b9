/**
 * dig, nslookup, getent and dnsmasq as commands in a namespace: their conversations run over the
 * engine's UDP and TCP sockets (src/kube/dns/net.ts) while the command's task waits on the virtual clock;
 * dnsmasq binds its port and detaches (a daemon), or with -d/-k stays in the foreground, logging,
 * until a signal ends it.
 *
 * The files they read (/etc/resolv.conf, /etc/hosts) are the machine's own (`hostFiles`): a
 * cluster's nodes and pods start with the files kubelet and the node's setup wrote
 * (src/kube/dns/files.ts), any other host with Debian's (an empty resolv.conf, so the resolver
 * asks 127.0.0.1 as resolv.conf(5) says); all of them as edited since.
 */
import type { Netns } from '../../engine';
import { Signaled, waitUntil, type Proc, type Task, type Wait, type Woken } from '../../engine/proc/task';
import { serveDns, startDnsIo, type DnsServerSocket } from '../../kube/dns/net';
import type { DnsIo } from '../../kube/dns/io';
import { parseResolvConf } from '../../kube/dns/resolvconf';
import { readMachineFile, type ResolverFiles } from '../../kube/dns/files';
import type { Ctx } from '../context';
import type { CommandSpec } from '../registry/types';
import { dig, type DigHost, type DigResult } from './dig';
import { nslookup } from './nslookup';
import { getent } from './getent';
import { dnsmasqServe, dnsmasqStartLines, parseDnsmasqArgs } from './dnsmasq';
import { isIpv4Text } from './reverse';
import { parseIpv4 } from '../../engine/addr/ipv4';

/** A host's resolver files, as they are on the machine now (written, edited or removed). */
export function hostFiles(ns: Netns): ResolverFiles {
  return { resolvConf: readMachineFile(ns.world, ns, '/etc/resolv.conf'), hosts: readMachineFile(ns.world, ns, '/etc/hosts') ?? '' };
}

/** What a program's resolver reads and draws on in this namespace (its files, the clock, query ids). */
export function digHost(ctx: Pick<Ctx, 'world' | 'ns'>): DigHost & { hostsFile: string } {
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

/** Run a DNS conversation over the namespace's sockets while the command's task waits; its result. */
export function* awaitDnsIo<R>(ctx: Ctx, io: DnsIo<R>): Generator<Wait, R, Woken> {
  let result: { r: R } | undefined;
  const c = startDnsIo(ctx.ns, io, (r) => {
    result = { r };
    ctx.task.wake();
  });
  try {
    while (result === undefined) yield waitUntil();
  } finally {
    if (result === undefined) c.cancel();
  }
  return result.r;
}

/** Run a conversation while the command's task waits; print what the tool printed. */
function* converse(ctx: Ctx, io: DnsIo<DigResult>): Proc {
  const result = yield* awaitDnsIo(ctx, io);
  ctx.out.push(result.stdout);
  ctx.err.push(result.stderr);
  return result.exit;
}

export const digCommand: CommandSpec = {
  name: 'dig',
  kind: 'probe',
  summary: 'ask a DNS server, as BIND 9.18 prints it (+short, +search, @server, -x, types)',
  learn: 'dig -h',
  run: (ctx, argv) => converse(ctx, dig(argv, digHost(ctx))),
};

export const nslookupCommand: CommandSpec = {
  name: 'nslookup',
  kind: 'probe',
  summary: 'look a name up (A then AAAA), or an address (PTR), through a DNS server',
  learn: 'man nslookup',
  run: (ctx, argv) => converse(ctx, nslookup(argv, digHost(ctx))),
};

export const getentCommand: CommandSpec = {
  name: 'getent',
  kind: 'probe',
  summary: 'look a host up as programs do (/etc/hosts, then DNS with the search list)',
  learn: 'getent --help',
  run: (ctx, argv) => converse(ctx, getent(argv, digHost(ctx))),
};

/**
 * dnsmasq: parse, bind the DNS port (on --listen-address, else every address), and serve. Without
 * -d or -k it daemonises as dnsmasq does (binds first, so a bind error reaches the terminal, then
 * forks): the command returns 0 at once and a resident task, its own pid, holds the sockets until a
 * signal or the end of its namespace closes them (`ss -ulnp` shows it, `kill PID` stops it). With
 * -d it logs to the terminal and runs in the foreground until a signal.
 */
function* dnsmasqRun(ctx: Ctx, argv: string[]): Proc {
  const p = parseDnsmasqArgs(argv);
  if (!p.ok) {
    ctx.err.push(p.stderr);
    return p.exit;
  }
  const c = p.config;
  const files = hostFiles(ctx.ns);
  const upstreams = [...c.servers, ...(c.noResolv ? [] : parseResolvConf(files.resolvConf).nameservers.map((ip) => ({ ip, port: 53 })))];
  const foreground = c.noDaemon || c.keepInForeground;
  // with -d the log goes to the terminal; otherwise to syslog, which a lab does not keep
  const log = (line: string) => {
    if (c.noDaemon) ctx.err.push(`${line}\n`);
  };
  const sockets: DnsServerSocket[] = [];
  const fail = (msg: string): number => {
    for (const s of sockets) s.close();
    ctx.err.push(`\ndnsmasq: ${msg}\n`);
    return 2;
  };
  if (c.port !== 0) {
    // --bind-interfaces binds each listen address; otherwise dnsmasq binds every address and
    // answers only queries sent to its listen addresses
    const addrs = c.bindInterfaces && c.listenAddresses.length ? c.listenAddresses : [undefined];
    for (const a of addrs) {
      if (a !== undefined && !isLocalAddress(ctx.ns, a)) return fail(`failed to create listening socket for ${a}: Cannot assign requested address`);
      const s = serveDns(ctx.ns, a, c.port, (q, client) => {
        if (c.listenAddresses.length && !c.listenAddresses.includes(client.dst)) return ignore();
        return dnsmasqServe(c, upstreams, q, client.ip, log);
      }, DNSMASQ_TCP_BACKLOG);
      if (s === 'EADDRINUSE') return fail(a ? `failed to create listening socket for ${a}: Address already in use` : `failed to create listening socket for port ${c.port}: Address already in use`);
      sockets.push(s);
    }
  }
  if (!foreground) {
    const daemon = ctx.world.tasks.spawn(ctx.ns, 'dnsmasq', () => dnsmasqServing(sockets, log), { resident: true });
    ownSockets(sockets, daemon.pid);
    return 0;
  }
  ownSockets(sockets, pidOf(ctx));
  const hostsNames = files.hosts.split('\n').filter((l) => l && !l.startsWith('#')).reduce((n, l) => n + l.split(/\s+/).length - 1, 0);
  for (const l of dnsmasqStartLines(c, upstreams, c.noHosts ? null : hostsNames)) log(l);
  return yield* dnsmasqServing(sockets, log);
}

/** dnsmasq's TCP_BACKLOG (config.h) */
const DNSMASQ_TCP_BACKLOG = 32;

/** each listen address's UDP socket, then its TCP listener, in dnsmasq's descriptor order */
function ownSockets(sockets: DnsServerSocket[], pid: number): void {
  sockets.forEach((s, i) => {
    s.sock.owner = { comm: 'dnsmasq', pid, fd: 4 + 2 * i };
    s.stream.owner = { comm: 'dnsmasq', pid, fd: 5 + 2 * i };
  });
}

const pidOf = (ctx: Ctx): number => ('pid' in ctx.task ? (ctx.task as Task).pid : 0);

/** dnsmasq's main loop: its sockets answer on their own; a signal ends it and closes them (SIGKILL too). */
function* dnsmasqServing(sockets: DnsServerSocket[], log: (line: string) => void): Proc {
  try {
    for (;;) yield waitUntil();
  } catch (e) {
    if (!(e instanceof Signaled)) throw e;
    log(`dnsmasq: exiting on receipt of ${e.signal}`);
    return 0;
  } finally {
    for (const s of sockets) s.close();
  }
}

export const dnsmasqCommand: CommandSpec = {
  name: 'dnsmasq',
  kind: 'config',
  summary: 'a small DNS server for plain hosts: host records, --address, forwarding to --server',
  learn: 'dnsmasq --help',
  run: (ctx, argv) => dnsmasqRun(ctx, argv),
};

/** A query dnsmasq does not take: no reply. */
function* ignore(): DnsIo<null> {
  return null;
}

/** bind() to a specific address needs it to be one of the host's (a local route). */
function isLocalAddress(ns: Netns, a: string): boolean {
  const ip = parseIpv4(a);
  return isIpv4Text(a) && ip !== null && ns.local.lookup(ip)?.type === 'local';
}
