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
import { x6Check, x6Fcheck, type Extension, type RuleContext, type XtOption } from './ext/types';
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
  seen: SeenOpts;
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
  return new Parser(argv, popts).parse();
}

const NO_IFACE: { name: string; wild: boolean } = { name: '', wild: false };

/** The options of a loaded extension seen so far (few: an array, not a Set). */
class SeenOpts {
  private readonly list: string[] = [];
  has(name: string): boolean {
    return this.list.includes(name);
  }
  add(name: string): void {
    this.list.push(name);
  }
  get size(): number {
    return this.list.length;
  }
}

/** One command line being parsed: do_parse()'s state (a class, so parsing makes no closures). */
class Parser {
  readonly g: Getopt;
  readonly p: ParsedCommand;
  invert = false;
  invflags = 0;
  proto = 0;
  protocol: string | undefined = undefined;
  protoUsed = false;
  shost: string | undefined = undefined;
  dhost: string | undefined = undefined;
  iniface: { name: string; wild: boolean } = NO_IFACE;
  outiface: { name: string; wild: boolean } = NO_IFACE;
  frag = false;
  goto = false;
  jumpto: string | undefined = undefined;
  counters: { pkts: number; bytes: number } | undefined = undefined;
  readonly matches: Loaded[] = [];
  target: Loaded | undefined = undefined;
  standard: string | undefined = undefined;
  extIds = 0;
  readonly rc: RuleContext = { proto: 0, protoInv: false };

  /** --tcp-flags reads its second argument straight from argv */
  peek(): string | undefined {
    return this.argv[this.g.optind];
  }

  take(): string {
    return this.argv[this.g.optind++];
  }

  constructor(
    readonly argv: string[],
    readonly popts: ParseOpts,
  ) {
    this.g = new Getopt(argv, SHORTS, ORIGINAL_OPTS);
    this.p = { command: 0, table: popts.table ?? 'filter', chain: undefined, rulenum: 0, newname: undefined, policy: undefined, options: 0, verbose: 0, rules: [], jumpChain: undefined, output: undefined };
  }

  private addCommand(cmd: number, others: number): void {
    if (this.invert) paramProblem("unexpected '!' flag");
    if (this.p.command & ~others) paramProblem(`Cannot use -${cmdChar(cmd)} with -${cmdChar(this.p.command & ~others)}`);
    this.p.command |= cmd;
  };
  private setOption(opt: number): void {
    if (this.p.options & opt) paramProblem(`multiple -${optChar(opt)} flags not allowed`);
    this.p.options |= opt;
    if (this.invert) {
      let i = 0;
      while (1 << i !== opt) i++;
      if (!INVERSE_FOR[i]) paramProblem(`cannot have ! before -${optChar(opt)}`);
      this.invflags |= INVERSE_FOR[i];
    }
  };
  private chainArg(optarg: string | undefined): string | undefined {
    return optarg !== undefined ? optarg : this.g.hasArg() ? this.argv[this.g.optind++] : undefined;
  }
  private rulenum(s: string): number {
    return strtoui(s, 1, 0x7fffffff) ?? paramProblem(`Invalid rule number \`${s}'`);
  }

  /** merge an extension's options into getopt's table */
  private load(ext: Extension<XtMatch | XtTarget>, isTarget: boolean): Loaded {
    const id = ++this.extIds;
    const l: Loaded = { ext, value: ext.init(this.rc), seen: new SeenOpts(), completed: false, id };
    this.g.more.push(extLongOpts(ext, isTarget));
    return l;
  };

  /** route an extension option to the loaded extension that owns it */
  private extensionOption(val: string, optarg: string | undefined): boolean {
    const key = EXT_OPT_KEYS.get(val);
    if (key === undefined) return false;
    let l: Loaded | undefined;
    if (key.target) l = this.target?.ext === key.ext ? this.target : undefined;
    else for (const m of this.matches) if (!m.completed && m.ext === key.ext) l = m;
    if (l === undefined) return false;
    const o = key.option;
    if (!l.ext.legacy) x6Check(l.ext.name, o, l.seen, this.invert);
    if (l.ext === tcpMatch) tcpMatch.argv = this;
    l.ext.parse(l.value, o.name, optarg ?? '', this.invert, this.rc, l.seen);
    l.seen.add(o.name);
    return true;
  }

