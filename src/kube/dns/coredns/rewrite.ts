/**
 * The rewrite plugin's name rules (plugin/rewrite): the question is renamed (exact, prefix, suffix,
 * substring or regex match) before the plugins after it see it; the reply gets its original
 * question back, and its answer names are renamed back only when an `answer name` or `answer auto`
 * rule says so (without one a client sees records for the other name, as it would in a cluster).
 */
import { fqdn, type DnsMessage, type DnsRR } from '../../../engine/wire/dns';
import type { Dispenser } from '../corefile';
import type { DnsIo } from '../io';
import { pluginError } from '../kubernetesSetup';
import type { DnsRequest, DnsResult, Handler, Next } from './chain';

type Match = 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';

export interface NameRule {
  stop: boolean;
  match: Match;
  from: string;
  to: string;
  /** rename answers back: auto (the inverse of this rule), or a regex FROM TO */
  answer: { auto: true } | { from: RegExp; to: string } | null;
}

const MATCHES = new Set<string>(['exact', 'prefix', 'suffix', 'substring', 'regex']);

function nameRule(stop: boolean, args: string[], d: Dispenser): NameRule {
  let a = args;
  let match: Match = 'exact';
  if (MATCHES.has(a[0]) && a.length >= 3) {
    match = a[0] as Match;
    a = a.slice(1);
  }
  if (a.length < 2) throw pluginError('rewrite', d.argErr());
  const [from, to, ...rest] = a;
  if (match === 'regex') {
    try {
      new RegExp(from);
    } catch {
      throw pluginError('rewrite', `invalid regex pattern in a name rule: ${from}`);
    }
  }
  let answer: NameRule['answer'] = null;
  if (rest.length > 0) {
    if (rest[0] !== 'answer') throw pluginError('rewrite', `invalid rule type "${rest[0]}"`);
    if (rest[1] === 'auto' && rest.length === 2) answer = { auto: true };
    else if (rest[1] === 'name' && rest.length === 4) answer = { from: new RegExp(rest[2]), to: rest[3] };
    else throw pluginError('rewrite', d.argErr());
  }
  const norm = (s: string) => (match === 'exact' ? fqdn(s.toLowerCase()) : s.toLowerCase());
  return { stop, match, from: match === 'regex' ? from : norm(from), to: match === 'exact' ? fqdn(to) : to, answer };
}

export function parseRewrite(d: Dispenser): NameRule[] {
  const rules: NameRule[] = [];
  while (d.next()) {
    let args = d.remainingArgs();
    let stop = true;
    if (args[0] === 'continue' || args[0] === 'stop') {
      stop = args[0] === 'stop';
      args = args.slice(1);
    }
    if (args.length === 0) {
      // block form: a name rule, then optionally an answer rule
      const lines: string[][] = [];
      while (d.nextBlock()) lines.push([d.val(), ...d.remainingArgs()]);
      if (lines.length === 0) throw pluginError('rewrite', d.argErr());
      const [first, second] = lines;
      if (first[0] !== 'name') throw pluginError('rewrite', `invalid rule type "${first[0]}"`);
      rules.push(nameRule(stop, [...first.slice(1), ...(second ? second : [])], d));
      continue;
    }
    const field = args[0];
    if (field !== 'name') {
      if (['type', 'class', 'edns0', 'ttl', 'answer', 'cname', 'rcode'].includes(field)) throw pluginError('rewrite', `the "${field}" rewrite is not modelled in Hoplab`);
      throw pluginError('rewrite', `invalid rule type "${field}"`);
    }
    rules.push(nameRule(stop, args.slice(1), d));
  }
  return rules;
}

/** The rule's new name for `name`, or undefined when it does not match. */
function apply(r: NameRule, name: string): string | undefined {
  switch (r.match) {
    case 'exact':
      return name === r.from ? r.to : undefined;
    case 'prefix':
      return name.startsWith(r.from) ? r.to + name.slice(r.from.length) : undefined;
    case 'suffix':
      return name.endsWith(r.from) ? name.slice(0, name.length - r.from.length) + r.to : undefined;
    case 'substring':
      return name.includes(r.from) ? name.split(r.from).join(r.to) : undefined;
    case 'regex': {
      const m = new RegExp(r.from).exec(name);
      return m ? r.to.replace(/\{(\d+)\}/g, (_, i: string) => m[Number(i)] ?? '') : undefined;
    }
  }
}

export class RewritePlugin implements Handler {
  readonly name = 'rewrite';

  constructor(readonly rules: NameRule[]) {}

  *serve(req: DnsRequest, next: Next): DnsIo<DnsResult> {
    const original = req.msg.question[0];
    let name = original.name.toLowerCase();
    const undo: { from: string; to: string; answer: NameRule['answer'] }[] = [];
    for (const r of this.rules) {
      const to = apply(r, name);
      if (to === undefined) continue;
      undo.push({ from: name, to: fqdn(to), answer: r.answer });
      name = fqdn(to);
      if (r.stop) break;
    }
    if (undo.length === 0) return yield* next(req);
    const msg: DnsMessage = { ...req.msg, question: [{ ...original, name }] };
    const res = yield* next({ ...req, msg });
    if (!res.msg) return res;
    const back = (rr: DnsRR): DnsRR => {
      let owner = rr.name;
      for (const u of [...undo].reverse()) {
        if (!u.answer) continue;
        if ('auto' in u.answer) {
          if (owner.toLowerCase() === u.to.toLowerCase()) owner = original.name;
        } else {
          const m = u.answer.from.exec(owner);
          if (m) owner = fqdn(u.answer.to.replace(/\{(\d+)\}/g, (_, i: string) => m[Number(i)] ?? ''));
        }
      }
      return owner === rr.name ? rr : { ...rr, name: owner };
    };
    return { ...res, msg: { ...res.msg, question: [original], answer: res.msg.answer.map(back) } };
  }
}
