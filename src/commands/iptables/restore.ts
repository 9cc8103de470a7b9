/**
 * `iptables-restore` (1.8.9, nf_tables; xtables-restore.c): read a ruleset from standard input,
 * table by table. `*table` starts a transaction that first flushes the table (unless --noflush),
 * `:CHAIN POLICY [pkts:bytes]` declares a chain, other lines are iptables commands without the
 * program name, and COMMIT hands the table to the kernel at once. A bad line stops the restore
 * with the tool's message; the table it was in is left as it was, tables committed before it stay.
 */
import type { Ctx } from '../context';
import { Exit } from '../context';
import { commitTable, editTable, isBuiltin, type TableEdit } from '../../engine/netfilter/tables';
import { isTableName, type Rule, type TableName } from '../../engine/netfilter/types';
import { verifyTableRule } from '../../engine/netfilter/verify';
import { Getopt, shortOpts, type LongOpt } from './getopt';
import { CMD, doParse } from './parse';
import { NftError, PROG_VERSION, applyRuleCommand, applyChainCommand, reportParseError, STRERROR, type RuleOp } from './iptables';
import { paramProblem, XT_EXIT, XtError } from './xtables';

const PROG = 'iptables-restore';

const LONGS: LongOpt[] = [
  { name: 'counters', hasArg: 0, val: 'c' },
  { name: 'verbose', hasArg: 0, val: 'v' },
  { name: 'version', hasArg: 0, val: 'V' },
  { name: 'test', hasArg: 0, val: 't' },
  { name: 'help', hasArg: 0, val: 'h' },
  { name: 'noflush', hasArg: 0, val: 'n' },
  { name: 'modprobe', hasArg: 1, val: 'M' },
  { name: 'table', hasArg: 1, val: 'T' },
  { name: 'ipv4', hasArg: 0, val: '4' },
  { name: 'ipv6', hasArg: 0, val: '6' },
  { name: 'wait', hasArg: 2, val: 'w' },
  { name: 'wait-interval', hasArg: 1, val: 'W' },
];

const USAGE = `Usage: ${PROG} [-c] [-v] [-V] [-t] [-h] [-n] [-T table] [-M command] [-4] [-6] [file]
	   [ --counters ]
	   [ --verbose ]
	   [ --version]
	   [ --test ]
	   [ --help ]
	   [ --noflush ]
	   [ --table=<TABLE> ]
	   [ --modprobe=<command> ]
	   [ --ipv4 ]
	   [ --ipv6 ]
`;

/** A restore stopped: what it printed and its exit status. */
class RestoreStop extends Error {
  constructor(
    readonly text: string,
    readonly status: number,
  ) {
    super(text);
  }
}

/** add_param_to_argv(): split on blanks; "…" quotes (with \\ escapes inside) keep blanks. */
export function splitRestoreLine(line: string): string[] {
  if (!line.includes('"')) {
    const words = line.split(' ');
    return words.includes('') || line.includes('\t') ? line.split(/[ \t\n]+/).filter((w) => w !== '') : words;
  }
  const out: string[] = [];
  let cur = '';
  let have = false;
  let quote = false;
  let escaped = false;
  for (const ch of line) {
    if (quote) {
      if (escaped) {
        cur += ch;
        escaped = false;
        continue;
      }
      if (ch === '\\') {
        escaped = true;
        continue;
      }
      if (ch === '"') {
        quote = false;
        continue;
      }
      cur += ch;
      continue;
    }
    if (ch === '"') {
      quote = true;
      have = true;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (have || cur !== '') out.push(cur);
      cur = '';
      have = false;
      continue;
    }
    cur += ch;
  }
  if (have || cur !== '') out.push(cur);
  return out;
}

interface Pending {
  edit: TableEdit;
  /** which line added which rule (a refusal at COMMIT names it) */
  lineOf: Map<Rule, number>;
  /** the batch operation and chain of each rule line, by line number */
  opOf: Map<number, { op: string; chain: string }>;
  /** the first command that failed, reported at COMMIT as nf_tables does (given the COMMIT's line) */
  failed: ((commitLine: number) => RestoreStop) | undefined;
}

const COUNTERS_RE = /^\[(\d+):(\d+)\]$/;

