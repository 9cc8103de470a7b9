/**
 * Differential fuzzing against real Linux (a development tool, not part of `vitest run`):
 * generate random scenarios, record each with the kernel oracle, run it through the simulator,
 * and print every step where the two disagree.
 *
 *   sudo npx tsx tests/fuzz/differential.ts [--seed N] [--runs N] [--steps N] [--jobs N] [--keep DIR] [--plain|--lab]
 *
 * --plain drops the mutations and draws from lab actions that move packets (routes, forwarding,
 * links going down, a bridge with a pod), to compare behaviour rather than argument parsing.
 *
 * Needs root, iproute2, iputils and traceroute (see <shared>/oracle/README.md). With --keep the
 * scenarios, goldens and simulator results are written to DIR so a mismatch can be turned into a
 * recorded scenario under tests/conformance/. Exit 0 if everything matched, 1 otherwise.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { runScenario, parseScenario } from '../../src/scenarios/runner';
import { mutate } from './arbitraries';
import { presets } from '../../src/scenarios/presets';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// real path: record.mjs runs only when argv[1] is its own resolved path, so not through a symlink
const shared = fs.realpathSync(path.resolve(process.env.HOPLAB_SHARED ?? path.join(root, '..', 'shared')));

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const seed = arg('seed', Date.now() % 100000);
const runs = arg('runs', 10);
const maxSteps = arg('steps', 12);
const jobs = arg('jobs', 3);
const keepAt = process.argv.indexOf('--keep');
const keep = keepAt > 0 ? process.argv[keepAt + 1] : undefined;

// h1 and h2 share a LAN (10.0.0.0/24); h2 and h3 a cable (10.1.0.0/24); h2 may route
const HOSTS = ['h1', 'h2', 'h3'];
const SETUP = [
  { on: 'h1', run: 'ip addr add 10.0.0.1/24 dev eth0' },
  { on: 'h2', run: 'ip addr add 10.0.0.2/24 dev eth0; ip addr add 10.1.0.2/24 dev eth1' },
  { on: 'h3', run: 'ip addr add 10.1.0.3/24 dev eth0' },
];

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const TOOLS = ['ip', 'ping', 'traceroute', 'sysctl', 'bridge', 'iptables', 'conntrack', 'nc'];
const dev = pick('eth0', 'eth1', 'lo', 'br0', 'va', 'vb', 'eth9');
const host = pick(...HOSTS);
const addr = pick('10.0.0.1', '10.0.0.2', '10.0.0.9', '10.1.0.2', '10.1.0.3', '10.2.0.1', '10.9.9.9', '127.0.0.1', '10.0.0.255', '0.0.0.0', '10.1', '1.2.3.256');
const prefix = fc.tuple(addr, pick('', '/8', '/16', '/24', '/32', '/33')).map(([a, l]) => a + l);
const opt = <T extends string>(a: fc.Arbitrary<T>) => fc.option(a, { nil: '' });

const line = fc.oneof(
  fc.tuple(pick('add', 'del', 'replace', 'append', 'prepend', 'change'), opt(pick('blackhole', 'unreachable', 'prohibit', 'local')), prefix, opt(addr.map((a) => `via ${a}`)), opt(dev.map((d) => `dev ${d}`)), opt(pick('metric 10', 'onlink', 'scope link', 'table 100', 'proto static', 'src 10.0.0.1'))).map((x) => `ip route ${x.filter(Boolean).join(' ')}`),
  fc.tuple(pick('add', 'del'), prefix, dev, opt(pick('brd +', 'scope link', 'label eth0:1', 'scope host'))).map(([c, p, d, o]) => `ip addr ${c} ${p} dev ${d} ${o}`),
  fc.tuple(dev, pick('up', 'down', 'master br0', 'nomaster', 'netns h3', 'name vc', 'mtu 1400', 'address 02:00:00:00:00:01')).map(([d, o]) => `ip link set ${d} ${o}`),
  pick('ip link add br0 type bridge', 'ip link add va type veth peer name vb', 'ip link del va', 'ip link del br0', 'ip link set br0 up', 'ip link add va type veth peer name vb netns h3'),
  pick('ip route', 'ip route show table all', 'ip -br addr', 'ip -br link', 'ip neigh', 'ip addr show dev eth0', 'bridge link', 'ip route show table local', 'ip -4 addr'),
  fc.tuple(addr, opt(pick('iif eth0', 'from 10.0.0.1', 'oif eth1', 'fibmatch'))).map(([a, o]) => `ip route get ${a} ${o}`),
  fc.tuple(addr, opt(pick('-t 1', '-I eth0', '-s 0', '-q'))).map(([a, o]) => `ping -c 1 -W 1 ${o} ${a}`),
  addr.map((a) => `traceroute -n -q 1 -w 1 -m 3 ${a}`),
  fc.tuple(pick('-w ', ''), pick('net.ipv4.ip_forward', 'net.ipv4.conf.eth0.forwarding', 'net.ipv4.conf.all.forwarding', 'net.ipv4.conf.all.promote_secondaries', 'net.ipv4.nope'), pick('=1', '=0', '=x', '')).map(([f, k, v]) => `sysctl ${f}${k}${v}`),
  fc.tuple(addr, dev, pick('lladdr 02:00:00:00:00:09', 'lladdr 02:00:00:00:00:09 nud stale', '')).map(([a, d, o]) => `ip neigh add ${a} dev ${d} ${o}`),
  pick('ip netns add x1', 'ip netns del x1', 'ip netns exec h3 ip -br addr', 'ip -n h3 route', 'ip -n nope route'),
  // link mtu and alias, and what they change
  fc.tuple(pick('eth0', 'eth1', 'lo', 'br0', 'va'), pick('mtu 68', 'mtu 67', 'mtu 1280', 'mtu 9000', 'mtu 65535', 'mtu 65536', 'alias uplink', 'alias "to the router"', 'alias ""')).map(([d, o]) => `ip link set ${d} ${o}`),
  fc.tuple(pick('1472', '1473', '1400', '8000'), pick('', '-M do', '-M dont', '-M want'), addr).map(([sz, m, a]) => `ping -c 1 -W 1 -s ${sz} ${m} ${a}`),
  pick('ip link show eth0', 'ip -d link show dev eth0', 'ip link show lo', 'ip route get 10.1.0.3 mtu 1000'),
  // address scopes, labels, flags and the show filters
  fc.tuple(pick('10.0.0.5/24', '10.0.0.6/25', '10.5.0.1/32', '127.0.0.2/8', '169.254.1.1/16'), pick('eth0', 'eth1', 'lo'), pick('scope host', 'scope link', 'scope global', 'scope 200', 'label eth0:1', 'label eth0:x1', 'label eth1:1', 'noprefixroute', 'broadcast 10.0.0.127', 'peer 10.7.0.1', '')).map(([p, d, o]) => `ip addr add ${p} dev ${d} ${o}`),
  pick('ip addr show scope host', 'ip addr show scope link', 'ip addr show scope global', 'ip addr show label eth0:1', "ip addr show label 'eth0*'", 'ip addr show label eth0', 'ip -4 addr show secondary', 'ip -4 addr show primary', 'ip addr show permanent', 'ip addr show dynamic', 'ip addr show up', 'ip -br addr show dev lo', 'ip addr show dev eth0 scope global', 'ip -o -4 addr show label eth0:1'),
  // sysctl side effects: the all/default/per-device forwarding switches and what reads them back
  pick('sysctl net.ipv4.ip_forward', 'sysctl net.ipv4.conf.all.forwarding', 'sysctl net.ipv4.conf.default.forwarding', 'sysctl net.ipv4.conf.eth0.forwarding', 'sysctl -w net.ipv4.conf.default.forwarding=1', 'sysctl -w net.ipv4.conf.all.forwarding=1', 'sysctl -w net.ipv4.conf.all.forwarding=0', 'sysctl -w net.ipv4.conf.eth1.forwarding=1', 'sysctl -w net.ipv4.icmp_echo_ignore_all=1', 'sysctl -w net.ipv4.conf.all.rp_filter=1', 'sysctl -w net.ipv4.conf.eth0.rp_filter=2'),
  // route types on the router, and ip route get through them
  fc.tuple(pick('blackhole', 'unreachable', 'prohibit', 'throw', 'local', 'broadcast'), pick('10.9.0.0/16', '10.1.0.0/24', '10.9.9.9', '10.0.0.0/24')).map(([t, p]) => `ip route add ${t} ${p}`),
  fc.tuple(pick('10.9.9.9', '10.1.0.3', '10.0.0.1', '10.0.0.255', '10.1.0.2'), pick('from 10.0.0.1 iif eth0', 'from 10.1.0.3 iif eth1', 'from 10.0.0.9 iif eth0', 'iif lo', 'from 10.0.0.2', 'oif eth0 from 10.1.0.2')).map(([a, o]) => `ip route get ${a} ${o}`),
  // routing loops through the pinging host itself
  pick('ip route add 10.9.0.0/16 via 10.0.0.1', 'ip route add 10.9.0.0/16 via 10.0.0.2', 'ip route add 10.9.0.0/16 via 10.1.0.3', 'ip route add 10.9.0.0/16 via 10.1.0.2', 'ip route add default via 10.0.0.2', 'ip route add default via 10.1.0.2'),
  // bridges without ports and odd enslavements
  pick('ip link add br0 type bridge; ip link set br0 up; ip addr add 10.3.0.1/24 dev br0', 'ip link set br0 master br0', 'ip link set lo master br0', 'ip link set eth0 master br0; ip link set br0 up', 'ip link add va type veth peer name vb; ip link set va master br0; ip link set vb master br0', 'ip link add br1 type bridge; ip link set br1 master br0', 'ip link set va master br0; ip link set va nomaster', 'ping -c 1 -W 1 10.3.0.9', 'bridge fdb show br br0', 'ip link show master br0'),
  // netfilter, conntrack and sockets
  fc.tuple(pick('INPUT', 'OUTPUT', 'FORWARD'), pick('-p icmp', '-p udp --dport 53', '-s 10.0.0.1', '-d 10.1.0.3', '-i eth0', '-o eth1', '-p tcp --dport 80', '-m conntrack --ctstate NEW', ''), pick('DROP', 'ACCEPT', 'REJECT', 'REJECT --reject-with icmp-host-prohibited', 'REJECT --reject-with tcp-reset', 'LOG')).map(([c, m, t]) => `iptables -A ${c} ${m} -j ${t}`),
  fc.tuple(pick('-d 10.1.0.9 -j DNAT --to-destination 10.1.0.3', '-p tcp --dport 8080 -j DNAT --to-destination 10.1.0.3:80', '-j REDIRECT', '-p udp -j REDIRECT --to-ports 53'), pick('PREROUTING', 'OUTPUT')).map(([r, c]) => `iptables -t nat -A ${c} ${r}`),
  pick('iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE', 'iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -j SNAT --to-source 10.1.0.2', 'iptables -P FORWARD DROP', 'iptables -F', 'iptables -t nat -F', 'iptables -S', 'iptables -L -n', 'iptables -t nat -S', 'iptables -L FORWARD -n --line-numbers', 'iptables -D INPUT 1', 'iptables -N KUBE-TEST', 'iptables -X KUBE-TEST'),
  fc.tuple(pick('10.1.0.3', '10.0.0.1', '10.1.0.9', '10.9.9.9'), pick('80', '8080', '22', '53')).map(([a, p]) => `nc -z -w 1 ${a} ${p}; echo $?`),
  pick('conntrack -L', 'conntrack -C', 'conntrack -F', 'conntrack -L -p icmp', 'conntrack -D -p icmp'),
  pick('ip route flush dev eth0', 'ip addr flush dev eth0', 'ip neigh flush dev eth0', 'ip route flush table main', 'ip link show type veth', 'ip -br -4 addr show up', 'bridge fdb show br br0', 'ip link set dev lo down', 'ip route del default', 'ip -s link', 'ip route show proto kernel', 'ip route list match 10.0.0.1', 'ip addr show to 10.0.0.0/8', 'ip -o addr', 'ip -br link show master br0'),
);

// --plain: no mutations, and a vocabulary of plausible lab actions that make packets move
const plain = process.argv.includes('--plain');
const labLine = fc.oneof(
  pick('sysctl -w net.ipv4.ip_forward=1', 'sysctl -w net.ipv4.ip_forward=0', 'sysctl -w net.ipv4.conf.eth0.forwarding=0', 'sysctl -w net.ipv4.conf.all.send_redirects=0'),
  pick('ip route add 10.1.0.0/24 via 10.0.0.2', 'ip route add default via 10.0.0.2', 'ip route add 10.0.0.0/24 via 10.1.0.2', 'ip route add default via 10.1.0.2', 'ip route add 10.9.0.0/16 via 10.0.0.1', 'ip route add 10.9.0.0/16 via 10.1.0.3', 'ip route del default', 'ip route add 10.3.0.0/24 dev eth0'),
  pick('ip link set eth0 down', 'ip link set eth0 up', 'ip link set eth1 down', 'ip link set eth1 up', 'ip addr del 10.0.0.1/24 dev eth0', 'ip addr add 10.0.0.7/24 dev eth0', 'ip addr add 10.1.0.9/24 dev eth1'),
  pick('ip link add br0 type bridge; ip link set br0 up; ip addr add 10.3.0.1/24 dev br0', 'ip link add va type veth peer name vb; ip link set va master br0; ip link set va up; ip link set vb netns h3; ip -n h3 link set vb up; ip -n h3 addr add 10.3.0.5/24 dev vb'),
  fc.tuple(pick('10.0.0.1', '10.0.0.2', '10.1.0.2', '10.1.0.3', '10.3.0.1', '10.3.0.5', '10.9.1.1', '10.0.0.7'), pick('-c 1 -W 1', '-c 2 -i 0.2 -W 1', '-c 1 -W 1 -t 1', '-c 3 -i 0.2 -W 4')).map(([a, o]) => `ping ${o} ${a}`),
  pick('traceroute -n -q 1 -w 1 -m 4 10.1.0.3', 'traceroute -n -q 1 -w 1 -m 4 10.0.0.1', 'traceroute -n -q 1 -w 1 -m 3 10.9.1.1'),
  pick('ip neigh', 'ip route', 'ip -br link', 'ip -br addr', 'bridge fdb show br br0', 'ip route get 10.1.0.3', 'ip route get 10.0.0.1', 'bridge link'),
);

const step = plain
  ? fc.tuple(host, labLine).map(([on, run]) => ({ on, run }))
  : fc.tuple(host, line, fc.array(fc.record({ kind: pick('drop', 'dup', 'swap', 'truncate') as fc.Arbitrary<'drop' | 'dup' | 'swap' | 'truncate'>, at: fc.nat(), with: fc.nat() }), { maxLength: 1 })).map(([on, run, ms]) => {
  const m = mutate(run, ms as never).trim().replace(/\s+/g, ' ');
  // keep mutations that still name one of our tools: `sh -c '-w …'` and unknown programs say nothing about Hoplab
  return { on, run: TOOLS.includes(m.split(' ')[0]) ? m : run };
});

// --lab: start from the lesson's routed stage (three nodes, a pod each) and poke at it
const lab = process.argv.includes('--lab');
const node = pick('node01', 'node02', 'node03');
const pod = pick('pod1', 'pod2', 'pod3');
const labTarget = pick('10.244.1.2', '10.244.2.2', '10.244.3.2', '10.244.1.1', '10.244.2.1', '192.168.1.11', '192.168.1.12', '192.168.1.13', '10.244.2.9');
const labAction = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.oneof(node, pod), labTarget, pick('-c 1 -W 1', '-c 2 -i 0.2 -W 1', '-c 1 -W 1 -t 2', '-c 3 -i 0.2 -W 4')).map(([on, a, o]) => ({ on, run: `ping ${o} ${a}` })) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(node, pod), labTarget).map(([on, a]) => ({ on, run: `traceroute -n -q 1 -w 1 -m 5 ${a}` })) },
  { weight: 2, arbitrary: fc.tuple(node, pick('sysctl -w net.ipv4.ip_forward=0', 'sysctl -w net.ipv4.ip_forward=1', 'sysctl -w net.ipv4.conf.eth0.forwarding=0', 'sysctl -w net.ipv4.conf.v-net-0.forwarding=0')).map(([on, run]) => ({ on, run })) },
  { weight: 2, arbitrary: fc.tuple(pick(1, 2, 3), pick(1, 2, 3)).filter(([a, b]) => a !== b).chain(([a, b]) => pick(`ip route del 10.244.${b}.2`, `ip route add 10.244.${b}.0/24 via 192.168.1.1${b}`, `ip route replace 10.244.${b}.2 via 192.168.1.1${a === 1 ? 2 : 1}`).map((run) => ({ on: `node0${a}`, run }))) },
  { weight: 2, arbitrary: fc.tuple(pick(1, 2, 3), pick('ip link set v-net-0 down', 'ip link set v-net-0 up', 'ip link set veth-podN-br down', 'ip link set veth-podN-br up', 'ip link set eth0 down', 'ip link set eth0 up', 'ip link set veth-podN-br nomaster', 'ip link set veth-podN-br master v-net-0')).map(([n, run]) => ({ on: `node0${n}`, run: run.replace('N', String(n)) })) },
  { weight: 1, arbitrary: fc.tuple(pick(1, 2, 3), pick('ip route del default', 'ip link set veth-podN down', 'ip link set veth-podN up', 'ip route add default via 10.244.N.1')).map(([n, run]) => ({ on: `pod${n}`, run: run.replace('N', String(n)) })) },
  { weight: 2, arbitrary: fc.tuple(fc.oneof(node, pod), pick('ip neigh', 'ip route', 'ip -br link', 'ip -br addr', 'bridge fdb show br v-net-0', 'bridge link', 'ip route get 10.244.2.2', 'ip route get 10.244.1.2')).map(([on, run]) => ({ on, run })) },
);

const scenarios = fc.sample(fc.array(step, { minLength: 3, maxLength: maxSteps }), { seed, numRuns: runs });

const compare = (await import(pathToFileURL(path.join(shared, 'oracle', 'compare.mjs')).href)) as {
  compareResults(g: unknown, a: unknown): { passed: number; failed: number; steps: unknown[] };
  formatMismatches(r: unknown, label?: string): string;
};

const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hoplab-diff-'));
fs.mkdirSync(dir, { recursive: true });
const labScenarios = fc.sample(fc.array(labAction, { minLength: 3, maxLength: maxSteps }), { seed, numRuns: runs });
const all = (lab ? labScenarios : scenarios).map((steps, i) => {
  const name = `diff-${seed}-${i}`;
  const routed = presets.routed.scenario;
  const sc = lab
    ? { name, description: `differential fuzz on the routed lab, seed ${seed} #${i}`, hosts: routed.hosts, lans: routed.lans, steps: [...routed.steps, ...steps] }
    : { name, description: `differential fuzz, seed ${seed} #${i}`, hosts: HOSTS, lans: { lan0: ['h1:eth0', 'h2:eth0'] }, links: [['h2:eth1', 'h3:eth0']], steps: [...SETUP, ...steps] };
  const scFile = path.join(dir, `${name}.json`);
  fs.writeFileSync(scFile, JSON.stringify(sc, null, 2) + '\n');
  return { name, sc, scFile, goldFile: path.join(dir, `${name}.golden.json`) };
});

/** Record one scenario with the oracle (each recording has its own private namespaces, so several run at once). */
const record = (scFile: string, goldFile: string) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn('node', [path.join(shared, 'oracle', 'record.mjs'), scFile, '--out', goldFile], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`record.mjs ${scFile}: exit ${code}`))));
  });

