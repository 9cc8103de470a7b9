/**
 * Netfilter figures: a nat table shaped like kube-proxy's (KUBE-SERVICES, one KUBE-SVC- chain per
 * Service, one KUBE-SEP- chain per endpoint, statistic probabilities, comments) restored with
 * `iptables-restore`, and one new connection's verdict through it (the nat PREROUTING walk from
 * KUBE-SERVICES to a DNAT), for 10 and 10,000 Services of 3 endpoints each.
 *
 * Real iptables walks KUBE-SERVICES rule by rule; Hoplab indexes its leading destination rules,
 * so the verdict must not grow with the number of Services (budget: 10,000 within 2× of 10).
 *
 * Run alone: `npx tsx bench/netfilter.ts` (prints a JSON line of figures after "@@figures").
 */
import { asIpv4, formatIpv4 } from '../src/engine/addr/ipv4';
import { World } from '../src/engine';
import { runCommand } from '../src/commands';
import { nfNet } from '../src/engine/netfilter/tables';
import { iptDoTable, type WalkParam } from '../src/engine/netfilter/walk';
import { makeHookState, makeSkb } from '../src/engine/netfilter/skb';
import { NF_INET } from '../src/engine/netfilter/types';
import { seededRng } from '../src/engine/sim/rng';
import { emitFigures, figure, gc, log, timeOp, cpuNow, type Figure, isMain } from './lib';
import { mustRun, routed } from '../src/commands/testLab';
import { parseIpv4 } from '../src/engine/addr/ipv4';
import { tcpSocket } from '../src/engine/tcp/sock';

/** The i-th Service's cluster IP: 10.96.0.0/12 from the bottom. */
export const serviceIp = (i: number): string => formatIpv4(asIpv4(0x0a600000 + 10 + i));

const hash = (s: string): string => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  let out = '';
  for (let i = 0; i < 16; i++) {
    out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[h & 31];
    h = Math.imul(h ^ (i + 1), 2654435761) >>> 0;
  }
  return out;
};

/**
 * iptables-restore input for `services` Services × `endpoints` endpoints, as kube-proxy's
 * syncProxyRules writes the nat table (proxier.go): the chains declared, then their rules.
 */
export function kubeProxyNat(services: number, endpoints: number): string {
  const decl: string[] = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':KUBE-SERVICES - [0:0]', ':KUBE-POSTROUTING - [0:0]', ':KUBE-NODEPORTS - [0:0]', ':KUBE-MARK-MASQ - [0:0]'];
  const rules: string[] = [
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
  ];
  const svcRules: string[] = [];
  for (let s = 0; s < services; s++) {
    const name = `ns${s % 50}/svc-${s}:http`;
    const svc = `KUBE-SVC-${hash(`${name}tcp`)}`;
    const ip = serviceIp(s);
    decl.push(`:${svc} - [0:0]`);
    svcRules.push(`-A KUBE-SERVICES -d ${ip}/32 -p tcp -m comment --comment "${name} cluster IP" -m tcp --dport 80 -j ${svc}`);
    rules.push(`-A ${svc} ! -s 10.244.0.0/16 -d ${ip}/32 -p tcp -m comment --comment "${name} cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ`);
    for (let e = 0; e < endpoints; e++) {
      const ep = `10.${244 + (s >> 14)}.${(s >> 6) & 255}.${((s & 63) << 2) + e + 1}`;
      const sep = `KUBE-SEP-${hash(`${name}tcp${ep}:8080`)}`;
      decl.push(`:${sep} - [0:0]`);
      const left = endpoints - e;
      const prob = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
      rules.push(`-A ${svc} -m comment --comment "${name} -> ${ep}:8080"${prob} -j ${sep}`);
      rules.push(`-A ${sep} -s ${ep}/32 -m comment --comment "${name}" -j KUBE-MARK-MASQ`);
      rules.push(`-A ${sep} -p tcp -m comment --comment "${name}" -m tcp -j DNAT --to-destination ${ep}:8080`);
    }
  }
  svcRules.push('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
  return [...decl, ...rules, ...svcRules, 'COMMIT', ''].join('\n');
}

/** A one-host world with the ruleset restored (and the time that took, CPU ms). */
export function restoredNode(services: number, endpoints = 3): { world: World; ms: number; rules: number } {
  const world = new World();
  world.addHost('node');
  const input = kubeProxyNat(services, endpoints);
  // the generator's garbage is not the restore's
  gc();
  const t0 = cpuNow();
  const r = runCommand(world, 'node', 'iptables-restore', { stdin: input });
  const ms = cpuNow() - t0;
  if (r.exit !== 0) throw new Error(`iptables-restore failed: ${r.stderr}`);
  let rules = 0;
  for (const c of nfNet(world.netns('node')!).tables.get('nat')!.chains.values()) rules += c.rules.length;
  return { world, ms, rules };
}