export function iptablesRestore(ctx: Ctx, args: string[]): void {
  const g = new Getopt([PROG, ...args], shortOpts('bcvVthnM:T:w::W:46'), LONGS);
  let counters = false;
  let test = false;
  let noflush = false;
  let only: string | undefined;
  for (;;) {
    const r = g.next();
    if (r.c === -1) break;
    switch (r.c) {
      case 'c':
        counters = true;
        break;
      case 't':
        test = true;
        break;
      case 'n':
        noflush = true;
        break;
      case 'T':
        only = r.optarg;
        break;
      case 'V':
        ctx.out.push(`${PROG} v${PROG_VERSION}\n`);
        return;
      case 'h':
        ctx.out.push(USAGE);
        return;
      case 'w': {
        // ignored by xtables-restore, but `-w 5` takes its seconds along (xs_has_arg)
        const next = g.argv[g.optind];
        if (r.optarg === undefined && next !== undefined && !next.startsWith('-') && !next.startsWith('!')) g.optind++;
        break;
      }
      case 'v':
      case 'b':
      case 'M':
      case 'W':
      case '4':
        break;
      case '6':
        throw new Exit(1);
      case 1:
        ctx.err.push(`Can't open ${r.optarg}: No such file or directory\n`);
        throw new Exit(1);
      default:
        ctx.err.push(`${r.c === ':' ? `${PROG}: option requires an argument -- '${r.optopt}'` : `${PROG}: invalid option -- '${r.optopt}'`}\nTry \`${PROG} -h' for more information.\n`);
        throw new Exit(1);
    }
  }
  try {
    restore(ctx, ctx.stdin ?? '', { counters, test, noflush, only });
  } catch (e) {
    if (e instanceof RestoreStop) {
      ctx.err.push(e.text);
      throw new Exit(e.status);
    }
    throw e;
  }
}

interface RestoreOpts {
  counters: boolean;
  test: boolean;
  noflush: boolean;
  only: string | undefined;
}

function restore(ctx: Ctx, input: string, o: RestoreOpts): void {
  const lines = input.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let pending: Pending | undefined;
  let skipping = false;
  let inTable = false;
  const parseStop = (e: unknown, line: number): never => {
    throw stopFor(e, line);
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const text = lines[i];
    if (text === '' || text[0] === '#') continue;
    if (inTable && text === 'COMMIT') {
      if (pending !== undefined) commitPending(ctx, pending, o.test, lineNo);
      pending = undefined;
      inTable = false;
      skipping = false;
      continue;
    }
    if (text[0] === '*' && !inTable) {
      const name = text.slice(1).split(/[ \t]/).find((w) => w !== '');
      try {
        if (name === undefined) paramProblem(`${PROG}: line ${lineNo} table name invalid`);
        if (!isTableName(name!)) paramProblem(`${PROG}: line ${lineNo} table name '${name}' invalid`);
      } catch (e) {
        parseStop(e, lineNo);
      }
      inTable = true;
      skipping = o.only !== undefined && o.only !== name;
      if (skipping) continue;
      pending = { edit: editTable(ctx.ns, name as TableName), lineOf: new Map(), opOf: new Map(), failed: undefined };
      if (!o.noflush) pending.edit.flush();
      continue;
    }
    if (inTable && skipping) continue;
    if (text[0] === ':' && inTable) {
      declareChain(pending!, text, lineNo, o, parseStop);
      continue;
    }
    if (!inTable) throw new RestoreStop(`${PROG}: line ${lineNo} failed\n`, 1);
    ruleLine(ctx, pending!, text, lineNo, o, parseStop);
  }
  if (inTable) throw new RestoreStop(`${PROG}: COMMIT expected at line ${lines.length + 1}\n`, 1);
}

function declareChain(p: Pending, text: string, lineNo: number, o: RestoreOpts, parseStop: (e: unknown, line: number) => never): void {
  const words = text.slice(1).split(/[ \t]+/).filter((w) => w !== '');
  try {
    const name = words[0];
    if (name === undefined) paramProblem(`${PROG}: line ${lineNo} chain name invalid`);
    if (name.length >= 29) paramProblem(`Invalid chain name \`${name}' (28 chars max)`);
    const policy = words[1];
    if (policy === undefined) paramProblem(`${PROG}: line ${lineNo} policy invalid`);
    const edit = p.edit;
    if (isBuiltin(edit.name, name)) {
      const c = edit.ensureBuiltin(name);
      c.stats = true;
      if (policy !== '-') {
        if (policy !== 'ACCEPT' && policy !== 'DROP') p.failed ??= lineFailed(lineNo, 'Bad policy name');
        else c.policy = policy;
      }
      const m = COUNTERS_RE.exec(words[2] ?? '');
      if (o.counters && m) {
        c.pkts = Number(m[1]);
        c.bytes = Number(m[2]);
      } else {
        c.pkts = 0;
        c.bytes = 0;
      }
    } else if (edit.chains.has(name)) edit.mutable(name)!.rules = [];
    else edit.addUserChain(name);
  } catch (e) {
    parseStop(e, lineNo);
  }
}

