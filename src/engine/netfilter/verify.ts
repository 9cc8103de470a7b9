/**
 * What the kernel refuses when a table changes (nf_tables' chain validation and the xt
 * checkentry functions): a jump to a chain that does not exist, to a built-in chain, a loop
 * reachable from a hook, or a target or match used at a hook or in a table it does not support
 * (a loop is EMLINK, as nf_tables reports it; DNAT outside nat PREROUTING/OUTPUT, REJECT outside filter INPUT/FORWARD/OUTPUT, …). A user
 * chain is checked for every hook it can be reached from, so a MASQUERADE in a chain that
 * nat/PREROUTING jumps to is refused too.
 */
import { HOOK_CHAIN, type Chain, type NfHook, type Rule, type TableName } from './types';
import { XT_ADDRTYPE } from './xt/addrtype';
import { XT_PHYSDEV_OP } from './xt/matches';
import { recentAllowed } from './xt/recent';
import { targetAllowed } from './xt/targets';

export type NfErrno = 'EINVAL' | 'EMLINK' | 'ENOENT' | 'EOPNOTSUPP';

const HOOK = { PRE_ROUTING: 0, LOCAL_IN: 1, FORWARD: 2, LOCAL_OUT: 3, POST_ROUTING: 4 } as const;

/** Can this rule sit at this hook of this table (xt_check_match / xt_check_target)? */
export function ruleAllowed(table: TableName, hook: NfHook, r: Rule): boolean {
  if (!targetAllowed(r.target, table, hook, r.ip.proto, (r.ip.inv & 0x40) !== 0)) return false;
  for (const m of r.matches) {
    switch (m.kind) {
      case 'owner':
        if (hook !== HOOK.LOCAL_OUT && hook !== HOOK.POST_ROUTING) return false;
        break;
      case 'addrtype':
        if (m.flags & XT_ADDRTYPE.LIMIT_IFACE_IN && (hook === HOOK.POST_ROUTING || hook === HOOK.LOCAL_OUT)) return false;
        if (m.flags & XT_ADDRTYPE.LIMIT_IFACE_OUT && (hook === HOOK.PRE_ROUTING || hook === HOOK.LOCAL_IN)) return false;
        break;
      case 'physdev':
        if (m.bitmask & (XT_PHYSDEV_OP.OUT | XT_PHYSDEV_OP.ISOUT) && (!(m.bitmask & XT_PHYSDEV_OP.BRIDGED) || m.invert & XT_PHYSDEV_OP.BRIDGED) && hook === HOOK.LOCAL_OUT) return false;
        break;
      default:
        break;
    }
  }
  return true;
}

/** What the kernel refused, and the rule it refused (for the error's line and chain). */
export interface NfRefusal {
  errno: NfErrno;
  rule: Rule | undefined;
}

/** The first problem the kernel would report for this table's chains, or undefined. */
export function verifyTable(table: TableName, chains: ReadonlyMap<string, Chain>): NfErrno | undefined {
  return verifyTableRule(table, chains)?.errno;
}

export function verifyTableRule(table: TableName, chains: ReadonlyMap<string, Chain>): NfRefusal | undefined {
  // jumps first: every target must be an existing user chain; and the checks that hold at any hook
  for (const c of chains.values()) {
    for (const r of c.rules) {
      if (r.matches.some((m) => m.kind === 'recent' && !recentAllowed(m))) return { errno: 'EINVAL', rule: r };
      if (r.target.kind !== 'jump') continue;
      const to = chains.get(r.target.chain);
      if (to === undefined) return { errno: 'ENOENT', rule: r };
      if (to.hook !== undefined) return { errno: 'EOPNOTSUPP', rule: r };
    }
  }
  // then walk from every hook: loops and what each rule may do there
  for (const base of chains.values()) {
    if (base.hook === undefined) continue;
    const hook = base.hook;
    const onPath = new Set<string>();
    const done = new Set<string>();
    const visit = (c: Chain, via: Rule | undefined): NfRefusal | undefined => {
      if (onPath.has(c.name)) return { errno: 'EMLINK', rule: via };
      if (done.has(c.name)) return undefined;
      onPath.add(c.name);
      for (const r of c.rules) {
        if (!ruleAllowed(table, hook, r)) return { errno: 'EINVAL', rule: r };
        if (r.target.kind === 'jump') {
          const e = visit(chains.get(r.target.chain)!, r);
          if (e !== undefined) return e;
        }
      }
      onPath.delete(c.name);
      done.add(c.name);
      return undefined;
    };
    const e = visit(base, undefined);
    if (e !== undefined) return e;
  }
  return undefined;
}

/** The built-in chain names of a hook list (for messages). */
export const hookNames = (hooks: readonly NfHook[]): string[] => hooks.map((h) => HOOK_CHAIN[h]);
