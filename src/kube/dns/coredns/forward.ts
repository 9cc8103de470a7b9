/**
 * The forward plugin (plugin/forward): questions under FROM go to the TO upstreams, addresses or
 * the nameservers of a resolv.conf file; each try waits 2 s for a reply (readTimeout) and the
 * plugin keeps trying, upstream after upstream, until 5 s have passed (defaultTimeout); then it
 * gives up with SERVFAIL and the error the errors plugin logs ("read udp …: i/o timeout").
 */
import { isSubdomain, type DnsMessage } from '../../../engine/wire/dns';
import { CorefileError, type Dispenser } from '../corefile';
import type { DnsIo, DnsOutcome } from '../io';
import { parseResolvConf } from '../resolvconf';
import { pluginError, zoneArg } from '../kubernetesSetup';
import type { CoreDnsEnv, DnsRequest, DnsResult, Handler, Next } from './chain';

const READ_TIMEOUT_MS = 2000;
const DEFAULT_TIMEOUT_MS = 5000;
const MAX_UPSTREAMS = 15;

interface Upstream {
  ip: string;
  port: number;
}

export interface ForwardConfig {
  from: string;
  to: Upstream[];
  except: string[];
  forceTcp: boolean;
  preferUdp: boolean;
  policy: 'random' | 'round_robin' | 'sequential';
}

const isIPv4 = (s: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) && s.split('.').every((p) => Number(p) <= 255);

function upstreamsOf(arg: string, env: CoreDnsEnv): Upstream[] {
  if (arg.startsWith('/')) {
    const text = env.readFile(arg);
    if (text === undefined) throw pluginError('forward', `open ${arg}: no such file or directory`);
    return parseResolvConf(text).nameservers.map((ip) => ({ ip, port: 53 }));
  }
  const s = arg.replace(/^dns:\/\//, '');
  const m = /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m || !isIPv4(m[1])) throw pluginError('forward', `not an IP address or file: ${JSON.stringify(arg)}`);
  return [{ ip: m[1], port: m[2] ? Number(m[2]) : 53 }];
}

export function parseForward(d: Dispenser, env: CoreDnsEnv): ForwardConfig {
  let cfg: ForwardConfig | undefined;
  let n = 0;
  while (d.next()) {
    if (n++ > 0) throw pluginError('forward', 'this plugin can only be used once per Server Block');
    const from = d.remainingArgs();
    if (from.length < 2) throw pluginError('forward', d.argErr());
    const to = from.slice(1).flatMap((a) => upstreamsOf(a, env));
    if (to.length === 0) throw pluginError('forward', 'no nameservers found');
    if (to.length > MAX_UPSTREAMS) throw pluginError('forward', `more than ${MAX_UPSTREAMS} TOs configured: ${to.length}`);
    cfg = { from: zoneArg(from[0]), to, except: [], forceTcp: false, preferUdp: false, policy: 'random' };
    while (d.nextBlock()) {
      const prop = d.val();
      const args = d.remainingArgs();
      switch (prop) {
        case 'except':
          if (args.length === 0) throw pluginError('forward', d.argErr());
          cfg.except.push(...args.map(zoneArg));
          break;
        case 'force_tcp':
        case 'prefer_udp':
          if (args.length !== 0) throw pluginError('forward', d.argErr());
          if (prop === 'force_tcp') cfg.forceTcp = true;
          else cfg.preferUdp = true;
          break;
        case 'policy':
          if (args.length !== 1) throw pluginError('forward', d.argErr());
          if (args[0] !== 'random' && args[0] !== 'round_robin' && args[0] !== 'sequential') throw pluginError('forward', d.errf(`unknown policy '${args[0]}'`));
          cfg.policy = args[0];
          break;
        case 'max_concurrent':
        case 'max_fails':
        case 'expire':
        case 'health_check':
        case 'tls_servername':
        case 'next':
          if (args.length === 0) throw pluginError('forward', d.argErr());
          if ((prop === 'max_concurrent' || prop === 'max_fails') && !/^\d+$/.test(args[0])) {
            throw pluginError('forward', new CorefileError(`strconv.Atoi: parsing ${JSON.stringify(args[0])}: invalid syntax`));
          }
          break;
        case 'tls':
        case 'failfast_all_unhealthy_upstreams':
          break;
        default:
          throw pluginError('forward', d.errf(`unknown property '${prop}'`));
      }
    }
  }
  return cfg!;
}

export class ForwardPlugin implements Handler {
  readonly name = 'forward';
  private rr = 0;

  constructor(
    readonly cfg: ForwardConfig,
    private readonly env: CoreDnsEnv,
  ) {}

  /** the upstreams in the order this query tries them (the policy's list) */
  private list(): Upstream[] {
    const to = this.cfg.to;
    if (this.cfg.policy === 'sequential' || to.length === 1) return to;
    if (this.cfg.policy === 'round_robin') {
      const i = this.rr++ % to.length;
      return [...to.slice(i), ...to.slice(0, i)];
    }
    const l = to.slice();
    for (let i = l.length - 1; i > 0; i--) {
      const j = Math.floor(this.env.random() * (i + 1));
      [l[i], l[j]] = [l[j], l[i]];
    }
    return l;
  }

  *serve(req: DnsRequest, next: Next): DnsIo<DnsResult> {
    const name = req.msg.question[0].name;
    if (!isSubdomain(name, this.cfg.from) || this.cfg.except.some((z) => isSubdomain(name, z))) return yield* next(req);
    const proto = this.cfg.forceTcp ? 'tcp' : this.cfg.preferUdp ? 'udp' : req.client.proto;
    const list = this.list();
    let elapsed = 0;
    let error = '';
    let refusals = 0;
    for (let i = 0; elapsed < DEFAULT_TIMEOUT_MS; i = (i + 1) % list.length) {
      const u = list[i];
      const query: DnsMessage = { ...req.msg };
      const started = this.env.now();
      const out: DnsOutcome = yield { server: u.ip, port: u.port, proto, query, timeoutMs: READ_TIMEOUT_MS };
      elapsed += Math.max(this.env.now() - started, out.kind === 'timeout' ? READ_TIMEOUT_MS : 0);
      if (out.kind === 'reply') return { msg: { ...out.reply, id: req.msg.id }, rcode: out.reply.rcode };
      const local = 'local' in out && out.local ? `${out.local.ip}:${out.local.port}` : `${this.env.localIPs[0] ?? '0.0.0.0'}:0`;
      if (out.kind === 'timeout') error = `read ${proto} ${local}->${u.ip}:${u.port}: i/o timeout`;
      else if (out.kind === 'refused') error = `read ${proto} ${local}->${u.ip}:${u.port}: read: connection refused`;
      else error = `dial ${proto} ${u.ip}:${u.port}: connect: ${out.error.toLowerCase()}`;
      // upstreams that refuse at once are marked down after two failures each (max_fails)
      if (out.kind !== 'timeout' && ++refusals >= 2 * list.length) break;
    }
    return { msg: null, rcode: 2, error };
  }
}
