/**
 * `taskset` (util-linux 2.38): run a command on some of the machine's CPUs, or show and change a
 * running task's. The command is exec'd, so it keeps taskset's pid, and what it does runs on the
 * CPU its affinity allows (the lowest one: src/engine/proc/cpu.ts), as do the packets it sends
 * (softirqs run where the sender runs), so per-CPU counters (`conntrack -S`) count there.
 */
import { ALL_CPUS, NR_CPUS } from '../engine/proc/cpu';
import { Task } from '../engine/proc/task';
import type { Ctx } from './context';
import { getopt, has } from './fs/common';
import type { CommandSpec } from './registry/types';
import { isCommand, runArgv } from './shell/dispatch';
import type { Co } from './shell/expand';

const TRY = "Try 'taskset --help' for more information.\n";

const HELP = `Usage: taskset [options] [mask | cpu-list] [pid|cmd [args...]]


Show or change the CPU affinity of a process.

Options:
 -a, --all-tasks         operate on all the tasks (threads) for a given pid
 -p, --pid               operate on existing given pid
 -c, --cpu-list          display and specify cpus in list format
 -h, --help              display this help
 -V, --version           display version

The default behavior is to run a new command:
    taskset 03 sshd -b 1024
You can retrieve the mask of an existing task:
    taskset -p 700
Or set it:
    taskset -p 03 700
List format uses a comma-separated list instead of a mask:
    taskset -pc 0,3,7-11 700
Ranges in list format can take a stride argument:
    e.g. 0-31:2 is equivalent to mask 0x55555555

For more details see taskset(1).
`;

/** cpumask_parse(): hexadecimal, an optional 0x; null when it is not one. Bits past 31 are CPUs no machine here has. */
function parseMask(s: string): number | null {
  const m = /^(?:0[xX])?([0-9a-fA-F]+)$/.exec(s);
  if (!m) return null;
  const low = m[1].slice(-8);
  return parseInt(low, 16) >>> 0;
}

/** cpulist_parse(): "0,2-3" and strides "0-7:2"; null when it does not parse. */
function parseList(s: string): number | null {
  let mask = 0;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const stride = m[3] === undefined ? 1 : Number(m[3]);
    if (b < a || stride === 0) return null;
    for (let c = a; c <= b && c < 32; c += stride) mask |= 1 << c;
  }
  return mask >>> 0;
}

/** A mask as taskset prints it: hex, or a list ("0,1", "0-2"). */
function maskText(mask: number, list: boolean): string {
  if (!list) return mask.toString(16);
  const cpus: string[] = [];
  for (let c = 0; c < NR_CPUS; c++) {
    if (!(mask & (1 << c))) continue;
    let e = c;
    while (e + 1 < NR_CPUS && mask & (1 << (e + 1))) e++;
    cpus.push(e === c ? `${c}` : e === c + 1 ? `${c},${e}` : `${c}-${e}`);
    c = e;
  }
  return cpus.join(',');
}

function* taskset(ctx: Ctx, argv: string[]): Co<number> {
  // options stop at the mask: the command's own options are its own
  const first = argv.findIndex((a) => !a.startsWith('-') || a === '-');
  const p = getopt(ctx, 'taskset', first < 0 ? argv : argv.slice(0, first), { short: 'apchV', long: { 'all-tasks': { as: 'a' }, pid: { as: 'p' }, 'cpu-list': { as: 'c' }, help: { as: 'h' }, version: { as: 'V' } } });
  const rest = first < 0 ? [] : argv.slice(first);
  if (has(p, 'h')) {
    ctx.out.push(HELP);
    return 0;
  }
  if (has(p, 'V')) {
    ctx.out.push('taskset from util-linux 2.38.1\n');
    return 0;
  }
  const list = has(p, 'c');
  const kind = list ? 'list' : 'mask';
  const parse = (s: string): number | null => {
    const m = list ? parseList(s) : parseMask(s);
    if (m === null) ctx.err.push(`taskset: failed to parse CPU ${kind}: ${s}\n`);
    return m;
  };
  if (has(p, 'p')) {
    if (rest.length === 0 || rest.length > 2) {
      ctx.err.push(rest.length === 0 ? `taskset: invalid PID argument: '${argv[argv.length - 1] ?? ''}'\n` : `taskset: bad usage\n${TRY}`);
      return 1;
    }
    const pidArg = rest[rest.length - 1];
    const pid = /^\d+$/.test(pidArg) ? Number(pidArg) : NaN;
    if (Number.isNaN(pid)) {
      ctx.err.push(`taskset: invalid PID argument: '${pidArg}'\n`);
      return 1;
    }
    const t = ctx.world.tasks.get(pid);
    if (t === undefined) {
      ctx.err.push(`taskset: failed to get pid ${pid}'s affinity: No such process\n`);
      return 1;
    }
    ctx.out.push(`pid ${pid}'s current affinity ${kind}: ${maskText(t.affinity, list)}\n`);
    if (rest.length === 1) return 0;
    const m = parse(rest[0]);
    if (m === null) return 1;
    if (!setAffinity(ctx, t, m)) return 1;
    ctx.out.push(`pid ${pid}'s new affinity ${kind}: ${maskText(t.affinity, list)}\n`);
    return 0;
  }
  if (rest.length < 2) {
    ctx.err.push(`taskset: bad usage\n${TRY}`);
    return 1;
  }
  const m = parse(rest[0]);
  if (m === null) return 1;
  // Hoplab runs the command in the caller's task, where Linux forks: the caller gets its CPUs back
  const self = ctx.task instanceof Task ? ctx.task : undefined;
  const before = self?.affinity;
  if (self !== undefined && !setAffinity(ctx, self, m)) return 1;
  try {
    const cmd = rest.slice(1);
    if (!isCommand(cmd[0])) {
      ctx.err.push(`taskset: failed to execute ${cmd[0]}: No such file or directory\n`);
      return 127;
    }
    return yield* runArgv(ctx, cmd);
  } finally {
    if (self !== undefined && before !== undefined) setAffinity(ctx, self, before);
  }
}

/** sched_setaffinity(): the CPUs of the mask that the machine has; EINVAL when there are none. */
function setAffinity(ctx: Ctx, t: Task, mask: number): boolean {
  const m = mask & ALL_CPUS;
  if (m === 0) {
    ctx.err.push(`taskset: failed to set pid ${t.pid}'s affinity: Invalid argument\n`);
    return false;
  }
  t.affinity = m;
  // the task runs on its new CPU from now on
  if (ctx.world.tasks.current === t) ctx.world.cpu = t.cpu;
  return true;
}

export const tasksetCommand: CommandSpec = { name: 'taskset', kind: 'read', summary: "run a command on some of the CPUs, or show and change a task's", learn: 'taskset --help', run: taskset };