function ruleLine(ctx: Ctx, p: Pending, text: string, lineNo: number, o: RestoreOpts, parseStop: (e: unknown, line: number) => never): void {
  let line = text;
  let pc: { pkts: number; bytes: number } | undefined;
  try {
    if (line[0] === '[') {
      const close = line.indexOf(']');
      if (close < 0) paramProblem(`Bad line ${lineNo}: need ]`);
      const inner = line.slice(1, close);
      const colon = inner.indexOf(':');
      if (colon < 0) paramProblem(`Bad line ${lineNo}: need :`);
      pc = { pkts: Number(inner.slice(0, colon)) || 0, bytes: Number(inner.slice(colon + 1)) || 0 };
      line = line.slice(close + 1);
    }
  } catch (e) {
    parseStop(e, lineNo);
  }
  const argv = [PROG, ...splitRestoreLine(line)];
  let parsed;
  try {
    parsed = doParse(argv, { restore: true, table: p.edit.name });
  } catch (e) {
    return parseStop(e, lineNo);
  }
  if (parsed.output !== undefined) return;
  if (o.counters && pc !== undefined) for (const r of parsed.rules) [r.pkts, r.bytes] = [pc.pkts, pc.bytes];
  const table = p.edit.name;
  if (p.failed !== undefined) return;
  // a jump to a chain that is not there is found when the table is committed
  if (parsed.command & RULE_CMDS && parsed.jumpChain !== undefined && !isBuiltin(table, parsed.jumpChain) && !p.edit.chains.has(parsed.jumpChain)) {
    const msg = `Chain '${parsed.jumpChain}' does not exist`;
    p.failed = (commitLine) => stopFor(new XtError(XT_EXIT.PARAMETER_PROBLEM, msg), commitLine);
    return;
  }
  try {
    if (parsed.command & (RULE_CMDS | CMD.DELETE_NUM)) {
      const op: RuleOp = applyRuleCommand(p.edit, parsed);
      for (const r of parsed.rules) p.lineOf.set(r, lineNo);
      p.opOf.set(lineNo, { op: op.op, chain: parsed.chain! });
    } else if (parsed.command & (CMD.LIST | CMD.LIST_RULES | CMD.ZERO | CMD.ZERO_NUM)) {
      // listing inside a restore prints nothing useful; iptables-nft ignores it
    } else applyChainCommand(ctx, p.edit, parsed);
  } catch (e) {
    if (e instanceof NftError) p.failed = lineFailed(lineNo, e.message.replace(/^iptables: /, '').replace(/\.\n$/, ''));
    else throw e;
  }
}

const RULE_CMDS = CMD.APPEND | CMD.INSERT | CMD.REPLACE | CMD.DELETE | CMD.CHECK;

const lineFailed = (line: number, message: string) => () => new RestoreStop(`${PROG}: line ${line} failed: ${message}.\n`, 1);

/** A parse-style error (xtables_error) reported for a line. */
function stopFor(e: unknown, line: number): RestoreStop {
  const err: string[] = [];
  const status = reportParseError({ err } as unknown as Ctx, e, PROG, line);
  return new RestoreStop(err.join(''), status);
}

function commitPending(ctx: Ctx, p: Pending, test: boolean, commitLine: number): void {
  if (p.failed !== undefined) throw p.failed(commitLine);
  const refusal = verifyTableRule(p.edit.name, p.edit.chains);
  if (refusal !== undefined) {
    const line = refusal.rule !== undefined ? p.lineOf.get(refusal.rule) : undefined;
    const at = line !== undefined ? p.opOf.get(line) : undefined;
    const where = at !== undefined ? `\nline ${line}: ${at.op} failed (${STRERROR[refusal.errno]}): rule in chain ${at.chain}` : ` TABLE_ADD failed (${STRERROR[refusal.errno]}): table ${p.edit.name}`;
    throw new RestoreStop(`${PROG} v${PROG_VERSION}: ${where}\n`, XT_EXIT.RESOURCE_PROBLEM);
  }
  if (!test) commitTable(ctx.ns, p.edit);
}
