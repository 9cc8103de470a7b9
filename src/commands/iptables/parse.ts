/**
 * do_parse() of iptables 1.8 (iptables/xshared.c): an iptables command line into a command, its
 * chain and options, and the rules it names, with the tool's own errors. Extensions are loaded
 * as the line names them (`-m`, `-j`, and the protocol's match when an unknown option follows
 * `-p`), their options joining getopt's table, exactly as libxtables merges them.
 */
import { IPT_INV, type IptIp, type Rule } from '../../engine/netfilter/types';
import type { XtMatch } from '../../engine/netfilter/xt/matches';
import type { XtTarget } from '../../engine/netfilter/xt/targets';
import { CHAIN_PROTOS } from '../../engine/netfilter/save';
import { protocolName } from '../../engine/netfilter/netdb';
import { Getopt, shortOpts, type LongOpt } from './getopt';
import { findMatch, findTarget } from './ext';
import { tcpMatch } from './ext/proto';
import { x6Check, x6Fcheck, type Extension, type RuleContext } from './ext/types';
import { parseProtocol } from './parseProto';
import { helpText } from './help';
import { ipparseMultiple, paramProblem, parseInterface, strtoui, type AddrMask } from './xtables';

export const CMD = {
  NONE: 0,
  INSERT: 1 << 0,
  DELETE: 1 << 1,
  DELETE_NUM: 1 << 2,
  REPLACE: 1 << 3,
  APPEND: 1 << 4,
  LIST: 1 << 5,
  FLUSH: 1 << 6,
  ZERO: 1 << 7,
  NEW_CHAIN: 1 << 8,
  DELETE_CHAIN: 1 << 9,
  SET_POLICY: 1 << 10,
  RENAME_CHAIN: 1 << 11,
  LIST_RULES: 1 << 12,
  ZERO_NUM: 1 << 13,
  CHECK: 1 << 14,
} as const;
const CMD_CHARS = ['I', 'D', 'D', 'R', 'A', 'L', 'F', 'Z', 'N', 'X', 'P', 'E', 'S', 'Z', 'C'];

export const OPT = {
  NUMERIC: 1 << 0,
  SOURCE: 1 << 1,
  DESTINATION: 1 << 2,
  PROTOCOL: 1 << 3,
  JUMP: 1 << 4,
  VERBOSE: 1 << 5,
  EXPANDED: 1 << 6,
  VIANAMEIN: 1 << 7,
  VIANAMEOUT: 1 << 8,
  LINENUMBERS: 1 << 9,
  COUNTERS: 1 << 10,
  FRAGMENT: 1 << 11,
} as const;
const OPT_CHARS = ['n', 's', 'd', 'p', 'j', 'v', 'x', 'i', 'o', '0', 'c', 'f'];
const INVERSE_FOR = [0, IPT_INV.SRCIP, IPT_INV.DSTIP, IPT_INV.PROTO, 0, 0, 0, IPT_INV.VIA_IN, IPT_INV.VIA_OUT, 0, 0, IPT_INV.FRAG];

/** commands_v_options[][]: x = illegal, ' ' = optional (no option is compulsory for any command) */
const COMMANDS_V_OPTIONS: Record<number, string> = {
  [CMD.INSERT]: 'x     x  x  ',
  [CMD.DELETE]: 'x     x  xx ',
  [CMD.DELETE_NUM]: 'xxxxx xxxxxx',
  [CMD.REPLACE]: 'x     x  x  ',
  [CMD.APPEND]: 'x     x  x  ',
  [CMD.LIST]: ' xxxx  xx xx',
  [CMD.FLUSH]: 'xxxxx xxxxxx',
  [CMD.ZERO]: 'xxxxx xxxxxx',
  [CMD.NEW_CHAIN]: 'xxxxx xxxxxx',
  [CMD.DELETE_CHAIN]: 'xxxxx xxxxxx',
  [CMD.SET_POLICY]: 'xxxxx xxxx x',
  [CMD.RENAME_CHAIN]: 'xxxxx xxxxxx',
  [CMD.LIST_RULES]: 'xxxxx xxxxxx',
  [CMD.ZERO_NUM]: 'xxxxx xxxxxx',
  [CMD.CHECK]: 'x     x  xx ',
};

