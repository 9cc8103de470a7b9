/**
 * `iptables` (1.8.9, nf_tables backend): parse the command line, then run the command against the
 * namespace's tables the way iptables-nft does (nft.c): built-in chains and tables come into
 * being when first written, every change is one transaction the kernel may refuse, and errors are
 * the tool's own text and exit status.
 */
import type { Ctx } from '../context';
import { Exit } from '../context';
import { commitTable, editTable, isBuiltin, nfNet, zeroChain, zeroRule, chainRefs, userChains, type TableEdit, type XtTable } from '../../engine/netfilter/tables';
import { ruleSave } from '../../engine/netfilter/save';
import { HOOK_CHAIN, TABLES, isTableName, type Chain, type Rule, type TableName } from '../../engine/netfilter/types';
import { verifyTable, type NfErrno } from '../../engine/netfilter/verify';
import { BadArgument, CMD, OPT, doParse, type ParsedCommand } from './parse';
import { listFormat, printHeader, printRule } from './list';
import { XT_EXIT, XtError } from './xtables';

export const PROG_VERSION = '1.8.9 (nf_tables)';

export const STRERROR: Record<NfErrno | 'EBUSY', string> = {
  EINVAL: 'Invalid argument',
  EMLINK: 'Too many links',
  ENOENT: 'No such file or directory',
  EOPNOTSUPP: 'Operation not supported',
  EBUSY: 'Device or resource busy',
};

/** An error iptables reports after parsing: "iptables: MESSAGE." (nft_strerror) or a kernel batch error. */
export class NftError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** "iptables: No chain/target/match by that name." and the like */
const nftErr = (msg: string): NftError => new NftError(`iptables: ${msg}.\n`, 1);
/** a message from the kernel's answer to the batch (mnl_batch_talk) */
const batchErr = (op: string, errno: NfErrno | 'EBUSY', what: string): NftError => new NftError(`iptables v${PROG_VERSION}:  ${op} failed (${STRERROR[errno]}): ${what}\n`, XT_EXIT.RESOURCE_PROBLEM);

export const NO_CHAIN = 'No chain/target/match by that name';

/** Print an XtError / BadArgument as xtables_exit_error and exit_tryhelp do; rethrow anything else. */
export function reportParseError(ctx: Ctx, e: unknown, prog: string, line = -1): number {
  const tryLine = `${line !== -1 ? `Error occurred at line: ${line}\n` : ''}Try \`${prog} -h' or '${prog} --help' for more information.\n`;
  if (e instanceof BadArgument) {
    ctx.err.push(`${e.line !== undefined ? `${e.line}\n` : ''}${tryLine}`);
    return 2;
  }
  if (e instanceof XtError) {
    let s = `${prog} v${PROG_VERSION}: ${e.message}\n`;
    if (e.status === XT_EXIT.PARAMETER_PROBLEM) s += tryLine;
    if (e.status === XT_EXIT.VERSION_PROBLEM) s += 'Perhaps iptables or your kernel needs to be upgraded.\n';
    ctx.err.push(s);
    return e.status;
  }
  throw e;
}

/** Is `name` a chain of the table, as iptables-nft's cache knows it (built-ins always are)? */
export const chainKnown = (table: TableName, chains: ReadonlyMap<string, Chain>, name: string): boolean => isBuiltin(table, name) || chains.has(name);

const sameRule = (a: Rule, b: Rule): boolean => ruleSave('', a) === ruleSave('', b);

/** The chains iptables lists for a table: every built-in (created or not), then user chains by name. */
export function listedChains(table: TableName, live: XtTable | undefined): Chain[] {
  const chains = live?.chains ?? new Map<string, Chain>();
  const builtins = TABLES[table].hooks.map((h) => chains.get(HOOK_CHAIN[h]) ?? { name: HOOK_CHAIN[h], hook: h, policy: 'ACCEPT' as const, stats: false, rules: [], pkts: 0, bytes: 0 });
  return [...builtins, ...userChains(chains.values())];
}