// the oracle mostly waits (timeouts, settling), so recordings overlap well
let next = 0;
await Promise.all(
  Array.from({ length: Math.max(1, jobs) }, async () => {
    while (next < all.length) {
      const s = all[next++];
      // a busy machine can time the oracle's own setup out: try again once, then leave it out
      await record(s.scFile, s.goldFile).catch(() => record(s.scFile, s.goldFile)).catch((e: Error) => console.error(`${s.name}: not recorded (${e.message}), left out`));
    }
  }),
);

let failedSteps = 0;
let total = 0;
for (const { name, sc, goldFile } of all) {
  if (!fs.existsSync(goldFile)) continue;
  const golden = JSON.parse(fs.readFileSync(goldFile, 'utf8'));
  const actual = runScenario(parseScenario(JSON.stringify(sc)));
  fs.writeFileSync(path.join(dir, `${name}.actual.json`), JSON.stringify(actual, null, 2) + '\n');
  const res = compare.compareResults(golden, actual);
  total += res.passed + res.failed;
  if (res.failed) {
    failedSteps += res.failed;
    console.log(compare.formatMismatches(res, name));
  }
}
console.log(`seed ${seed}: ${total - failedSteps} of ${total} steps agree with Linux (files in ${dir})`);
process.exit(failedSteps ? 1 : 0);
