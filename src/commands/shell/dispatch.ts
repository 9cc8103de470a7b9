import { Exit, type Ctx } from '../context';
import { ip } from '../ip/ip';
import { ping } from '../ping';
import { traceroute } from '../traceroute';
import { sysctl } from '../sysctl';
import { bridge } from '../bridge';
import { echo, hostname } from '../misc';
import { shellProgram } from './sh';
import { ls } from '../fs/ls';
import { grep as grepText } from '../text/grep';
import { sed } from '../text/sed';
import { awk } from '../text/awk';
import { cut, seq, tr, uniq } from '../text/tools';
import { sort as sortText } from '../text/sort';
import { head as headText, tail as tailText, wc as wcText } from '../text/headtail';
import { basename, cat as catFiles, cp, dirname, mkdir, mv, pwd, rm, rmdir, tee, touch } from '../fs/files';
import { kubectl } from '../kubectl/kubectl';
import { iptables } from '../iptables/iptables';
import { iptablesSave } from '../iptables/save';
import { iptablesRestore } from '../iptables/restore';

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
  hostname: (c, a) => hostname(c, a),
  echo: (c, a) => echo(c, a),
  cat: (c, a) => catFiles(c, a),
  ls: (c, a) => ls(c, a),
  mkdir: (c, a) => mkdir(c, a),
  rmdir: (c, a) => rmdir(c, a),
  rm: (c, a) => rm(c, a),
  touch: (c, a) => touch(c, a),
  cp: (c, a) => cp(c, a),
  mv: (c, a) => mv(c, a),
  tee: (c, a) => tee(c, a),
  pwd: (c, a) => pwd(c, a),
  basename: (c, a) => basename(c, a),
  dirname: (c, a) => dirname(c, a),
  grep: (c, a) => grepText(c, a),
  sed: (c, a) => sed(c, a),
  awk: (c, a) => awk(c, a, 'awk'),
  mawk: (c, a) => awk(c, a, 'mawk'),
  head: (c, a) => headText(c, a),
  tail: (c, a) => tailText(c, a),
  wc: (c, a) => wcText(c, a),
  sort: (c, a) => sortText(c, a),
  cut: (c, a) => cut(c, a),
  tr: (c, a) => tr(c, a),
  uniq: (c, a) => uniq(c, a),
  seq: (c, a) => seq(c, a),
  sh: shellProgram('sh'),
  dash: shellProgram('dash'),
  bash: shellProgram('bash'),
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
