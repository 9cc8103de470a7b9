/**
 * A CoreDNS instance (core/dnsserver): server blocks by zone and port, each a chain of plugins in
 * plugin.cfg order; the reply fitted to the client's buffer as CoreDNS's ScrubWriter does (the
 * request's OPT echoed, written uncompressed when it fits, truncated with TC when it does not);
 * its start-up and reload lines on standard output; a Corefile that does not load leaves the
 * running configuration in place.
 */
import { Rcode, dnsLength, isSubdomain, replyTo, type DnsMessage } from '../../../engine/wire/dns';
import { COREFILE_PATH, CorefileError, Dispenser, PLUGIN_ORDER, keyPort, normalizeZone, parseCorefile, type ServerBlock } from '../corefile';
import type { DnsIo } from '../io';
import { KubernetesPlugin } from '../kubernetes';
import { parseKubernetes, pluginError } from '../kubernetesSetup';
import { sha512Hex } from '../sha512';
import { chainOf, type Client, type CoreDnsEnv, type DnsRequest, type DnsResult, type Handler, type Next } from './chain';
import { CachePlugin, parseCache } from './cache';
import { ForwardPlugin, parseForward } from './forward';
import { HostsPlugin, parseHosts } from './hosts';
import { ErrorsPlugin, LoadBalancePlugin, LogPlugin, checkSettingsPlugin, parseErrors, parseLoadBalance, parseLog } from './plugins';
import { RewritePlugin, parseRewrite } from './rewrite';
import { LAB_EPOCH_MS } from '../epoch';

export const COREDNS_VERSION = 'CoreDNS-1.11.3';
const BUILD_LINE = 'linux/amd64, go1.21.11, a6338e9';

interface Server {
  zone: string;
  port: number;
  /** as CoreDNS lists it when it starts ("cluster.local.:53") */
  address: string;
  chain: Next;
  directives: Set<string>;
}

const SETTINGS_ONLY = new Set(['health', 'ready', 'reload', 'loop', 'prometheus']);

