import { Exit, type Ctx } from '../context';
import { ip } from '../ip/ip';
import { ping } from '../ping';
import { traceroute } from '../traceroute';
import { sysctl } from '../sysctl';
import { bridge } from '../bridge';
import { cat, echo, hostname } from '../misc';
import { grep, head, sort, tail, wc } from '../text';
import { kubectl } from '../kubectl/kubectl';
import { iptables } from '../iptables/iptables';
import { iptablesSave } from '../iptables/save';
import { iptablesRestore } from '../iptables/restore';
import { conntrack } from '../iptables/conntrack';
import { dmesg } from '../iptables/dmesg';

type Command = (ctx: Ctx, argv: string[]) => void;

/** Every command Hoplab simulates, by name (also the tab-completion list). */
export const COMMANDS: Record<string, Command> = {
  ip: (c, a) => ip(c, a),
  ping: (c, a) => ping(c, a),
  traceroute: (c, a) => traceroute(c, a),
  sysctl: (c, a) => sysctl(c, a),
  bridge: (c, a) => bridge(c, a),
  iptables: (c, a) => iptables(c, a),
  'iptables-save': (c, a) => iptablesSave(c, a),
  'iptables-restore': (c, a) => iptablesRestore(c, a),
  conntrack: (c, a) => conntrack(c, a),
  dmesg: (c, a) => dmesg(c, a),
  hostname: (c, a) => hostname(c, a),
  echo: (c, a) => echo(c, a),
  cat: (c, a) => cat(c, a),
  grep: (c, a) => grep(c, a),
  head: (c, a) => head(c, a),
  tail: (c, a) => tail(c, a),
  wc: (c, a) => wc(c, a),
  sort: (c, a) => sort(c, a),
  kubectl: (c, a) => kubectl(c, a),
  true: () => undefined,
  false: () => {
    throw new Exit(1);
  },
};

/** Is there a program of this name (what execvp() would find)? */
export const isCommand = (name: string): boolean => Object.prototype.hasOwnProperty.call(COMMANDS, name);

/** Run one argv; returns the exit status. Never throws for bad input. */
export function runArgv(ctx: Ctx, argv: string[]): number {
  const [name, ...args] = argv;
  const cmd = isCommand(name) ? COMMANDS[name] : undefined;
  if (!cmd) {
    ctx.err.push(ctx.shell === 'sh' ? `sh: 1: ${name}: not found\n` : `bash: ${name}: command not found\n`);
    return 127;
  }
  try {
    cmd(ctx, args);
    return 0;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
}