/** iptables' own long options (original_opts) */
const ORIGINAL_OPTS: LongOpt[] = [
  { name: 'append', hasArg: 1, val: 'A' },
  { name: 'delete', hasArg: 1, val: 'D' },
  { name: 'check', hasArg: 1, val: 'C' },
  { name: 'insert', hasArg: 1, val: 'I' },
  { name: 'replace', hasArg: 1, val: 'R' },
  { name: 'list', hasArg: 2, val: 'L' },
  { name: 'list-rules', hasArg: 2, val: 'S' },
  { name: 'flush', hasArg: 2, val: 'F' },
  { name: 'zero', hasArg: 2, val: 'Z' },
  { name: 'new-chain', hasArg: 1, val: 'N' },
  { name: 'delete-chain', hasArg: 2, val: 'X' },
  { name: 'rename-chain', hasArg: 1, val: 'E' },
  { name: 'policy', hasArg: 1, val: 'P' },
  { name: 'source', hasArg: 1, val: 's' },
  { name: 'destination', hasArg: 1, val: 'd' },
  { name: 'src', hasArg: 1, val: 's' },
  { name: 'dst', hasArg: 1, val: 'd' },
  { name: 'protocol', hasArg: 1, val: 'p' },
  { name: 'in-interface', hasArg: 1, val: 'i' },
  { name: 'jump', hasArg: 1, val: 'j' },
  { name: 'table', hasArg: 1, val: 't' },
  { name: 'match', hasArg: 1, val: 'm' },
  { name: 'numeric', hasArg: 0, val: 'n' },
  { name: 'out-interface', hasArg: 1, val: 'o' },
  { name: 'verbose', hasArg: 0, val: 'v' },
  { name: 'wait', hasArg: 2, val: 'w' },
  { name: 'wait-interval', hasArg: 2, val: 'W' },
  { name: 'exact', hasArg: 0, val: 'x' },
  { name: 'fragments', hasArg: 0, val: 'f' },
  { name: 'version', hasArg: 0, val: 'V' },
  { name: 'help', hasArg: 2, val: 'h' },
  { name: 'line-numbers', hasArg: 0, val: '0' },
  { name: 'modprobe', hasArg: 1, val: 'M' },
  { name: 'set-counters', hasArg: 1, val: 'c' },
  { name: 'goto', hasArg: 1, val: 'g' },
  { name: 'ipv4', hasArg: 0, val: '4' },
  { name: 'ipv6', hasArg: 0, val: '6' },
];
const SHORTS = shortOpts('-:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::fg:h::m:nvw::x46');

/** XT_EXTENSION_MAXNAMELEN */
const MAXNAMELEN = 29;

/** What the command line asked for. */
export interface ParsedCommand {
  command: number;
  table: string;
  chain: string | undefined;
  rulenum: number;
  newname: string | undefined;
  policy: string | undefined;
  options: number;
  verbose: number;
  /** the rule spec, one rule per source × destination address */
  rules: Rule[];
  /** -j NAME when NAME is no extension (a chain, to be checked against the table) */
  jumpChain: string | undefined;
  /** -V / -h: print this and exit 0 */
  output: string | undefined;
}

/** One loaded extension in the rule being parsed. */
interface Loaded {
  ext: Extension<XtMatch | XtTarget>;
  value: XtMatch | XtTarget;
  seen: Set<string>;
  /** a later `-m` of the same name takes the options (xtables marks this one completed) */
  completed: boolean;
  id: number;
}

export interface ParseOpts {
  /** iptables-restore: -t may not be repeated, -w and -W are refused */
  restore?: boolean;
  /** the default table (restore: the current `*table`) */
  table?: string;
}

export function cmdChar(cmd: number): string {
  let i = 0;
  for (let c = cmd; c > 1; c >>= 1) i++;
  return CMD_CHARS[i];
}

const optChar = (opt: number): string => {
  let i = 0;
  for (let o = opt; o > 1; o >>= 1) i++;
  return OPT_CHARS[i];
};

/** xt_parse_target() */
function checkTargetName(name: string): string {
  if (name.length < 1) paramProblem('Invalid target name (too short)');
  if (name.length >= MAXNAMELEN) paramProblem(`Invalid target name \`${name}' (${MAXNAMELEN - 1} chars max)`);
  if (/\s/.test(name)) paramProblem(`Invalid target name \`${name}'`);
  return name;
}