/** The chain a rule command works on: a built-in one is created, a user one must exist. */
function ruleChain(edit: TableEdit, name: string): Chain {
  if (isBuiltin(edit.name, name)) return edit.ensureBuiltin(name);
  const c = edit.mutable(name);
  if (c === undefined) throw nftErr(NO_CHAIN);
  return c;
}

/** Commit unless the kernel refuses; `op` names the batch operation in the error. */
function commit(ctx: Ctx, edit: TableEdit, op: string, what: string): void {
  const e = verifyTable(edit.name, edit.chains);
  if (e !== undefined) throw batchErr(op, e, what);
  commitTable(ctx.ns, edit);
}

/** The batch operation a rule command becomes (its name appears in the kernel's refusals). */
export interface RuleOp {
  op: 'RULE_APPEND' | 'RULE_INSERT' | 'RULE_REPLACE' | 'RULE_DELETE' | 'RULE_CHECK';
}

/** Apply -A/-I/-R/-D/-C to an edit; throws NftError for what iptables-nft refuses before the kernel sees it. */
export function applyRuleCommand(edit: TableEdit, p: ParsedCommand): RuleOp {
  const chainName = p.chain!;
  // -R and -D NUM address a rule of a chain that must already exist
  if ((p.command === CMD.REPLACE || p.command === CMD.DELETE_NUM) && !edit.chains.has(chainName)) throw nftErr(NO_CHAIN);
  const c = ruleChain(edit, chainName);
  switch (p.command) {
    case CMD.APPEND:
      c.rules.push(...p.rules);
      return { op: 'RULE_APPEND' };
    case CMD.INSERT:
      if (p.rulenum > c.rules.length + 1 || (p.rulenum > 1 && p.rulenum > c.rules.length)) throw nftErr('Index of insertion too big');
      c.rules.splice(p.rulenum - 1, 0, ...p.rules);
      return { op: 'RULE_INSERT' };
    case CMD.REPLACE:
      if (p.rulenum > c.rules.length) throw nftErr('Index of replacement too big');
      c.rules[p.rulenum - 1] = p.rules[0];
      return { op: 'RULE_REPLACE' };
    case CMD.DELETE_NUM:
      if (p.rulenum > c.rules.length) throw nftErr('Index of deletion too big');
      c.rules.splice(p.rulenum - 1, 1);
      return { op: 'RULE_DELETE' };
    default:
      for (const r of p.rules) {
        const i = c.rules.findIndex((x) => sameRule(x, r));
        if (i < 0) throw nftErr('Bad rule (does a matching rule exist in that chain?)');
        if (p.command === CMD.DELETE) c.rules.splice(i, 1);
      }
      return { op: p.command === CMD.DELETE ? 'RULE_DELETE' : 'RULE_CHECK' };
  }
}

function ruleCommand(ctx: Ctx, p: ParsedCommand, table: TableName): void {
  const edit = editTable(ctx.ns, table);
  const { op } = applyRuleCommand(edit, p);
  if (op !== 'RULE_CHECK') commit(ctx, edit, op, `rule in chain ${p.chain}`);
}

/** -L [chain [rulenum]] */
function listEntries(ctx: Ctx, p: ParsedCommand, table: TableName): void {
  const live = nfNet(ctx.ns).tables.get(table);
  const format = listFormat((p.options & OPT.VERBOSE) !== 0, (p.options & OPT.NUMERIC) !== 0, (p.options & OPT.EXPANDED) !== 0, (p.options & OPT.LINENUMBERS) !== 0);
  const chains = listedChains(table, live);
  const all = [...(live?.chains.values() ?? [])];
  let first = true;
  for (const c of chains) {
    if (p.chain !== undefined && c.name !== p.chain) continue;
    if (p.rulenum) {
      const r = c.rules[p.rulenum - 1];
      if (r !== undefined) ctx.out.push(printRule(r, p.rulenum, format));
      continue;
    }
    if (!first) ctx.out.push('\n');
    first = false;
    ctx.out.push(printHeader(format, c, c.hook === undefined ? chainRefs(all, c.name) : 0));
    c.rules.forEach((r, i) => ctx.out.push(printRule(r, i + 1, format)));
  }
}

