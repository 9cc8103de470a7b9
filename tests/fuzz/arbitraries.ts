/**
 * fast-check generators for the fuzz suites: command lines a student might type (right, nearly
 * right, and wrong), mutations of them, raw garbage, and the worlds they run in.
 *
 * Everything is built from small vocabularies taken from the lab (node01, eth0, v-net-0,
 * 10.244.2.2 …) mixed with iproute2's parsing corner cases ("10.1", octal and hex parts, /33),
 * so that most generated lines reach deep into the engine instead of dying in the parser.
 */
import fc from 'fast-check';
import { World } from '../../src/engine/world';
import { buildWorld } from '../../src/scenarios/runner';
import { presetNames, presets } from '../../src/scenarios/presets';
import { commandNames } from '../../src/commands';

// ---- vocabularies ---------------------------------------------------------------------------

export const NETNS = ['node01', 'node02', 'node03', 'pod1', 'pod2', 'pod3', 'router', 'ghost', '__lan_lan0'];
/** Namespaces that exist in at least one preset, where a terminal may be opened. */
export const SHELL_NETNS = ['node01', 'node02', 'node03', 'pod1', 'pod2', 'pod3', 'router'];

export const DEVS = [
  'lo',
  'eth0',
  'eth1',
  'v-net-0',
  'veth-pod1',
  'veth-pod1-br',
  'veth-pod2',
  'veth-pod2-br',
  'veth0',
  'veth1',
  'br0',
  'br1',
  'p0',
  'x',
  'averyveryverylongname',
  'a/b',
  'eth0:1',
];

export const ADDRS = [
  '192.168.1.11',
  '192.168.1.12',
  '192.168.1.13',
  '192.168.1.1',
  '192.168.1.255',
  '10.244.1.1',
  '10.244.1.2',
  '10.244.2.1',
  '10.244.2.2',
  '10.244.3.2',
  '10.244.0.0',
  '127.0.0.1',
  '0.0.0.0',
  '255.255.255.255',
  '8.8.8.8',
  '10.1', // iproute2: 10.1.0.0
  '010.244.1.2', // octal first part: 8.244.1.2
  '0x0a.244.2.2', // hex first part
  '10.244.2.256',
  '1.2.3.4.5',
  '',
  'abc',
];

export const PREFIX_LENS = ['', '/0', '/8', '/16', '/24', '/25', '/30', '/31', '/32', '/33', '/-1', '/x', '/'];

export const SYSCTL_KEYS = [
  'net.ipv4.ip_forward',
  'net/ipv4/ip_forward',
  'net.ipv4.conf.all.forwarding',
  'net.ipv4.conf.eth0.forwarding',
  'net.ipv4.conf.v-net-0.forwarding',
  'net.ipv4.conf.all.promote_secondaries',
  'net.ipv4.conf.default.forwarding',
  'net.ipv4.conf.all.send_redirects',
  'net.ipv4.conf.eth0.accept_redirects',
  'net.ipv4.icmp_echo_ignore_all',
  'net.ipv4.icmp_ratelimit',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.nonexistent',
  'kernel.hostname',
];

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

/** A word of garbage: short random text, sometimes with shell metacharacters. */
export const garbageWord = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom(...'abcdefxyz0123456789-_./:@=+%') }),
  fc.constantFrom('-', '--', '-1', '0', '999999999999', '4294967296', '-n', 'help', 'dev', 'via', 'to', 'type', 'peer', 'name'),
);

export const dev = fc.oneof({ weight: 5, arbitrary: pick(DEVS) }, { weight: 1, arbitrary: garbageWord });
export const netns = fc.oneof({ weight: 5, arbitrary: pick(NETNS) }, { weight: 1, arbitrary: garbageWord });
export const addr = fc.oneof(
  { weight: 6, arbitrary: pick(ADDRS) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.')) },
  { weight: 1, arbitrary: garbageWord },
);
export const prefix = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(addr, pick(PREFIX_LENS)).map(([a, l]) => a + l) },
  { weight: 1, arbitrary: fc.constantFrom('default', 'any', 'all', '10.244.0.0/16', '10.244.2.0/24', '10.244.2.2/32', '0.0.0.0/0') },
);

/** Zero or more of the given option generators, in random order. */
function opts(...gens: fc.Arbitrary<string>[]): fc.Arbitrary<string[]> {
  return fc.subarray(gens.map((g, i) => i)).chain((idx) => (idx.length ? fc.tuple(...idx.map((i) => gens[i])) : fc.constant([] as string[]))).chain((xs) => fc.shuffledSubarray(xs, { minLength: xs.length }));
}