/** assert_valid_chain_name() */
export function assertValidChainName(name: string): void {
  if (name.length >= MAXNAMELEN) paramProblem(`chain name \`${name}' too long (must be under ${MAXNAMELEN} chars)`);
  if (name[0] === '-' || name[0] === '!') paramProblem(`chain name not allowed to start with \`${name[0]}'`);
  if (findTarget(name) !== undefined) paramProblem('chain name may not clash with target name');
  if (/\s/.test(name)) paramProblem(`Invalid chain name \`${name}'`);
}

/** Parse argv (argv[0] is the program name). Throws XtError on bad input. */
export function doParse(argv: string[], popts: ParseOpts = {}): ParsedCommand {
  const g = new Getopt(argv, SHORTS, ORIGINAL_OPTS.slice());
  const p: ParsedCommand = { command: 0, table: popts.table ?? 'filter', chain: undefined, rulenum: 0, newname: undefined, policy: undefined, options: 0, verbose: 0, rules: [], jumpChain: undefined, output: undefined };
  let invert = false;
  let invflags = 0;
  let proto = 0;
  let protocol: string | undefined;
  let protoUsed = false;
  let shost: string | undefined;
  let dhost: string | undefined;
  let iniface = { name: '', wild: false };
  let outiface = { name: '', wild: false };
  let frag = false;
  let goto = false;
  let jumpto: string | undefined;
  let counters: { pkts: number; bytes: number } | undefined;
  const matches: Loaded[] = [];
  let target: Loaded | undefined;
  let standard: string | undefined;
  let extIds = 0;
  const rc: RuleContext = { proto: 0, protoInv: false };

  const addCommand = (cmd: number, others: number) => {
    if (invert) paramProblem("unexpected '!' flag");
    if (p.command & ~others) paramProblem(`Cannot use -${cmdChar(cmd)} with -${cmdChar(p.command & ~others)}`);
    p.command |= cmd;
  };
  const setOption = (opt: number) => {
    if (p.options & opt) paramProblem(`multiple -${optChar(opt)} flags not allowed`);
    p.options |= opt;
    if (invert) {
      let i = 0;
      while (1 << i !== opt) i++;
      if (!INVERSE_FOR[i]) paramProblem(`cannot have ! before -${optChar(opt)}`);
      invflags |= INVERSE_FOR[i];
    }
  };
  const chainArg = (optarg: string | undefined): string | undefined => (optarg !== undefined ? optarg : g.hasArg() ? argv[g.optind++] : undefined);
  const rulenum = (s: string): number => strtoui(s, 1, 0x7fffffff) ?? paramProblem(`Invalid rule number \`${s}'`);

  /** merge an extension's options into getopt's table */
  const load = (ext: Extension<XtMatch | XtTarget>, isTarget: boolean): Loaded => {
    const id = ++extIds;
    const l: Loaded = { ext, value: ext.init(rc), seen: new Set(), completed: false, id };
    for (const o of ext.options) g.longs.push({ name: o.name, hasArg: o.hasArg ?? 1, val: `${isTarget ? 't' : 'm'}${ext.name}\u0000${o.name}` });
    return l;
  };

  /** route an extension option to the loaded extension that owns it */
  const extensionOption = (val: string, optarg: string | undefined): boolean => {
    const [owner, optName] = val.slice(1).split('\u0000');
    let l: Loaded | undefined;
    if (val[0] === 't') l = target?.ext.name === owner ? target : undefined;
    else for (const m of matches) if (!m.completed && m.ext.name === owner) l = m;
    if (l === undefined) return false;
    const o = l.ext.options.find((x) => x.name === optName)!;
    if (!l.ext.legacy) x6Check(l.ext.name, o, l.seen, invert);
    if (l.ext === tcpMatch) tcpMatch.argv = { peek: () => argv[g.optind], take: () => argv[g.optind++] };
    l.ext.parse(l.value, optName, optarg ?? '', invert, rc);
    l.seen.add(optName);
    return true;
  };

  for (;;) {
    const r = g.next();
    const c = r.c;
    if (c === -1) break;
    const optarg = r.optarg;
    switch (c) {
      case 'A':
        addCommand(CMD.APPEND, CMD.NONE);
        p.chain = optarg;
        break;
      case 'C':
        addCommand(CMD.CHECK, CMD.NONE);
        p.chain = optarg;
        break;
      case 'D':
        addCommand(CMD.DELETE, CMD.NONE);
        p.chain = optarg;
        if (g.hasArg()) {
          p.rulenum = rulenum(argv[g.optind++]);
          p.command = CMD.DELETE_NUM;
        }
        break;
      case 'R':
        addCommand(CMD.REPLACE, CMD.NONE);
        p.chain = optarg;
        if (g.hasArg()) p.rulenum = rulenum(argv[g.optind++]);
        else paramProblem('-R requires a rule number');
        break;
      case 'I':
        addCommand(CMD.INSERT, CMD.NONE);
        p.chain = optarg;
        p.rulenum = g.hasArg() ? rulenum(argv[g.optind++]) : 1;
        break;
      case 'L':
        addCommand(CMD.LIST, CMD.ZERO | CMD.ZERO_NUM);
        p.chain = chainArg(optarg);
        if (g.hasArg()) p.rulenum = rulenum(argv[g.optind++]);
        break;
      case 'S':
        addCommand(CMD.LIST_RULES, CMD.ZERO | CMD.ZERO_NUM);
        p.chain = chainArg(optarg);
        if (g.hasArg()) p.rulenum = rulenum(argv[g.optind++]);
        break;
      case 'F':
        addCommand(CMD.FLUSH, CMD.NONE);
        p.chain = chainArg(optarg);
        break;
      case 'Z':
        addCommand(CMD.ZERO, CMD.LIST | CMD.LIST_RULES);
        p.chain = chainArg(optarg);
        if (g.hasArg()) {
          p.rulenum = rulenum(argv[g.optind++]);
          p.command = CMD.ZERO_NUM;
        }
        break;
      case 'N':
        assertValidChainName(optarg!);
        addCommand(CMD.NEW_CHAIN, CMD.NONE);
        p.chain = optarg;
        break;
      case 'X':
        addCommand(CMD.DELETE_CHAIN, CMD.NONE);
        p.chain = chainArg(optarg);
        break;
      case 'E':
        addCommand(CMD.RENAME_CHAIN, CMD.NONE);
        p.chain = optarg;
        if (g.hasArg()) p.newname = argv[g.optind++];
        else paramProblem('-E requires old-chain-name and new-chain-name');
        break;
      case 'P':
        addCommand(CMD.SET_POLICY, CMD.NONE);
        p.chain = optarg;
        if (g.hasArg()) p.policy = argv[g.optind++];
        else paramProblem('-P requires a chain and a policy');
        break;
      case 'h':
        p.output = helpText(argv[0]);
        return p;
      case 'V':
        p.output = invert ? `Not ${'1.8.9 (nf_tables)'} ;-)\n` : `${argv[0]} v1.8.9 (nf_tables)\n`;
        return p;
      case 'p': {
        setOption(OPT.PROTOCOL);
        protocol = optarg!.toLowerCase();
        proto = parseProtocol(protocol);
        if (proto === 0 && invflags & IPT_INV.PROTO) paramProblem('rule would never match protocol');
        rc.proto = proto;
        rc.protoInv = (invflags & IPT_INV.PROTO) !== 0;
        break;
      }
      case 's':
        setOption(OPT.SOURCE);
        shost = optarg;
        break;
      case 'd':
        setOption(OPT.DESTINATION);
        dhost = optarg;
        break;
      case 'g':
        setOption(OPT.JUMP);
        goto = true;
        jumpto = checkTargetName(optarg!);
        break;
      case 'j': {
        setOption(OPT.JUMP);
        jumpto = checkTargetName(optarg!);
        const t = findTarget(jumpto);
        if (t === 'standard') standard = jumpto;
        else if (t !== undefined) target = load(t as Extension<XtMatch | XtTarget>, true);
        break;
      }
      case 'i':
      case 'o': {
        if (optarg === '') paramProblem('Empty interface is likely to be undesired');
        setOption(c === 'i' ? OPT.VIANAMEIN : OPT.VIANAMEOUT);
        const i = parseInterface(optarg!);
        if (c === 'i') iniface = i;
        else outiface = i;
        break;
      }
      case 'f':
        setOption(OPT.FRAGMENT);
        frag = true;
        break;
      case 'v':
        if (!p.verbose) setOption(OPT.VERBOSE);
        p.verbose++;
        break;
      case 'm': {
        if (invert) paramProblem('unexpected ! flag before --match');
        const ext = findMatch(optarg!);
        if (ext === undefined) paramProblem(`Couldn't load match \`${optarg}':No such file or directory\n`);
        for (const m of matches) if (m.ext === ext) m.completed = true;
        matches.push(load(ext as Extension<XtMatch | XtTarget>, false));
        break;
      }
      case 'n':
        setOption(OPT.NUMERIC);
        break;
      case 't':
        if (invert) paramProblem('unexpected ! flag before --table');
        // in a restore file the table is the one of the `*table` line
        if (popts.restore) paramProblem(`The -t option cannot be used in ${argv[0]}.\n`);
        p.table = optarg!;
        break;
      case 'x':
        setOption(OPT.EXPANDED);
        break;
      case 'w':
      case 'W':
        if (popts.restore) paramProblem(`You cannot use \`-${c}' from iptables-restore`);
        if (optarg === undefined && g.hasArg()) g.optind++;
        break;
      case '0':
        setOption(OPT.LINENUMBERS);
        break;
      case 'M':
        break;
      case 'c': {
        setOption(OPT.COUNTERS);
        const pc = optarg!;
        const comma = pc.indexOf(',', 1);
        let bc = comma >= 0 ? pc.slice(comma + 1) : undefined;
        if (bc === undefined && g.hasArg()) bc = argv[g.optind++];
        if (bc === undefined) paramProblem('-c requires packet and byte counter');
        const pk = /^\s*\d+/.exec(comma >= 0 ? pc.slice(0, comma) : pc);
        if (!pk) paramProblem('-c packet counter not numeric');
        const bk = /^\s*\d+/.exec(bc!);
        if (!bk) paramProblem('-c byte counter not numeric');
        counters = { pkts: Number(pk![0]), bytes: Number(bk![0]) };
        break;
      }
      case '4':
        break;
      case '6':
        throw new BadArgument(undefined);
      case 1:
        if (optarg === '!') {
          if (invert) paramProblem('multiple consecutive ! not allowed');
          invert = true;
          continue;
        }
        throw new BadArgument(`Bad argument \`${optarg}'`);
      default: {
        if (typeof c === 'string' && c.length > 1 && extensionOption(c, optarg)) break;
        // implicit loading of the protocol's match: '-p tcp' then '--dport'
        if (protocol !== undefined && !protoUsed) {
          protoUsed = true;
          const name = protoMatchName(protocol);
          const ext = name !== undefined ? findMatch(name) : undefined;
          if (ext !== undefined && (name === 'tcp' || name === 'udp' || name === 'icmp')) {
            matches.push(load(ext as Extension<XtMatch | XtTarget>, false));
            g.optind--;
            // a long option is re-read whole; a short one is unknown either way
            continue;
          }
        }
        if (c === ':') paramProblem(`option "${argv[g.optind - 1]}" requires an argument`);
        if (c === '?') paramProblem(`unknown option "${r.optopt ? `-${r.optopt}` : argv[g.optind - 1]}"`);
        paramProblem(`Unknown arg "${optarg}"`);
      }
    }
    invert = false;
  }

  if (p.table === 'nat' && (p.policy === 'DROP' || jumpto === 'DROP')) paramProblem('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n');
  for (const m of matches) {
    if (!m.ext.legacy) x6Fcheck(m.ext.name, m.ext.options, m.seen);
    m.ext.final?.(m.value, m.seen, rc);
  }
  if (target !== undefined) {
    x6Fcheck(target.ext.name, target.ext.options, target.seen);
    target.ext.final?.(target.value, target.seen, rc);
  }
  if (g.optind < argv.length) paramProblem('unknown arguments found on commandline');
  if (!p.command) paramProblem('no command specified');
  if (invert) paramProblem('nothing appropriate following !');

  const ruleCmd = CMD.REPLACE | CMD.INSERT | CMD.DELETE | CMD.APPEND | CMD.CHECK;
  if (p.command & ruleCmd) {
    if (!(p.options & OPT.DESTINATION)) dhost = '0.0.0.0/0';
    if (!(p.options & OPT.SOURCE)) shost = '0.0.0.0/0';
  }
  const srcs: AddrMask[] = shost !== undefined ? ipparseMultiple(shost) : [];
  const dsts: AddrMask[] = dhost !== undefined ? ipparseMultiple(dhost) : [];
  if ((srcs.length > 1 || dsts.length > 1) && invflags & (IPT_INV.SRCIP | IPT_INV.DSTIP)) paramProblem('! not allowed with multiple source or destination IP addresses');
  if (p.command === CMD.REPLACE && (srcs.length !== 1 || dsts.length !== 1)) paramProblem('Replacement rule does not specify a unique address');
  genericOptCheck(p.command, p.options);
  if (p.chain !== undefined && p.chain.length >= MAXNAMELEN) paramProblem(`chain name \`${p.chain}' too long (must be under ${MAXNAMELEN} chars)`);
  if (p.command & (ruleCmd | CMD.DELETE_NUM)) {
    if ((p.chain === 'PREROUTING' || p.chain === 'INPUT') && p.options & OPT.VIANAMEOUT) paramProblem(`Can't use -o with ${p.chain}\n`);
    if ((p.chain === 'POSTROUTING' || p.chain === 'OUTPUT') && p.options & OPT.VIANAMEIN) paramProblem(`Can't use -i with ${p.chain}\n`);
  }

  let targetValue: XtTarget;
  if (target !== undefined) targetValue = target.value as XtTarget;
  else if (standard !== undefined && !goto) targetValue = { kind: 'verdict', verdict: standard as 'ACCEPT' };
  else if (jumpto !== undefined) {
    targetValue = { kind: 'jump', chain: jumpto, goto };
    p.jumpChain = jumpto;
  } else targetValue = { kind: 'none' };
  const exts = mergeProtoMatches(matches.map((m) => m.value as XtMatch));
  for (const s of srcs) {
    for (const d of dsts) {
      const ip: IptIp = {
        src: s.addr,
        smsk: s.mask,
        dst: d.addr,
        dmsk: d.mask,
        iniface: iniface.name,
        iniWild: iniface.wild,
        outiface: outiface.name,
        outWild: outiface.wild,
        proto,
        frag,
        inv: invflags,
      };
      p.rules.push({ ip, matches: exts.map(cloneMatch), target: targetValue, pkts: counters?.pkts ?? 0, bytes: counters?.bytes ?? 0 });
    }
  }
  return p;
}

