/**
 * The x_tables of one network namespace, as iptables' nf_tables backend keeps them in the kernel.
 *
 * nf_tables creates things only when asked: a fresh namespace has no tables at all, a table
 * appears when a command first writes to it, and in it only the built-in chains that were named
 * (`iptables -A INPUT …` creates filter/INPUT, not FORWARD). A built-in chain that does not exist
 * is not hooked: it counts nothing and lets everything through, though iptables lists it with
 * policy ACCEPT. `iptables-save | iptables-restore` declares every built-in chain, so a restored
 * table has them all.
 *
 * Changes are transactions, as with nf_tables: a command builds a new table beside the live one
 * (`editTable`: chains are copied when first changed, rules and their counters are shared) and
 * `commitTable` swaps it in whole. A failed command or restore file commits nothing.
 */
import type { Netns } from '../netns/netns';
import { nfSync } from './hooks';
import { HOOK_CHAIN, TABLES, type Chain, type NfHook, type Policy, type Rule, type TableName } from './types';

export interface XtTable {
  name: TableName;
  /** existing chains: user chains, and the built-in chains nf_tables has created */
  chains: Map<string, Chain>;
}

/** Netfilter state per namespace. */
export interface NfNet {
  tables: Map<TableName, XtTable>;
  /** rules that need conntrack (-m conntrack/state/connmark, NAT, CT, CONNMARK): while any
   *  exists, the namespace tracks connections (nf_ct_netns_get) */
  ctUsers: number;
  /** bumped by every commit: compiled hook lists and caches key on it */
  gen: number;
}

const nets = new WeakMap<Netns, NfNet>();

/** The namespace's netfilter state (made on first use; most namespaces never need it). */
export function nfNet(ns: Netns): NfNet {
  let n = nets.get(ns);
  if (n === undefined) {
    n = { tables: new Map(), ctUsers: 0, gen: 0 };
    nets.set(ns, n);
  }
  return n;
}

/** The namespace's state if it ever had any, without making it (the packet path asks per hook). */
export const nfNetIfAny = (ns: Netns): NfNet | undefined => nets.get(ns);

export function makeChain(name: string, hook: NfHook | undefined, policy: Policy = 'ACCEPT'): Chain {
  return { name, hook, policy, stats: false, rules: [], pkts: 0, bytes: 0 };
}

export const isBuiltin = (table: TableName, name: string): boolean => TABLES[table].hooks.some((h) => HOOK_CHAIN[h] === name);

/** A table being changed: a copy of the live one whose chains are copied when first touched. */
export class TableEdit {
  readonly chains: Map<string, Chain>;
  private readonly copied = new Set<Chain>();
  /** true when the edit deletes the table (a restore's flush that declares nothing) */
  deleted = false;

  constructor(
    readonly name: TableName,
    live: XtTable | undefined,
  ) {
    this.chains = new Map(live?.chains ?? []);
  }

  /** The chain to change (copied once per edit, counters carried over). */
  mutable(name: string): Chain | undefined {
    const c = this.chains.get(name);
    if (c === undefined || this.copied.has(c)) return c;
    const copy: Chain = { ...c, rules: c.rules.slice() };
    this.copied.add(copy);
    this.chains.set(name, copy);
    return copy;
  }

  /** Create a built-in chain if nf_tables has not yet (what naming it in a command does). */
  ensureBuiltin(name: string): Chain {
    const have = this.mutable(name);
    if (have !== undefined) return have;
    const hook = TABLES[this.name].hooks.find((h) => HOOK_CHAIN[h] === name);
    if (hook === undefined) throw new Error(`${name} is not a built-in chain of ${this.name}`);
    const c = makeChain(name, hook);
    this.copied.add(c);
    this.chains.set(name, c);
    return c;
  }

  addUserChain(name: string): Chain {
    const c = makeChain(name, undefined);
    this.copied.add(c);
    this.chains.set(name, c);
    return c;
  }

  /** Empty the table as a restore's flush does (nf_tables deletes it; what follows recreates). */
  flush(): void {
    this.chains.clear();
    this.deleted = true;
  }
}

/** Start a change to a table. */
export function editTable(ns: Netns, name: TableName): TableEdit {
  return new TableEdit(name, nfNet(ns).tables.get(name));
}

/** Does the rule make nf_tables hold a conntrack reference (an expression whose init calls nf_ct_netns_get)? */
export function needsConntrack(r: Rule): boolean {
  const t = r.target;
  const k = t.kind;
  if (k === 'DNAT' || k === 'SNAT' || k === 'MASQUERADE' || k === 'REDIRECT' || k === 'CONNMARK') return true;
  // xt_ct_tg_check() and notrack_chk(): a --notrack (or NOTRACK) target takes no reference
  if (k === 'CT') return !t.notrack;
  return r.matches.some((m) => m.kind === 'conntrack' || m.kind === 'state' || m.kind === 'connmark');
}

const countCtUsers = (chains: Iterable<Chain>): number => {
  let n = 0;
  for (const c of chains) for (const r of c.rules) if (needsConntrack(r)) n++;
  return n;
};

/** Swap an edited table in (or remove it when nothing is left of a flushed one). */
export function commitTable(ns: Netns, edit: TableEdit): void {
  const net = nfNet(ns);
  const live = net.tables.get(edit.name);
  if (live !== undefined) net.ctUsers -= countCtUsers(live.chains.values());
  if (edit.deleted && edit.chains.size === 0) net.tables.delete(edit.name);
  else {
    net.tables.set(edit.name, { name: edit.name, chains: edit.chains });
    net.ctUsers += countCtUsers(edit.chains.values());
  }
  net.gen++;
  nfSync(ns);
  ns.world.touch();
}

/** Chains that jump or go to `name`, counted per rule (what `iptables -L` shows as references). */
export function chainRefs(chains: Iterable<Chain>, name: string): number {
  let n = 0;
  for (const c of chains) for (const r of c.rules) if (r.target.kind === 'jump' && r.target.chain === name) n++;
  return n;
}

/** User chains in the order iptables lists them (strcmp order, as nf_tables returns them). */
export function userChains(chains: Iterable<Chain>): Chain[] {
  return [...chains].filter((c) => c.hook === undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Zero every counter of a chain (and its policy counters). */
export function zeroChain(c: Chain): void {
  c.pkts = 0;
  c.bytes = 0;
  for (const r of c.rules) zeroRule(r);
}

export function zeroRule(r: Rule): void {
  r.pkts = 0;
  r.bytes = 0;
}