/** The JSON Go's encoding/json makes of caddy's server blocks (what reload hashes). */
function blocksJson(blocks: ServerBlock[]): string {
  const esc = (s: string) => JSON.stringify(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return `[${blocks
    .map((b) => {
      const dirs = [...b.tokens.keys()].sort();
      const toks = dirs.map((d) => `${esc(d)}:[${b.tokens.get(d)!.map((t) => `{"File":${esc(COREFILE_PATH)},"Line":${t.line},"Text":${esc(t.text)}}`).join(',')}]`);
      return `{"Keys":[${b.keys.map(esc).join(',')}],"Tokens":{${toks.join(',')}}}`;
    })
    .join(',')}]`;
}

export class CoreDns {
  private servers: Server[] = [];
  private corefile = '';
  private kubernetes: KubernetesPlugin[] = [];

  constructor(private readonly env: CoreDnsEnv) {}

  /** The Corefile the instance runs. */
  get running(): string {
    return this.corefile;
  }

  /** The ports the instance listens on (UDP and TCP). */
  ports(): number[] {
    return [...new Set(this.servers.map((s) => s.port))];
  }

  /** Does the running configuration have this plugin (e.g. reload)? */
  has(directive: string): boolean {
    return this.servers.some((s) => s.directives.has(directive));
  }

  /** Build servers from a Corefile; a bad one throws CorefileError with CoreDNS's message. */
  private build(text: string): { servers: Server[]; kubernetes: KubernetesPlugin[] } {
    const blocks = parseCorefile(text);
    const servers: Server[] = [];
    const kubernetes: KubernetesPlugin[] = [];
    const seen = new Set<string>();
    for (const b of blocks) {
      const handlers: Handler[] = [];
      for (const dir of PLUGIN_ORDER) {
        const toks = b.tokens.get(dir);
        if (!toks) continue;
        const d = new Dispenser(toks, COREFILE_PATH, b.keys);
        const h = this.setup(dir, d, kubernetes);
        if (h) handlers.push(h);
      }
      const chain = chainOf(handlers);
      for (const key of b.keys) {
        const port = keyPort(key);
        if (port === null) throw new CorefileError(`invalid port in "${key}"`);
        const zone = normalizeZone(key);
        const address = `${zone}:${port}`;
        if (seen.has(address)) throw new CorefileError(`cannot serve dns://${address} - it is already defined`);
        seen.add(address);
        servers.push({ zone, port, address, chain, directives: new Set(b.tokens.keys()) });
      }
    }
    return { servers, kubernetes };
  }

  private setup(dir: string, d: Dispenser, kubernetes: KubernetesPlugin[]): Handler | null {
    if (SETTINGS_ONLY.has(dir)) {
      checkSettingsPlugin(dir, d);
      return null;
    }
    switch (dir) {
      case 'errors':
        parseErrors(d);
        return new ErrorsPlugin(this.env);
      case 'log':
        parseLog(d);
        return new LogPlugin(this.env);
      case 'loadbalance':
        parseLoadBalance(d);
        return new LoadBalancePlugin(this.env);
      case 'cache':
        return new CachePlugin(parseCache(d), this.env);
      case 'rewrite':
        return new RewritePlugin(parseRewrite(d));
      case 'hosts':
        return new HostsPlugin(parseHosts(d), this.env);
      case 'forward':
        return new ForwardPlugin(parseForward(d, this.env), this.env);
      case 'kubernetes': {
        const cfg = parseKubernetes(d);
        const index = this.env.index;
        if (!index) throw pluginError('kubernetes', 'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
        const k = new KubernetesPlugin(cfg, {
          index,
          localIPs: this.env.localIPs,
          serial: () => Math.floor((LAB_EPOCH_MS + index.modifiedAt) / 1000),
          upstream: (name, type) => this.lookup(name, type),
        });
        kubernetes.push(k);
        return { name: 'kubernetes', serve: (req, next) => kubernetesHandler(k, req, next) };
      }
      default:
        throw pluginError(dir, 'this plugin is not modelled in Hoplab');
    }
  }

  /** Start with `text`; throws CorefileError (the pod would exit with this message). */
  start(text: string): void {
    const built = this.build(text);
    this.servers = built.servers;
    this.kubernetes = built.kubernetes;
    this.corefile = text;
    for (const s of this.servers) this.env.log(s.address);
    if (this.has('reload')) this.env.log(`[INFO] plugin/reload: Running configuration SHA512 = ${sha512Hex(blocksJson(parseCorefile(text)))}`);
    this.env.log(COREDNS_VERSION);
    this.env.log(BUILD_LINE);
  }

  /** The ConfigMap changed: with the reload plugin, load the new file or keep the old one. */
  reload(text: string): boolean {
    if (text === this.corefile || !this.has('reload')) return false;
    let built: ReturnType<CoreDns['build']>;
    try {
      built = this.build(text);
    } catch (e) {
      const msg = (e as Error).message;
      this.env.log(`[ERROR] Restart failed: ${msg}`);
      this.env.log(`[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: ${msg}`);
      return false;
    }
    this.env.log('[INFO] Reloading');
    const lameduck = /health\s*\{[^}]*lameduck\s+(\S+)/.exec(this.corefile);
    if (lameduck) this.env.log(`[INFO] plugin/health: Going into lameduck mode for ${lameduck[1]}`);
    this.servers = built.servers;
    this.kubernetes = built.kubernetes;
    this.corefile = text;
    if (this.has('reload')) this.env.log(`[INFO] plugin/reload: Running configuration SHA512 = ${sha512Hex(blocksJson(parseCorefile(text)))}`);
    this.env.log('[INFO] Reloading complete');
    return true;
  }

  /** Resolve through this instance itself (the kubernetes plugin's upstream for ExternalName targets). */
  private *lookup(name: string, type: number): DnsIo<DnsMessage | null> {
    const q = replyTo({ id: 0, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: false, cd: false, rcode: 0, question: [{ name, type, class: 1 }], answer: [], authority: [], additional: [] });
    q.qr = false;
    return yield* this.serve(q, { ip: '127.0.0.1', port: 0, proto: 'udp' }, 53);
  }

  /** Answer one query that arrived on `port` from `client`; null means no reply is sent. */
  *serve(query: DnsMessage, client: Client, port: number): DnsIo<DnsMessage | null> {
    const q = query.question[0];
    if (query.qr || !q) return null;
    const candidates = this.servers.filter((s) => s.port === port && isSubdomain(q.name, s.zone));
    const server = candidates.sort((a, b) => b.zone.length - a.zone.length)[0];
    let res: DnsResult;
    if (!server) res = { msg: null, rcode: Rcode.REFUSED };
    else {
      const req: DnsRequest = { msg: query, client, size: dnsLength(query, 'none') };
      res = yield* server.chain(req);
    }
    const reply = res.msg ? { ...res.msg } : replyTo(query, res.rcode);
    return scrub(query, reply, client.proto);
  }

  /** The kubernetes plugins of the running configuration (for the DNS view). */
  kubernetesPlugins(): readonly KubernetesPlugin[] {
    return this.kubernetes;
  }
}

function* kubernetesHandler(k: KubernetesPlugin, req: DnsRequest, next: Next): DnsIo<DnsResult> {
  const r = yield* k.serve(req.msg);
  if (r.kind === 'next') return yield* next(req);
  if (r.kind === 'error') return { msg: null, rcode: r.rcode, error: r.error };
  return { msg: r.msg, rcode: r.msg.rcode };
}

/** request.go SizeAndDo + Scrub (miekg's Truncate): echo the OPT, fit the client's buffer. */
export function scrub(query: DnsMessage, reply: DnsMessage, proto: 'udp' | 'tcp'): DnsMessage {
  let m: DnsMessage = { ...reply, id: query.id };
  if (query.edns) {
    // the request's OPT comes back with the options CoreDNS knows (NSID, COOKIE, keepalive, padding …)
    const supported = query.edns.options.filter((o) => [3, 9, 10, 11, 12].includes(o.code));
    m.edns = reply.edns
      ? { ...reply.edns, udpSize: query.edns.udpSize, version: 0, do: query.edns.do }
      : { udpSize: query.edns.udpSize, version: 0, do: query.edns.do, options: supported };
  } else m.edns = undefined;
  const size = proto === 'tcp' ? 65535 : Math.max(512, query.edns?.udpSize ?? 512);
  // a reply that fits uncompressed is sent uncompressed (miekg's Truncate clears Compress)
  if (dnsLength(m, 'none') <= size) return { ...m, pack: 'none' };
  const edns = m.edns;
  const budget = size - (edns ? 11 + edns.options.reduce((s, o) => s + 4 + o.data.length, 0) : 0);
  const full = { answer: m.answer, authority: m.authority, additional: m.additional };
  m = { ...m, pack: 'compressed', edns: undefined, answer: [], authority: [], additional: [] };
  for (const sec of ['answer', 'authority', 'additional'] as const) {
    let n = 0;
    while (n < full[sec].length && dnsLength({ ...m, [sec]: full[sec].slice(0, n + 1) }) <= budget) n++;
    m = { ...m, [sec]: full[sec].slice(0, n) };
  }
  const cut = m.answer.length < full.answer.length || m.authority.length < full.authority.length;
  return { ...m, edns, tc: m.tc || cut };
}