const kv = (key: string, v: fc.Arbitrary<string>) => v.map((x) => `${key} ${x}`);

// ---- plausible commands ---------------------------------------------------------------------

const ipGlobal = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: netns.map((n) => `-n ${n} `) },
  { weight: 1, arbitrary: fc.constantFrom('-br ', '-4 ', '-6 ', '-d ', '-s ', '-o ', '-x ', '-netns ', '-V ', '-h ') },
);

const linkCmd = fc.oneof(
  fc.tuple(dev, dev, opts(kv('netns', netns))).map(([a, b, o]) => `link add ${a} type veth peer name ${b} ${o.join(' ')}`),
  fc.tuple(dev, opts(kv('netns', netns), kv('mtu', fc.constantFrom('1400', 'x')))).map(([a, o]) => `link add ${a} ${o.join(' ')} type bridge`),
  fc.tuple(dev, fc.constantFrom('dummy', 'vlan', 'veth', 'bridge', '')).map(([a, t]) => `link add name ${a} type ${t}`),
  fc
    .tuple(
      dev,
      opts(
        fc.constantFrom('up', 'down'),
        kv('master', dev),
        fc.constant('nomaster'),
        kv('netns', netns),
        kv('name', dev),
        kv('address', fc.constantFrom('02:00:00:00:00:01', '2:0:0:0:0:1', 'zz:zz', '00:00:00:00:00:00')),
        kv('mtu', fc.constantFrom('1400', '9000', 'abc')),
      ),
    )
    .map(([d, o]) => `link set dev ${d} ${o.join(' ')}`),
  fc.tuple(dev, fc.constantFrom('up', 'down')).map(([d, s]) => `link set ${d} ${s}`),
  dev.map((d) => `link del ${d}`),
  fc.tuple(dev, fc.constantFrom('', 'type veth', 'type bridge')).map(([d, t]) => `link delete dev ${d} ${t}`),
  fc.tuple(fc.constantFrom('', 'up', 'type veth', 'type bridge'), fc.option(kv('master', dev), { nil: '' })).map(([f, m]) => `link show ${f} ${m}`),
  dev.map((d) => `link show dev ${d}`),
);

const addrCmd = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(prefix, dev, opts(kv('brd', fc.constantFrom('+', '-', '10.244.2.255', 'x')), kv('scope', fc.constantFrom('host', 'link', 'global', '7', 'nope')), kv('label', dev))).map(([p, d, o]) => `addr add ${p} dev ${d} ${o.join(' ')}`) },
  { weight: 2, arbitrary: fc.tuple(prefix, dev).map(([p, d]) => `addr del ${p} dev ${d}`) },
  { weight: 1, arbitrary: dev.map((d) => `addr flush dev ${d}`) },
  { weight: 1, arbitrary: fc.option(dev, { nil: '' }).map((d) => `addr show ${d}`) },
  { weight: 1, arbitrary: fc.constant('a') },
);

const routeMod = fc
  .tuple(
    fc.constantFrom('add', 'del', 'replace', 'append', 'prepend', 'change', 'a', 'delete'),
    fc.option(fc.constantFrom('unicast', 'local', 'blackhole', 'unreachable', 'prohibit', 'throw', 'broadcast', 'multicast', 'nat'), { nil: undefined }),
    prefix,
    opts(
      kv('via', addr),
      kv('dev', dev),
      kv('metric', fc.constantFrom('0', '1', '100', '4294967295', '-1', 'x')),
      kv('scope', fc.constantFrom('link', 'host', 'global', 'nowhere', '253', 'bogus')),
      kv('proto', fc.constantFrom('static', 'kernel', 'boot', '99', 'bogus')),
      kv('table', fc.constantFrom('main', 'local', '100', 'default', 'x')),
      kv('src', addr),
      fc.constant('onlink'),
    ),
  )
  .map(([cmd, type, p, o]) => `route ${cmd} ${type ? type + ' ' : ''}${p} ${o.join(' ')}`);

const routeCmd = fc.oneof(
  { weight: 6, arbitrary: routeMod },
  { weight: 2, arbitrary: fc.tuple(addr, opts(kv('from', addr), kv('iif', dev), kv('oif', dev), fc.constant('fibmatch'))).map(([a, o]) => `route get ${a} ${o.join(' ')}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('', 'table all', 'table local', 'proto kernel', 'scope link', 'type local'), fc.option(kv('dev', dev), { nil: '' }), fc.option(fc.tuple(fc.constantFrom('root', 'match', 'exact', ''), prefix).map(([k, p]) => `${k} ${p}`), { nil: '' })).map((xs) => `route show ${xs.join(' ')}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('', 'dev', 'proto', 'table'), dev).map(([k, v]) => `route flush ${k ? `${k} ${v}` : ''}`) },
);

