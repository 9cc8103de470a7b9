/**
 * The cache plugin (plugin/cache): replies for names in its zones are kept for their smallest TTL,
 * capped by `cache TTL` (3600 s for answers, 1800 s for denials by default) and at least 5 s; a
 * denial (NXDOMAIN or NODATA) lives as long as its SOA says. Every record of a reply, fresh or
 * cached, carries that one TTL, counting down on the virtual clock; a cached reply is authoritative.
 */
import { DnsType, Rcode, isSubdomain, replyTo, type DnsMessage, type DnsRR } from '../../../engine/wire/dns';
import type { Dispenser } from '../corefile';
import type { DnsIo } from '../io';
import { pluginError, zoneArg } from '../kubernetesSetup';
import type { CoreDnsEnv, DnsRequest, DnsResult, Handler, Next } from './chain';

export interface CacheConfig {
  zones: string[];
  /** seconds */
  successTtl: number;
  denialTtl: number;
  minTtl: number;
}

const atoiErr = (s: string) => `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;

export function parseCache(d: Dispenser): CacheConfig {
  const cfg: CacheConfig = { zones: d.keys.map(zoneArg), successTtl: 3600, denialTtl: 1800, minTtl: 5 };
  let n = 0;
  while (d.next()) {
    if (n++ > 0) throw pluginError('cache', 'this plugin can only be used once per Server Block');
    const args = d.remainingArgs();
    if (args.length > 0) {
      if (/^\d+$/.test(args[0])) {
        const ttl = Number(args[0]);
        if (ttl <= 0) throw pluginError('cache', `cache TTL can not be zero or negative: ${ttl}`);
        cfg.successTtl = cfg.denialTtl = ttl;
        args.shift();
      }
      if (args.length > 0) cfg.zones = args.map(zoneArg);
    }
    while (d.nextBlock()) {
      const prop = d.val();
      const a = d.remainingArgs();
      switch (prop) {
        case 'success':
        case 'denial': {
          if (a.length === 0) throw pluginError('cache', d.argErr());
          for (const x of a) if (!/^\d+$/.test(x)) throw pluginError('cache', atoiErr(x));
          if (a[1] !== undefined) {
            if (prop === 'success') cfg.successTtl = Number(a[1]);
            else cfg.denialTtl = Number(a[1]);
          }
          if (a[2] !== undefined) cfg.minTtl = Number(a[2]);
          break;
        }
        case 'prefetch':
        case 'serve_stale':
        case 'servfail':
        case 'disable':
        case 'keepttl':
          break;
        default:
          throw pluginError('cache', d.errf(`unknown property '${prop}'`));
      }
    }
  }
  return cfg;
}

interface Item {
  msg: DnsMessage;
  storedAt: number;
  /** seconds */
  ttl: number;
}

const withTtl = (rrs: DnsRR[], ttl: number): DnsRR[] => rrs.map((r) => ({ ...r, ttl }));

export class CachePlugin implements Handler {
  readonly name = 'cache';
  private readonly items = new Map<string, Item>();

  constructor(
    readonly cfg: CacheConfig,
    private readonly env: CoreDnsEnv,
  ) {}

  private key(m: DnsMessage): string {
    const q = m.question[0];
    return `${q.name.toLowerCase()}|${q.type}|${m.edns?.do ? 1 : 0}|${m.cd ? 1 : 0}`;
  }

  /** response.MinimalTTL, capped as the plugin caps it; undefined for what is never cached */
  private duration(m: DnsMessage): number | undefined {
    if (m.tc) return undefined;
    let denial = false;
    if (m.rcode === Rcode.NXDOMAIN) denial = true;
    else if (m.rcode === Rcode.NOERROR) denial = m.answer.length === 0;
    else return undefined;
    let min: number;
    if (denial) {
      const soa = m.authority.find((r) => r.type === DnsType.SOA);
      min = soa && soa.data.kind === 'SOA' ? Math.min(soa.ttl, soa.data.minimum) : 5;
    } else min = Math.min(...[...m.answer, ...m.authority, ...m.additional].map((r) => r.ttl));
    const cap = denial ? this.cfg.denialTtl : this.cfg.successTtl;
    return Math.max(this.cfg.minTtl, Math.min(min, cap));
  }

  *serve(req: DnsRequest, next: Next): DnsIo<DnsResult> {
    const name = req.msg.question[0].name;
    if (!this.cfg.zones.some((z) => isSubdomain(name, z))) return yield* next(req);
    const key = this.key(req.msg);
    const now = this.env.now();
    const hit = this.items.get(key);
    if (hit) {
      const left = hit.ttl - Math.floor((now - hit.storedAt) / 1000);
      if (left > 0) {
        const m = replyTo(req.msg, hit.msg.rcode);
        m.aa = true;
        m.ra = hit.msg.ra;
        m.answer = withTtl(hit.msg.answer, left);
        m.authority = withTtl(hit.msg.authority, left);
        m.additional = withTtl(hit.msg.additional, left);
        return { msg: m, rcode: m.rcode };
      }
      this.items.delete(key);
    }
    const res = yield* next(req);
    if (!res.msg) return res;
    const ttl = this.duration(res.msg);
    if (ttl === undefined) return res;
    this.items.set(key, { msg: res.msg, storedAt: now, ttl });
    const m: DnsMessage = { ...res.msg, answer: withTtl(res.msg.answer, ttl), authority: withTtl(res.msg.authority, ttl), additional: withTtl(res.msg.additional, ttl) };
    return { ...res, msg: m };
  }
}