  parse(): ParsedCommand {
  for (;;) {
    const r = this.g.next();
    const c = r.c;
    if (c === -1) break;
    const optarg = r.optarg;
    switch (c) {
      case 'A':
        this.addCommand(CMD.APPEND, CMD.NONE);
        this.p.chain = optarg;
        break;
      case 'C':
        this.addCommand(CMD.CHECK, CMD.NONE);
        this.p.chain = optarg;
        break;
      case 'D':
        this.addCommand(CMD.DELETE, CMD.NONE);
        this.p.chain = optarg;
        if (this.g.hasArg()) {
          this.p.rulenum = this.rulenum(this.argv[this.g.optind++]);
          this.p.command = CMD.DELETE_NUM;
        }
        break;
      case 'R':
        this.addCommand(CMD.REPLACE, CMD.NONE);
        this.p.chain = optarg;
        if (this.g.hasArg()) this.p.rulenum = this.rulenum(this.argv[this.g.optind++]);
        else paramProblem('-R requires a rule number');
        break;
      case 'I':
        this.addCommand(CMD.INSERT, CMD.NONE);
        this.p.chain = optarg;
        this.p.rulenum = this.g.hasArg() ? this.rulenum(this.argv[this.g.optind++]) : 1;
        break;
      case 'L':
        this.addCommand(CMD.LIST, CMD.ZERO | CMD.ZERO_NUM);
        this.p.chain = this.chainArg(optarg);
        if (this.g.hasArg()) this.p.rulenum = this.rulenum(this.argv[this.g.optind++]);
        break;
      case 'S':
        this.addCommand(CMD.LIST_RULES, CMD.ZERO | CMD.ZERO_NUM);
        this.p.chain = this.chainArg(optarg);
        if (this.g.hasArg()) this.p.rulenum = this.rulenum(this.argv[this.g.optind++]);
        break;
      case 'F':
        this.addCommand(CMD.FLUSH, CMD.NONE);
        this.p.chain = this.chainArg(optarg);
        break;
      case 'Z':
        this.addCommand(CMD.ZERO, CMD.LIST | CMD.LIST_RULES);
        this.p.chain = this.chainArg(optarg);
        if (this.g.hasArg()) {
          this.p.rulenum = this.rulenum(this.argv[this.g.optind++]);
          this.p.command = CMD.ZERO_NUM;
        }
        break;
      case 'N':
        assertValidChainName(optarg!);
        this.addCommand(CMD.NEW_CHAIN, CMD.NONE);
        this.p.chain = optarg;
        break;
      case 'X':
        this.addCommand(CMD.DELETE_CHAIN, CMD.NONE);
        this.p.chain = this.chainArg(optarg);
        break;
      case 'E':
        this.addCommand(CMD.RENAME_CHAIN, CMD.NONE);
        this.p.chain = optarg;
        if (this.g.hasArg()) this.p.newname = this.argv[this.g.optind++];
        else paramProblem('-E requires old-chain-name and new-chain-name');
        break;
      case 'P':
        this.addCommand(CMD.SET_POLICY, CMD.NONE);
        this.p.chain = optarg;
        if (this.g.hasArg()) this.p.policy = this.argv[this.g.optind++];
        else paramProblem('-P requires a chain and a policy');
        break;
      case 'h':
        this.p.output = helpText(this.argv[0]);
        return this.p;
      case 'V':
        this.p.output = this.invert ? `Not ${'1.8.9 (nf_tables)'} ;-)\n` : `${this.argv[0]} v1.8.9 (nf_tables)\n`;
        return this.p;
      case 'p': {
        this.setOption(OPT.PROTOCOL);
        this.protocol = optarg!.toLowerCase();
        this.proto = parseProtocol(this.protocol);
        if (this.proto === 0 && this.invflags & IPT_INV.PROTO) paramProblem('rule would never match protocol');
        this.rc.proto = this.proto;
        this.rc.protoInv = (this.invflags & IPT_INV.PROTO) !== 0;
        break;
      }
      case 's':
        this.setOption(OPT.SOURCE);
        this.shost = optarg;
        break;
      case 'd':
        this.setOption(OPT.DESTINATION);
        this.dhost = optarg;
        break;
      case 'g':
        this.setOption(OPT.JUMP);
        this.goto = true;
        this.jumpto = checkTargetName(optarg!);
        break;
      case 'j': {
        this.setOption(OPT.JUMP);
        this.jumpto = checkTargetName(optarg!);
        const t = findTarget(this.jumpto);
        if (t === 'standard') this.standard = this.jumpto;
        else if (t !== undefined) this.target = this.load(t as Extension<XtMatch | XtTarget>, true);
        break;
      }
      case 'i':
      case 'o': {
        if (optarg === '') paramProblem('Empty interface is likely to be undesired');
        this.setOption(c === 'i' ? OPT.VIANAMEIN : OPT.VIANAMEOUT);
        const i = parseInterface(optarg!);
        if (c === 'i') this.iniface = i;
        else this.outiface = i;
        break;
      }
      case 'f':
        this.setOption(OPT.FRAGMENT);
        this.frag = true;
        break;
      case 'v':
        if (!this.p.verbose) this.setOption(OPT.VERBOSE);
        this.p.verbose++;
        break;
      case 'm': {
        if (this.invert) paramProblem('unexpected ! flag before --match');
        const ext = findMatch(optarg!);
        if (ext === undefined) paramProblem(`Couldn't load match \`${optarg}':No such file or directory\n`);
        for (const m of this.matches) if (m.ext === ext) m.completed = true;
        this.matches.push(this.load(ext as Extension<XtMatch | XtTarget>, false));
        break;
      }
      case 'n':
        this.setOption(OPT.NUMERIC);
        break;
      case 't':
        if (this.invert) paramProblem('unexpected ! flag before --table');
        // in a restore file the table is the one of the `*table` line
        if (this.popts.restore) paramProblem(`The -t option cannot be used in ${this.argv[0]}.\n`);
        this.p.table = optarg!;
        break;
      case 'x':
        this.setOption(OPT.EXPANDED);
        break;
      case 'w':
      case 'W':
        if (this.popts.restore) paramProblem(`You cannot use \`-${c}' from iptables-restore`);
        if (optarg === undefined && this.g.hasArg()) this.g.optind++;
        break;
      case '0':
        this.setOption(OPT.LINENUMBERS);
        break;
      case 'M':
        break;
      case 'c': {
        this.setOption(OPT.COUNTERS);
        const pc = optarg!;
        const comma = pc.indexOf(',', 1);
        let bc = comma >= 0 ? pc.slice(comma + 1) : undefined;
        if (bc === undefined && this.g.hasArg()) bc = this.argv[this.g.optind++];
        if (bc === undefined) paramProblem('-c requires packet and byte counter');
        const pk = /^\s*\d+/.exec(comma >= 0 ? pc.slice(0, comma) : pc);
        if (!pk) paramProblem('-c packet counter not numeric');
        const bk = /^\s*\d+/.exec(bc!);
        if (!bk) paramProblem('-c byte counter not numeric');
        this.counters = { pkts: Number(pk![0]), bytes: Number(bk![0]) };
        break;
      }
      case '4':
        break;
      case '6':
        throw new BadArgument(undefined);
      case 1:
        if (optarg === '!') {
          if (this.invert) paramProblem('multiple consecutive ! not allowed');
          this.invert = true;
          continue;
        }
        throw new BadArgument(`Bad argument \`${optarg}'`);
      default: {
        if (typeof c === 'string' && c.length > 1 && this.extensionOption(c, optarg)) break;
        // implicit loading of the protocol's match: '-p tcp' then '--dport'
        if (this.protocol !== undefined && !this.protoUsed) {
          this.protoUsed = true;
          const name = protoMatchName(this.protocol);
          const ext = name !== undefined ? findMatch(name) : undefined;
          if (ext !== undefined && (name === 'tcp' || name === 'udp' || name === 'sctp' || name === 'icmp')) {
            this.matches.push(this.load(ext as Extension<XtMatch | XtTarget>, false));
            this.g.optind--;
            // a long option is re-read whole; a short one is unknown either way
            continue;
          }
        }
        if (c === ':') paramProblem(`option "${this.argv[this.g.optind - 1]}" requires an argument`);
        if (c === '?') paramProblem(`unknown option "${r.optopt ? `-${r.optopt}` : this.argv[this.g.optind - 1]}"`);
        paramProblem(`Unknown arg "${optarg}"`);
      }
    }
    this.invert = false;
  }

  if (this.p.table === 'nat' && (this.p.policy === 'DROP' || this.jumpto === 'DROP')) paramProblem('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n');
  for (const m of this.matches) {
    if (!m.ext.legacy) x6Fcheck(m.ext.name, m.ext.options, m.seen);
    m.ext.final?.(m.value, m.seen, this.rc);
  }
  if (this.target !== undefined) {
    x6Fcheck(this.target.ext.name, this.target.ext.options, this.target.seen);
    this.target.ext.final?.(this.target.value, this.target.seen, this.rc);
  }
  if (this.g.optind < this.argv.length) paramProblem('unknown arguments found on commandline');
  if (!this.p.command) paramProblem('no command specified');
  if (this.invert) paramProblem('nothing appropriate following !');

  const ruleCmd = CMD.REPLACE | CMD.INSERT | CMD.DELETE | CMD.APPEND | CMD.CHECK;
  if (this.p.command & ruleCmd) {
    if (!(this.p.options & OPT.DESTINATION)) this.dhost = '0.0.0.0/0';
    if (!(this.p.options & OPT.SOURCE)) this.shost = '0.0.0.0/0';
  }
  const srcs: AddrMask[] = this.shost !== undefined ? ipparseMultiple(this.shost) : [];
  const dsts: AddrMask[] = this.dhost !== undefined ? ipparseMultiple(this.dhost) : [];
  if ((srcs.length > 1 || dsts.length > 1) && this.invflags & (IPT_INV.SRCIP | IPT_INV.DSTIP)) paramProblem('! not allowed with multiple source or destination IP addresses');
  if (this.p.command === CMD.REPLACE && (srcs.length !== 1 || dsts.length !== 1)) paramProblem('Replacement rule does not specify a unique address');
  genericOptCheck(this.p.command, this.p.options);
  if (this.p.chain !== undefined && this.p.chain.length >= MAXNAMELEN) paramProblem(`chain name \`${this.p.chain}' too long (must be under ${MAXNAMELEN} chars)`);
  if (this.p.command & (ruleCmd | CMD.DELETE_NUM)) {
    if ((this.p.chain === 'PREROUTING' || this.p.chain === 'INPUT') && this.p.options & OPT.VIANAMEOUT) paramProblem(`Can't use -o with ${this.p.chain}\n`);
    if ((this.p.chain === 'POSTROUTING' || this.p.chain === 'OUTPUT') && this.p.options & OPT.VIANAMEIN) paramProblem(`Can't use -i with ${this.p.chain}\n`);
  }

  let targetValue: XtTarget;
  if (this.target !== undefined) targetValue = this.target.value as XtTarget;
  else if (this.standard !== undefined && !this.goto) targetValue = { kind: 'verdict', verdict: this.standard as 'ACCEPT' };
  else if (this.jumpto !== undefined) {
    targetValue = { kind: 'jump', chain: this.jumpto, goto: this.goto };
    this.p.jumpChain = this.jumpto;
  } else targetValue = { kind: 'none' };
  const exts = mergeProtoMatches(this.matches.map((m) => m.value as XtMatch));
  const many = srcs.length * dsts.length > 1;
  for (const s of srcs) {
    for (const d of dsts) {
      const ip: IptIp = {
        src: s.addr,
        smsk: s.mask,
        dst: d.addr,
        dmsk: d.mask,
        iniface: this.iniface.name,
        iniWild: this.iniface.wild,
        outiface: this.outiface.name,
        outWild: this.outiface.wild,
        proto: this.proto,
        frag: this.frag,
        inv: this.invflags,
      };
      this.p.rules.push({ ip, matches: many ? exts.map(cloneMatch) : exts, target: targetValue, pkts: this.counters?.pkts ?? 0, bytes: this.counters?.bytes ?? 0 });
    }
  }
  return this.p;
  }
}

