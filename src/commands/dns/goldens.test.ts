/**
 * dig, nslookup and dnsmasq against what the real tools printed on this machine
 * (tests/conformance/pending): each scenario's dnsmasq steps become servers on a table-driven
 * network, its dig and nslookup steps run against them, and the output must match the golden
 * byte for byte after masking ids, query times and dates. When the engine carries UDP between
 * namespaces these scenarios move into the conformance corpus and run for real.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dnsLength, type DnsMessage } from '../../engine/wire/dns';
import { runDnsIo, type DnsExchange, type DnsOutcome } from '../../kube/dns/io';
import { tokenize } from '../shell/tokenize';
import { maskDnsNoise } from '../../../tests/conformance/mask';
import { dig } from './dig';
import { nslookup } from './nslookup';
import { dnsmasqServe, dnsmasqStartLines, parseDnsmasqArgs } from './dnsmasq';
import { getent } from './getent';

const dir = path.resolve(__dirname, '../../../tests/conformance/pending');
interface Step { on: string; run: string; exit?: number; stdout?: string; stderr?: string }

type Server = (q: DnsMessage, client: string, ex: (x: DnsExchange, from: string) => DnsOutcome) => DnsMessage | null;

class TableNet {
  hosts = new Map<string, string>(); // ip -> host
  servers = new Map<string, Server>(); // ip#port -> server

  exchange(x: DnsExchange, from: string): DnsOutcome {
    if (!this.hosts.has(x.server)) return { kind: 'timeout' };
    const s = this.servers.get(`${x.server}#${x.port}`);
    if (!s) return { kind: 'refused' };
    const reply = s(x.query, from, (y, f) => this.exchange(y, f));
    if (!reply) return { kind: 'timeout' };
    return { kind: 'reply', reply, size: dnsLength(reply), rttMs: 0 };
  }
}

let seq = 1;
const rnd = { id: () => (seq = (seq * 7919 + 13) % 65536), cookie: () => Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) };

/**
 * Steps that give a program its own /etc/resolv.conf (and /etc/hosts) for one step on the real
 * machine bind-mount a file over it: `f=$(mktemp) && cat > $f && mount --bind $f /etc/resolv.conf`
 * with the file's text as the step's stdin, and `printf '...' > $h && mount --bind $h /etc/hosts`.
 */
function stepFiles(s: Step & { stdin?: string }): { run: string; resolvConf?: string; hosts?: string } {
  let run = s.run;
  let resolvConf: string | undefined;
  let hosts: string | undefined;
  const rc = /^(.*?)f=\$\(mktemp\) && cat > \$f && mount --bind \$f \/etc\/resolv\.conf && /.exec(run);
  if (rc) {
    resolvConf = s.stdin;
    run = rc[1] + run.slice(rc[0].length);
  }
  const hs = /^h=\$\(mktemp\) && printf '([^']*)' > \$h && mount --bind \$h \/etc\/hosts && /.exec(run);
  if (hs) {
    hosts = hs[1].replace(/\\n/g, '\n');
    run = run.slice(hs[0].length);
  }
  return { run, resolvConf, hosts };
}

