/**
 * The small plugins of kubeadm's Corefile: errors (logs what went wrong), log (a line per query in
 * CoreDNS's common log format), loadbalance (shuffles address records, round robin), and the ones
 * that only need a valid configuration here: health, ready, reload, loop, prometheus.
 */
import { DnsType, emitDns, type DnsMessage, type DnsRR } from '../../../engine/wire/dns';
import type { Dispenser } from '../corefile';
import type { DnsIo } from '../io';
import { pluginError } from '../kubernetesSetup';
import type { CoreDnsEnv, DnsRequest, DnsResult, Handler, Next } from './chain';

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];
const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(DnsType).map(([k, v]) => [v, k]));
export const rcodeText = (r: number): string => RCODES[r] ?? `RCODE${r}`;
export const qtypeText = (t: number): string => TYPE_NAMES[t] ?? `TYPE${t}`;

/** Go's time.Duration.Seconds() printed with 'f', -1 (shortest form), as the log plugin writes {duration}. */
export function goSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? String(s) : String(Number(s.toFixed(9)))}s`;
}

/** A directive that takes no arguments and no block, once per server block. */
function noArgs(name: string, d: Dispenser): void {
  let n = 0;
  while (d.next()) {
    if (n++ > 0) throw pluginError(name, 'this plugin can only be used once per Server Block');
    if (d.remainingArgs().length > 0) throw pluginError(name, d.argErr());
  }
}

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** Settings only: health, ready, reload, loop, prometheus (their checks as CoreDNS makes them). */
export function checkSettingsPlugin(name: string, d: Dispenser): void {
  switch (name) {
    case 'loop':
      return noArgs(name, d);
    case 'ready':
    case 'prometheus': {
      let n = 0;
      while (d.next()) {
        if (n++ > 0 && name === 'ready') throw pluginError(name, 'this plugin can only be used once per Server Block');
        if (d.remainingArgs().length > 1) throw pluginError(name, d.argErr());
      }
      return;
    }
    case 'health':
      while (d.next()) {
        if (d.remainingArgs().length > 1) throw pluginError(name, d.argErr());
        while (d.nextBlock()) {
          if (d.val() !== 'lameduck') throw pluginError(name, d.argErr());
          const a = d.remainingArgs();
          if (a.length !== 1) throw pluginError(name, d.argErr());
          if (!GO_DURATION.test(a[0])) throw pluginError(name, `unable to parse lameduck duration value: '${a[0]}': time: invalid duration "${a[0]}"`);
        }
      }
      return;
    case 'reload':
      while (d.next()) {
        const a = d.remainingArgs();
        if (a.length > 2) throw pluginError(name, d.argErr());
        for (const x of a) if (!GO_DURATION.test(x)) throw pluginError(name, `invalid duration '${x}'`);
      }
      return;
  }
}

export class ErrorsPlugin implements Handler {
  readonly name = 'errors';
  constructor(private readonly env: CoreDnsEnv) {}

  *serve(req: DnsRequest, next: Next): DnsIo<DnsResult> {
    const res = yield* next(req);
    if (res.error) {
      const q = req.msg.question[0];
      this.env.log(`[ERROR] plugin/errors: ${res.rcode} ${q.name} ${qtypeText(q.type)}: ${res.error}`);
    }
    return res;
  }
}

export function parseErrors(d: Dispenser): void {
  let n = 0;
  while (d.next()) {
    if (n++ > 0) throw pluginError('errors', 'this plugin can only be used once per Server Block');
    if (d.remainingArgs().length > 1) throw pluginError('errors', d.argErr());
    while (d.nextBlock()) {
      if (d.val() !== 'consolidate' && d.val() !== 'stacktrace') throw pluginError('errors', d.errf(`unknown property '${d.val()}'`));
      d.remainingArgs();
    }
  }
}

const FLAGS = ['qr', 'aa', 'tc', 'rd', 'ra', 'z', 'ad', 'cd'] as const;

/** `log`: one line per query, after the answer, in CoreDNS's common log format. */
export class LogPlugin implements Handler {
  readonly name = 'log';
  constructor(private readonly env: CoreDnsEnv) {}

  *serve(req: DnsRequest, next: Next): DnsIo<DnsResult> {
    const start = this.env.now();
    const res = yield* next(req);
    const q = req.msg.question[0];
    const m = res.msg;
    const bufsize = req.client.proto === 'tcp' ? 65535 : Math.max(512, req.msg.edns?.udpSize ?? 512);
    const rflags = m ? FLAGS.filter((f) => m[f]).join(',') : '-';
    // the size the plugins wrote, before the server adds the OPT record and fits it to the client
    const rsize = m ? emitDns({ ...m, edns: undefined }, 'none').length : 0;
    this.env.log(
      `[INFO] ${req.client.ip}:${req.client.port} - ${req.msg.id} "${qtypeText(q.type)} IN ${q.name} ${req.client.proto} ${req.size} ${req.msg.edns?.do ? 'true' : 'false'} ${bufsize}" ${m ? rcodeText(m.rcode) : '-'} ${rflags} ${rsize} ${goSeconds(this.env.now() - start)}`,
    );
    return res;
  }
}

export function parseLog(d: Dispenser): void {
  while (d.next()) {
    d.remainingArgs();
    while (d.nextBlock()) {
      if (d.val() !== 'class') throw pluginError('log', d.errf(`unknown property '${d.val()}'`));
      if (d.remainingArgs().length === 0) throw pluginError('log', d.argErr());
    }
  }
}

/** `loadbalance`: CNAMEs first, then other records, then the A/AAAA records shuffled (round robin). */
export class LoadBalancePlugin implements Handler {
  readonly name = 'loadbalance';
  constructor(private readonly env: CoreDnsEnv) {}

  private id(): number {
    return Math.floor(this.env.random() * 65536);
  }

  private shuffle(records: DnsRR[]): void {
    const l = records.length;
    if (l < 2) return;
    if (l === 2) {
      if (this.id() % 2 === 0) [records[0], records[1]] = [records[1], records[0]];
      return;
    }
    for (let j = 0; j < l; j++) {
      const p = j + (this.id() % (l - j));
      if (p !== j) [records[j], records[p]] = [records[p], records[j]];
    }
  }

  private roundRobin(rrs: DnsRR[]): DnsRR[] {
    const cname = rrs.filter((r) => r.type === DnsType.CNAME);
    const address = rrs.filter((r) => r.type === DnsType.A || r.type === DnsType.AAAA);
    const mx = rrs.filter((r) => r.type === DnsType.MX);
    const rest = rrs.filter((r) => r.type !== DnsType.CNAME && r.type !== DnsType.A && r.type !== DnsType.AAAA && r.type !== DnsType.MX);
    this.shuffle(address);
    this.shuffle(mx);
    return [...cname, ...rest, ...address, ...mx];
  }

  *serve(req: DnsRequest, next: Next): DnsIo<DnsResult> {
    const res = yield* next(req);
    if (!res.msg) return res;
    const m: DnsMessage = { ...res.msg, answer: this.roundRobin(res.msg.answer), authority: this.roundRobin(res.msg.authority), additional: this.roundRobin(res.msg.additional) };
    return { ...res, msg: m };
  }
}

export function parseLoadBalance(d: Dispenser): void {
  while (d.next()) {
    const a = d.remainingArgs();
    if (a.length > 1 && a[0] !== 'weighted') throw pluginError('loadbalance', d.argErr());
    if (a.length >= 1 && a[0] !== 'round_robin' && a[0] !== 'weighted') throw pluginError('loadbalance', `unknown policy: ${a[0]}`);
  }
}