/** exit_tryhelp(2): an optional line of its own ("Bad argument `x'"), then the Try line. */
export class BadArgument extends Error {
  constructor(readonly line: string | undefined) {
    super(line ?? 'try help');
  }
}

const COMMAND_ROWS: readonly (readonly [number, string])[] = Object.entries(COMMANDS_V_OPTIONS).map(([cmd, row]) => [Number(cmd), row] as const);

/** generic_opt_check() */
function genericOptCheck(command: number, options: number): void {
  for (let i = 0; i < OPT_CHARS.length; i++) {
    if (!(options & (1 << i))) continue;
    let legal = 0;
    for (const [cmd, row] of COMMAND_ROWS) {
      if (!(command & cmd)) continue;
      if (row[i] !== 'x') legal = 1;
      else if (legal === 0) legal = -1;
    }
    if (legal === -1) paramProblem(`Illegal option \`-${OPT_CHARS[i]}' with this command`);
  }
}

/** What an extension option's getopt value stands for. */
interface ExtOptKey {
  ext: Extension<XtMatch | XtTarget>;
  target: boolean;
  option: XtOption;
}
const EXT_OPT_KEYS = new Map<string, ExtOptKey>();
const EXT_LONGS = new Map<Extension<XtMatch | XtTarget>, [LongOpt[] | undefined, LongOpt[] | undefined]>();

/** An extension's options as getopt entries (made once per extension, as xtables_merge_options would each time). */
function extLongOpts(ext: Extension<XtMatch | XtTarget>, isTarget: boolean): LongOpt[] {
  let pair = EXT_LONGS.get(ext);
  if (pair === undefined) EXT_LONGS.set(ext, (pair = [undefined, undefined]));
  const i = isTarget ? 1 : 0;
  const have = pair[i];
  if (have !== undefined) return have;
  const list = ext.options.map((o) => {
    const val = `${isTarget ? 't' : 'm'}${ext.name}\u0000${o.name}`;
    EXT_OPT_KEYS.set(val, { ext, target: isTarget, option: o });
    return { name: o.name, hasArg: o.hasArg ?? 1, val };
  });
  pair[i] = list;
  return list;
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

/** Each rule of a multi-address line gets its own copy (statistic counters are per rule). */
function cloneMatch(m: XtMatch): XtMatch {
  if (m.kind === 'statistic') return { ...m, count: { n: m.count.n } };
  return { ...m };
}