function runSteps(steps: (Step & { stdin?: string })[]): { run: string; stdout: string; exit: number; stderr: string }[] {
  const net = new TableNet();
  const addrOf = new Map<string, string>();
  const logs = new Map<string, string[]>();
  const results: { run: string; stdout: string; exit: number; stderr: string }[] = [];
  for (const s of steps) {
    let stdout = '';
    let stderr = '';
    let exit = 0;
    const files = stepFiles(s);
    const t = tokenize(files.run);
    if (!t.ok) throw new Error(t.error);
    for (const p of t.list) {
      const argv = p.argv.filter((a) => !/^[0-9]?>/.test(a) && a !== '&' && !a.startsWith('/tmp/') && a !== '/dev/null');
      const [cmd, ...args] = argv;
      const logFile = p.argv.find((a) => /^>\/tmp\/.*\.log$/.test(a))?.slice(1);
      if (cmd === 'cat' && p.argv[1]?.endsWith('.log') && p.pipeTo?.[0]?.[0] === 'grep') {
        // cat LOG | grep -v -e A -e B: the log without the lines that name A or B
        const drop = p.pipeTo[0].filter((_, i, a) => a[i - 1] === '-e');
        stdout += (logs.get(p.argv[1]) ?? []).filter((l) => !drop.some((d) => l.includes(d))).map((l) => `${l}\n`).join('');
        continue;
      }
      if (cmd === 'cat' && p.argv[1]?.endsWith('.log')) {
        stdout += (logs.get(p.argv[1]) ?? []).map((l) => `${l}\n`).join('');
        continue;
      }
      if (p.pipeTo) return results; // other pipelines need the shell: stop comparing this scenario here
      if (cmd === 'ip') {
        const m = /^(\d+\.\d+\.\d+\.\d+)\//.exec(args[2]);
        if (m) {
          net.hosts.set(m[1], s.on);
          addrOf.set(s.on, m[1]);
        }
      } else if (cmd === 'dnsmasq') {
        const parsed = parseDnsmasqArgs(args.map((a) => a.replace(/&$/, '')));
        if (!parsed.ok) {
          stderr += parsed.stderr;
          exit = parsed.exit;
          continue;
        }
        const c = parsed.config;
        const ip = c.listenAddresses[0] ?? addrOf.get(s.on)!;
        if (net.servers.has(`${ip}#${c.port}`)) {
          stderr += `\ndnsmasq: failed to create listening socket for ${ip}: Address already in use\n`;
          exit = 2;
          continue;
        }
        const log = logFile ? (logs.set(logFile, []), logs.get(logFile)!) : [];
        if (c.noDaemon) log.push(...dnsmasqStartLines(c, c.servers, c.noHosts ? null : 0));
        net.servers.set(`${ip}#${c.port}`, (q, client, ex) => runDnsIo(dnsmasqServe(c, c.servers, q, client, (l) => log.push(l)), (x) => ex(x, ip)));
      } else if (cmd === 'dig' || cmd === 'nslookup') {
        const host = { resolvConf: '', hostname: s.on, now: () => 0, rnd };
        const from = addrOf.get(s.on)!;
        const r = runDnsIo(cmd === 'dig' ? dig(args, host) : nslookup(args, host), (x) => net.exchange(x, from));
        stdout += r.stdout;
        stderr += r.stderr;
        exit = r.exit;
      } else if (cmd === 'getent') {
        const from = addrOf.get(s.on)!;
        const host = { resolvConf: files.resolvConf ?? '', hostsFile: files.hosts ?? '', hostname: s.on, now: () => 0, rnd };
        const r = runDnsIo(getent(args, host), (x) => net.exchange(x, from));
        stdout += r.stdout;
        stderr += r.stderr;
        exit = r.exit;
      } else if (cmd === 'echo') {
        stdout += `${args.join(' ').replace('$?', String(exit))}\n`;
        exit = 0;
      } else if (cmd === 'sleep') exit = 0;
      else return results;
    }
    results.push({ run: s.run, stdout, stderr, exit });
  }
  return results;
}

for (const file of fs.readdirSync(path.join(dir, 'goldens')).filter((f) => f.endsWith('.json'))) {
  const golden = JSON.parse(fs.readFileSync(path.join(dir, 'goldens', file), 'utf8')) as { name: string; results: Step[] };
  const scenario = JSON.parse(fs.readFileSync(path.join(dir, 'scenarios', file), 'utf8')) as { steps: { stdin?: string }[] };
  describe(`golden ${golden.name}`, () => {
    const actual = runSteps(golden.results.map((r, i) => ({ ...r, stdin: scenario.steps[i]?.stdin })));
    actual.forEach((a, i) => {
      const g = golden.results[i];
      if (!/\b(dig|nslookup|dnsmasq|getent)\b/.test(g.run) && !g.run.includes('.log')) return;
      it(`step ${i + 1}: ${g.run}`, () => {
        expect(maskDnsNoise(a.stdout)).toBe(maskDnsNoise(g.stdout!));
        expect(a.stderr).toBe(g.stderr);
        expect(a.exit).toBe(g.exit);
      });
    });
  });
}