const neighCmd = fc.oneof(
  fc.tuple(addr, dev, fc.constantFrom('02:00:00:00:00:09', 'aa:bb'), fc.constantFrom('', 'nud permanent', 'nud reachable', 'nud stale', 'nud noarp', 'nud garbage')).map(([a, d, m, n]) => `neigh add ${a} lladdr ${m} dev ${d} ${n}`),
  fc.tuple(addr, dev).map(([a, d]) => `neigh del ${a} dev ${d}`),
  fc.tuple(fc.constantFrom('show', 'flush'), fc.option(kv('dev', dev), { nil: '' }), fc.option(addr, { nil: '' }), fc.constantFrom('', 'nud all', 'nud stale')).map((xs) => `neigh ${xs.join(' ')}`),
);

const netnsCmd = fc.oneof(
  netns.map((n) => `netns add ${n}`),
  netns.map((n) => `netns del ${n}`),
  fc.constant('netns list'),
  fc.tuple(netns, fc.constantFrom('ip addr', 'ip route', 'ping -c 1 -W 1 10.244.2.2', 'sysctl net.ipv4.ip_forward', 'false', 'nosuchcmd', '')).map(([n, c]) => `netns exec ${n} ${c}`),
);

export const ipLine = fc
  .tuple(ipGlobal, fc.oneof({ weight: 2, arbitrary: linkCmd }, { weight: 2, arbitrary: addrCmd }, { weight: 3, arbitrary: routeCmd }, { weight: 1, arbitrary: neighCmd }, { weight: 1, arbitrary: netnsCmd }, { weight: 1, arbitrary: fc.constantFrom('', 'help', 'rule', 'nexthop', 'bogus', 'r', 'l', 'n') }))
  .map(([g, c]) => `ip ${g}${c}`);

/** Small counts and short timeouts keep each ping to a few virtual seconds. */
export const pingLine = fc
  .tuple(
    opts(
      kv('-c', fc.constantFrom('1', '2', '3', '0', 'x')),
      kv('-W', fc.constantFrom('1', '0.5', '2')),
      kv('-i', fc.constantFrom('0.2', '1', '0.01')),
      kv('-t', fc.constantFrom('1', '2', '64', '0', '256')),
      kv('-s', fc.constantFrom('0', '16', '56', '1472')),
      kv('-I', fc.oneof(dev, addr)),
      kv('-w', fc.constantFrom('1', '3')),
      fc.constantFrom('-q', '-n', '-4', '-b', '-z', '-V', '-h'),
    ),
    addr,
  )
  .map(([o, a]) => `ping ${o.join(' ')}${o.some((x) => x.startsWith('-c') || x.startsWith('-w')) ? '' : ' -c 1'} ${a}`);

export const tracerouteLine = fc
  .tuple(opts(fc.constant('-n'), kv('-m', fc.constantFrom('1', '3', '5', '0', '256')), kv('-q', fc.constantFrom('1', '2', '0', '11')), kv('-w', fc.constantFrom('1', '0.5')), kv('-f', fc.constantFrom('1', '2')), fc.constantFrom('-Z', '-4')), addr)
  .map(([o, a]) => `traceroute ${o.join(' ')}${o.some((x) => x.startsWith('-m')) ? '' : ' -m 4'}${o.some((x) => x.startsWith('-q')) ? '' : ' -q 1'} ${a}`);

export const sysctlLine = fc.oneof(
  fc.tuple(fc.constantFrom('-w ', '', '-q -w ', '-n '), pick(SYSCTL_KEYS), fc.constantFrom('0', '1', '2', 'x', '', ' 1', '-1')).map(([f, k, v]) => `sysctl ${f}${k}=${v}`),
  fc.tuple(fc.constantFrom('', '-n ', '-w ', '-a', '-Q '), pick(SYSCTL_KEYS)).map(([f, k]) => `sysctl ${f}${k}`),
  fc.array(fc.tuple(pick(SYSCTL_KEYS), fc.constantFrom('0', '1', 'x')), { minLength: 2, maxLength: 3 }).map((xs) => `sysctl -w ${xs.map(([k, v]) => `${k}=${v}`).join(' ')}`),
  pick(SYSCTL_KEYS).map((k) => `cat /proc/sys/${k.replace(/\./g, '/')}`),
);