/** One new TCP connection's nat PREROUTING verdict to a random Service (no conntrack: the walk alone). */
export function verdictOp(world: World, services: number): () => unknown {
  const ns = world.netns('node')!;
  const table = nfNet(ns).tables.get('nat')!;
  const rnd = seededRng(11);
  const dnats: number[] = [];
  const param: WalkParam = {
    random: rnd,
    tracer: undefined,
    journal: undefined,
    reject: () => undefined,
    log: () => undefined,
    nat: (_skb, _st, t) => {
      dnats.push(t.range.minIp);
      return true;
    },
  };
  const dev = ns.devByName('lo')!;
  return () => {
    const skb = makeSkb(asIpv4(0x0af40102), asIpv4(0x0a600000 + 10 + Math.floor(rnd() * services)), 6, 60);
    skb.sport = 40000;
    skb.dport = 80;
    skb.tcpFlags = 0x02;
    const st = makeHookState(ns, NF_INET.PRE_ROUTING, dev, undefined);
    const v = iptDoTable(table, skb, st, param);
    if (dnats.length > 1000) dnats.length = 0;
    return v;
  };
}

/**
 * What `nc -z` does to a Service-like address, in the engine with the trace on: a pod (h1) connects
 * to 10.96.0.10:80, which its node (r1) DNATs to a pod on the next node (h2:8080); handshake, close,
 * the FINs, conntrack through every state. Each run is rolled back, so none finds TIME-WAIT.
 */
export function ncZeroOp(): () => unknown {
  const w = routed();
  mustRun(w, 'r1', 'iptables -t nat -A PREROUTING -d 10.96.0.10/32 -p tcp --dport 80 -j DNAT --to-destination 10.2.0.2:8080');
  mustRun(w, 'h1', 'ping -c 1 -W 1 10.2.0.2');
  const server = tcpSocket(w.netns('h2')!);
  if (server.bind(asIpv4(0), 8080) ?? server.listen(16)) throw new Error('bench: cannot listen on h2:8080');
  const h1 = w.netns('h1')!;
  const svc = parseIpv4('10.96.0.10')!;
  return () =>
    w.withRollback(() => {
      const sk = tcpSocket(h1);
      if (sk.connect(svc, 80)) throw new Error('bench: connect failed at once');
      w.runUntil(w.now + 1000, () => sk.state === 'ESTABLISHED');
      if (sk.state !== 'ESTABLISHED') throw new Error(`bench: connect ended ${sk.state}`);
      // the server accepts and closes first (its side ends in TIME-WAIT), then the client
      w.runUntil(w.now + 1000, () => server.acceptQ.length > 0);
      server.accept()?.close();
      w.runUntil(w.now + 1000, () => sk.state === 'CLOSE_WAIT');
      sk.close();
      w.runUntil(w.now + 1000, () => sk.state === 'CLOSED');
      if ((sk.state as string) !== 'CLOSED') throw new Error(`bench: close ended ${sk.state}`);
      return w.drainTrace().length;
    });
}

function main(): void {
  const quick = process.argv.includes('--quick');
  const figs: Figure[] = [];
  const restoreMs: number[] = [];
  let big: ReturnType<typeof restoredNode> | undefined;
  for (let i = 0; i < (quick ? 2 : 3); i++) {
    big = restoredNode(10_000);
    restoreMs.push(big.ms);
  }
  log(`netfilter: 10,000 Services restored as ${big!.rules} rules`);
  figs.push(figure('nf.restore.10000svc', 'ms', restoreMs, `iptables-restore of a kube-proxy nat table: 10,000 Services × 3 endpoints (${big!.rules.toLocaleString('en')} rules)`));
  const small = restoredNode(10);
  figs.push(figure('nf.verdict.10svc', 'µs', timeOp(verdictOp(small.world, 10), { runs: 7, inner: 20_000, unit: 'µs' }), 'one new connection through nat PREROUTING → KUBE-SERVICES → KUBE-SVC → KUBE-SEP → DNAT, 10 Services'));
  figs.push(figure('nf.verdict.10000svc', 'µs', timeOp(verdictOp(big!.world, 10_000), { runs: 7, inner: 20_000, unit: 'µs' }), 'the same with 10,000 Services (KUBE-SERVICES indexed by destination)'));
  figs.push(figure('tcp.dnat.ncz', 'µs', timeOp(ncZeroOp(), { runs: 7, inner: 2_000, unit: 'µs' }), 'a traced `nc -z` from a pod to a DNATed Service address on another node: handshake, close, FINs (engine, trace on)'));
  emitFigures(figs);
}

if (isMain('netfilter')) main();