/** -S [chain [rulenum]] */
function listRules(ctx: Ctx, p: ParsedCommand, table: TableName): void {
  const live = nfNet(ctx.ns).tables.get(table);
  const counters = (p.options & OPT.VERBOSE) !== 0;
  const chains = listedChains(table, live).filter((c) => p.chain === undefined || c.name === p.chain);
  const cnt = (c: Chain) => (counters ? ` -c ${c.pkts} ${c.bytes}` : '');
  if (!p.rulenum) for (const c of chains) ctx.out.push(c.hook !== undefined ? `-P ${c.name} ${c.policy}${cnt(c)}\n` : `-N ${c.name}\n`);
  for (const c of chains) {
    c.rules.forEach((r, i) => {
      if (!p.rulenum || p.rulenum === i + 1) ctx.out.push(`${ruleSave(c, r, counters)}\n`);
    });
  }
}

function zeroCounters(ctx: Ctx, p: ParsedCommand, table: TableName): void {
  const live = nfNet(ctx.ns).tables.get(table);
  if (live === undefined) return;
  for (const c of live.chains.values()) {
    if (p.chain !== undefined && c.name !== p.chain) continue;
    if (p.command === CMD.ZERO_NUM) {
      const r = c.rules[p.rulenum - 1];
      if (r === undefined) throw nftErr(NO_CHAIN);
      zeroRule(r);
    } else zeroChain(c);
  }
}

/** Apply -N/-X/-E/-P/-F to an edit; throws NftError as iptables-nft refuses them. */
export function applyChainCommand(ctx: Ctx, edit: TableEdit, p: ParsedCommand): void {
  const table = edit.name;
  const name = p.chain;
  switch (p.command) {
    case CMD.NEW_CHAIN:
      if (chainKnown(table, edit.chains, name!)) throw nftErr('Chain already exists');
      edit.addUserChain(name!);
      return;
    case CMD.DELETE_CHAIN: {
      const targets = name !== undefined ? [name] : userChains(edit.chains.values()).map((c) => c.name);
      for (const n of targets) {
        const c = edit.chains.get(n);
        if (c === undefined || c.hook !== undefined) throw nftErr(NO_CHAIN);
        // nf_tables counts a chain's rules and the jumps to it; it deletes only an unused chain
        if (c.rules.length > 0 || chainRefs(edit.chains.values(), n) > 0) throw batchErr('CHAIN_DEL', 'EBUSY', `chain ${n}`);
        edit.chains.delete(n);
      }
      return;
    }
    case CMD.RENAME_CHAIN: {
      const c = edit.chains.get(name!);
      if (c === undefined) throw nftErr(NO_CHAIN);
      if (chainKnown(table, edit.chains, p.newname!)) throw nftErr('File exists');
      edit.chains.delete(name!);
      const renamed: Chain = { ...c, name: p.newname! };
      edit.chains.set(renamed.name, renamed);
      for (const x of [...edit.chains.values()]) {
        if (!x.rules.some((r) => r.target.kind === 'jump' && r.target.chain === name)) continue;
        const m = edit.mutable(x.name)!;
        m.rules = m.rules.map((r) => (r.target.kind === 'jump' && r.target.chain === name ? { ...r, target: { ...r.target, chain: p.newname! } } : r));
      }
      return commitTable(ctx.ns, edit);
    }
    case CMD.SET_POLICY: {
      if (!isBuiltin(table, name!)) throw nftErr('Bad built-in chain name');
      if (p.policy !== 'ACCEPT' && p.policy !== 'DROP') throw nftErr("Bad policy name. Run `dmesg' for more information");
      const c = edit.ensureBuiltin(name!);
      c.policy = p.policy;
      // -P hands the chain counters of zero: from now on its policy counts
      c.stats = true;
      c.pkts = 0;
      c.bytes = 0;
      return;
    }
    case CMD.FLUSH:
      if (name !== undefined && !chainKnown(table, edit.chains, name)) throw nftErr(NO_CHAIN);
      for (const c of [...edit.chains.values()]) if (name === undefined || c.name === name) edit.mutable(c.name)!.rules = [];
      return;
  }
}