export const bridgeLine = fc.oneof(
  fc.constantFrom('bridge link', 'bridge link show', 'bridge fdb', 'bridge fdb show', 'bridge', 'bridge vlan', 'bridge link set'),
  fc.tuple(fc.constantFrom('br', 'dev'), dev).map(([k, d]) => `bridge fdb show ${k} ${d}`),
  netns.map((n) => `bridge -n ${n} fdb show`),
);

export const miscLine = fc.oneof(
  fc.constantFrom('true', 'false', 'echo hi', 'echo -n', 'echo $?', 'hostname', 'cat', 'ls', 'exit', ':', 'cd /', 'nosuch --flag'),
  garbageWord.map((g) => `echo ${g}`),
  // every registered command, bare or asked for its help or version
  fc.tuple(pick(commandNames()), fc.constantFrom('', '--help', '-h', '-V', '--version')).map(([c, o]) => `${c} ${o}`.trim()),
);

/** One plausible command (no separators). */
export const simpleLine = fc.oneof(
  { weight: 10, arbitrary: ipLine },
  { weight: 3, arbitrary: pingLine },
  { weight: 1, arbitrary: tracerouteLine },
  { weight: 3, arbitrary: sysctlLine },
  { weight: 1, arbitrary: bridgeLine },
  { weight: 1, arbitrary: miscLine },
);

// ---- mutation and garbage -------------------------------------------------------------------

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), word: fc.oneof(garbageWord, dev, addr, fc.constantFrom('up', 'via', 'dev', 'type', 'peer', 'netns', 'master', 'onlink', 'metric')) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('char' as const), at: fc.nat(), ch: fc.constantFrom(...'\'"\\;&|#$ \t-/.0x') }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

export function mutate(line: string, ms: Mutation[]): string {
  let s = line;
  for (const m of ms) {
    const words = s.split(' ');
    const i = words.length ? m.at % words.length : 0;
    switch (m.kind) {
      case 'drop':
        words.splice(i, 1);
        s = words.join(' ');
        break;
      case 'dup':
        words.splice(i, 0, words[i] ?? '');
        s = words.join(' ');
        break;
      case 'swap': {
        const j = words.length ? m.with % words.length : 0;
        [words[i], words[j]] = [words[j], words[i]];
        s = words.join(' ');
        break;
      }
      case 'insert':
        words.splice(i, 0, m.word);
        s = words.join(' ');
        break;
      case 'truncate':
        s = s.slice(0, s.length ? m.at % s.length : 0);
        break;
      case 'char': {
        const k = s.length ? m.at % (s.length + 1) : 0;
        s = s.slice(0, k) + m.ch + s.slice(k);
        break;
      }
    }
  }
  return s;
}

export const mutatedLine = fc.tuple(simpleLine, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([l, ms]) => mutate(l, ms));

/** Anything at all: binary-ish strings and printable noise. */
export const noiseLine = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.string({ maxLength: 60, unit: fc.constantFrom(...'ip link addr route via dev 10.244.2.2 /24 ;&|\'"\\#-') }),
);

/** Lines joined with shell separators, some of them mutated. */
export const listLine = fc
  .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: simpleLine }, { weight: 1, arbitrary: mutatedLine }), fc.constantFrom(' ; ', ' && ', ' || ', '; ', ';')), { minLength: 2, maxLength: 3 })
  .map((xs) => xs.map(([l, sep], i) => (i < xs.length - 1 ? l + sep : l)).join(''));

export const anyLine = fc.oneof(
  { weight: 8, arbitrary: simpleLine },
  { weight: 4, arbitrary: mutatedLine },
  { weight: 2, arbitrary: listLine },
  { weight: 1, arbitrary: noiseLine },
);

// ---- worlds ---------------------------------------------------------------------------------

// the lecture's stages: a cluster stage boots a whole cluster (hundreds of ms a run) and has its own tests
export const PRESETS = presetNames().filter((n) => presets[n].scenario.preset === undefined);
export const presetName = pick(PRESETS);

/** A fresh world at a lab stage (each run gets its own, so runs never leak into each other). */
export function worldAt(preset: string): World {
  return buildWorld({ name: `fuzz-${preset}`, preset, steps: [] });
}

/** A namespace to type into: usually one that exists at that stage. */
export const shellNetns = fc.oneof({ weight: 12, arbitrary: pick(SHELL_NETNS) }, { weight: 1, arbitrary: fc.constantFrom('ghost', '__lan_lan0') });