/** exit_tryhelp(2): an optional line of its own ("Bad argument `x'"), then the Try line. */
export class BadArgument extends Error {
  constructor(readonly line: string | undefined) {
    super(line ?? 'try help');
  }
}

/** generic_opt_check() */
function genericOptCheck(command: number, options: number): void {
  for (let i = 0; i < OPT_CHARS.length; i++) {
    if (!(options & (1 << i))) continue;
    let legal = 0;
    for (const [cmd, row] of Object.entries(COMMANDS_V_OPTIONS)) {
      if (!(command & Number(cmd))) continue;
      if (row[i] !== 'x') legal = 1;
      else if (legal === 0) legal = -1;
    }
    if (legal === -1) paramProblem(`Illegal option \`-${OPT_CHARS[i]}' with this command`);
  }
}

/** find_proto(): the match named after -p's protocol (a number names it through the protocol list). */
function protoMatchName(protocol: string): string | undefined {
  const n = strtoui(protocol, 0, 255);
  if (n === undefined) return protocol;
  return CHAIN_PROTOS.find(([, num]) => num === n)?.[0] ?? protocolName(n);
}

/**
 * nf_tables keeps tcp/udp port matches as payload expressions, and iptables-nft reads a rule back
 * with one tcp (or udp) match collecting all of them: `-m tcp --dport 80 -m tcp --sport 8` lists
 * as `-m tcp --sport 8 --dport 80`.
 */
function mergeProtoMatches(ms: XtMatch[]): XtMatch[] {
  const out: XtMatch[] = [];
  for (const m of ms) {
    if (m.kind === 'tcp' || m.kind === 'udp') {
      const first = out.find((x) => x.kind === m.kind) as typeof m | undefined;
      if (first !== undefined) {
        if (m.spts[0] !== 0 || m.spts[1] !== 65535 || m.inv & 1) first.spts = m.spts;
        if (m.dpts[0] !== 0 || m.dpts[1] !== 65535 || m.inv & 2) first.dpts = m.dpts;
        first.inv |= m.inv;
        if (m.kind === 'tcp' && first.kind === 'tcp') {
          if (m.flgMask) [first.flgMask, first.flgCmp] = [m.flgMask, m.flgCmp];
          if (m.option) first.option = m.option;
        }
        continue;
      }
    }
    out.push(m);
  }
  return out;
}

/** Each rule gets its own copy (statistic counters are per rule). */
function cloneMatch(m: XtMatch): XtMatch {
  if (m.kind === 'statistic') return { ...m, count: { n: m.count.n } };
  const c = { ...m } as XtMatch & { seen?: number };
  delete c.seen;
  return c;
}