function chainCommand(ctx: Ctx, p: ParsedCommand, table: TableName): void {
  const live = nfNet(ctx.ns).tables.get(table);
  const edit = editTable(ctx.ns, table);
  applyChainCommand(ctx, edit, p);
  // flushing, zeroing or deleting chains of a table nf_tables does not have yet creates nothing
  if ((p.command === CMD.FLUSH || p.command === CMD.DELETE_CHAIN) && live === undefined && p.chain === undefined) return;
  commitTable(ctx.ns, edit);
}

/** Run a parsed command (shared by iptables and iptables-restore's lines). */
export function runParsed(ctx: Ctx, p: ParsedCommand): void {
  if (!isTableName(p.table)) throw new XtError(XT_EXIT.VERSION_PROBLEM, `table '${p.table}' does not exist`);
  const table = p.table;
  const live = nfNet(ctx.ns).tables.get(table);
  const chains = live?.chains ?? new Map<string, Chain>();
  const ruleCmds = CMD.APPEND | CMD.INSERT | CMD.REPLACE | CMD.DELETE | CMD.CHECK;
  if (p.command & ruleCmds && p.jumpChain !== undefined && !chainKnown(table, chains, p.jumpChain)) {
    throw new XtError(XT_EXIT.PARAMETER_PROBLEM, `Chain '${p.jumpChain}' does not exist`);
  }
  if (p.command & (CMD.LIST | CMD.LIST_RULES) && p.chain !== undefined && !chainKnown(table, chains, p.chain)) {
    throw new XtError(XT_EXIT.OTHER_PROBLEM, `chain \`${p.chain}' in table \`${table}' is incompatible, use 'nft' tool.`);
  }
  if (p.command & (ruleCmds | CMD.DELETE_NUM)) return ruleCommand(ctx, p, table);
  if (p.command & CMD.LIST) {
    listEntries(ctx, p, table);
    if (p.command & (CMD.ZERO | CMD.ZERO_NUM)) zeroCounters(ctx, p, table);
    return;
  }
  if (p.command & CMD.LIST_RULES) {
    listRules(ctx, p, table);
    if (p.command & (CMD.ZERO | CMD.ZERO_NUM)) zeroCounters(ctx, p, table);
    return;
  }
  if (p.command & (CMD.ZERO | CMD.ZERO_NUM)) {
    if (p.chain !== undefined && !chainKnown(table, chains, p.chain)) throw nftErr(NO_CHAIN);
    return zeroCounters(ctx, p, table);
  }
  chainCommand(ctx, p, table);
}

/** The `iptables` command. */
export function iptables(ctx: Ctx, args: string[]): void {
  let p: ParsedCommand;
  try {
    p = doParse(['iptables', ...args]);
  } catch (e) {
    throw new Exit(reportParseError(ctx, e, 'iptables'));
  }
  if (p.output !== undefined) {
    ctx.out.push(p.output);
    return;
  }
  try {
    runParsed(ctx, p);
  } catch (e) {
    if (e instanceof NftError) {
      ctx.err.push(e.message);
      throw new Exit(e.status);
    }
    throw new Exit(reportParseError(ctx, e, 'iptables'));
  }
}
