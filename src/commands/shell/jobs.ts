/**
 * Job control builtins on the virtual clock: `wait` suspends the shell until its background tasks
 * exit, `jobs` lists them as bash does, `kill` signals a job (%N) or a process id. An interactive
 * bash also says which jobs finished before the next prompt (`[1]+  Done    sleep 1`).
 */
import { signalStatus, SIGNALS, waitUntil, type Signal, type Task } from '../../engine/proc/task';
import type { Builtin, Interp } from './interp';
import { ShellError } from './errors';
import type { Fds } from './io';
import type { Job, ShellState } from './state';
import type { Co } from './expand';

const SIGNAL_NAMES = ['0', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', '16', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS'];

/** `kill -l` as dash prints it (numbers 32 and up are the real-time signals). */
function signalList(): string {
  const rt = ['32', '33', 'RTMIN', ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`), ...Array.from({ length: 14 }, (_, i) => `RTMAX-${14 - i}`), 'RTMAX'];
  return [...SIGNAL_NAMES, ...rt].join('\n') + '\n';
}

/** The status a shell reports for a finished task. */
export const jobStatus = (t: Task): number => (t.killedBy ? signalStatus(t.killedBy) : (t.exitCode ?? 0));

/** How `jobs` and the Done notice describe a job's state (dash writes `Done(1)`, bash `Exit 1`). */
function stateText(t: Task, dialect: 'sh' | 'bash'): string {
  if (!t.exited) return 'Running';
  if (t.killedBy === 'SIGTERM') return 'Terminated';
  if (t.killedBy === 'SIGKILL') return 'Killed';
  if (t.killedBy === 'SIGINT') return 'Interrupt';
  if (!t.exitCode) return 'Done';
  return dialect === 'sh' ? `Done(${t.exitCode})` : `Exit ${t.exitCode}`;
}

/**
 * A line of `jobs`: bash's `[1]+  Running                 sleep 5 &`; dash's `[1] + Running`
 * padded to column 33, without the command (dash keeps a job's text only with job control).
 */
function jobLine(sh: ShellState, j: Job): string {
  const jobs = sh.jobs;
  const mark = j === jobs[jobs.length - 1] ? '+' : j === jobs[jobs.length - 2] ? '-' : ' ';
  const state = stateText(j.task, sh.dialect);
  if (sh.dialect === 'sh') return `${`[${j.id}] ${mark} ${state}`.padEnd(33)}\n`;
  return `[${j.id}]${mark}  ${state.padEnd(24)}${j.command}\n`;
}

/** Finished jobs an interactive bash announces before its next prompt, dropped from the table once told. */
export function reportDone(sh: ShellState): string {
  let out = '';
  for (const j of sh.jobs) if (j.task.exited && !j.reported) {
    j.reported = true;
    if (sh.interactive && sh.dialect === 'bash') out += jobLine(sh, j).replace(/ &\n$/, '\n');
  }
  sh.jobs = sh.jobs.filter((j) => !j.reported);
  return out;
}

/** Suspend the shell until every task in `tasks` has exited. */
function* waitFor(it: Interp, tasks: Task[]): Co<void> {
  for (const t of tasks) {
    while (!t.exited) {
      t.onExit(() => it.job.task.wake());
      yield waitUntil();
    }
  }
}

function findJob(sh: ShellState, spec: string): Job | undefined {
  if (spec.startsWith('%')) {
    const rest = spec.slice(1);
    if (rest === '' || rest === '%' || rest === '+') return sh.jobs[sh.jobs.length - 1];
    if (rest === '-') return sh.jobs[sh.jobs.length - 2];
    if (/^\d+$/.test(rest)) return sh.jobs.find((j) => j.id === Number(rest));
    return sh.jobs.find((j) => j.command.startsWith(rest));
  }
  return sh.jobs.find((j) => String(j.pid) === spec);
}

const wait: Builtin = function* (it, argv, fds) {
  const sh = it.sh;
  if (argv.length === 1) {
    // the jobs stay in the table (as Done) until `jobs` or the prompt reports them
    yield* waitFor(
      it,
      sh.jobs.map((j) => j.task),
    );
    return 0;
  }
  let status = 0;
  for (const a of argv.slice(1)) {
    const job = findJob(sh, a);
    if (!job) {
      if (a.startsWith('%')) it.complain(fds, `wait: No such job: ${a}`, `wait: ${a}: no such job`);
      else if (sh.dialect === 'bash') it.complain(fds, '', `wait: pid ${a} is not a child of this shell`);
      status = 127;
      continue;
    }
    yield* waitFor(it, [job.task]);
    status = jobStatus(job.task);
    // a job waited for by name is gone: its number can be reused
    sh.jobs = sh.jobs.filter((j) => j !== job);
    // dash names the signal that killed a job it waited for by name (not SIGINT)
    const sig = job.task.killedBy;
    if (sh.dialect === 'sh' && sig && sig !== 'SIGINT') it.write(fds, 2, sig === 'SIGKILL' ? 'Killed\n' : 'Terminated\n');
  }
  return status;
};

/** `jobs`: bash lists oldest first, dash newest first; a finished job is dropped once listed. */
const jobs: Builtin = function* (it, _argv, fds) {
  const sh = it.sh;
  let text = '';
  const order = sh.dialect === 'sh' ? [...sh.jobs].reverse() : [...sh.jobs];
  for (const j of order) {
    text += jobLine(sh, j);
    if (j.task.exited) sh.jobs = sh.jobs.filter((x) => x !== j);
  }
  return it.write(fds, 1, text) || text === '' ? 0 : 1;
};

/** Signals Hoplab can deliver to a task, by the names and numbers kill takes. */
function parseSignal(s: string): Signal | 'other' | null {
  const name = s.toUpperCase().replace(/^SIG/, '');
  const n = /^\d+$/.test(name) ? Number(name) : SIGNAL_NAMES.indexOf(name);
  if (n < 0 || n >= SIGNAL_NAMES.length) return null;
  const known = (Object.entries(SIGNALS) as [Signal, number][]).find(([, num]) => num === n);
  return known ? known[0] : 'other';
}

function* kill(it: Interp, argv: string[], fds: Fds): Co<number> {
  const sh = it.sh;
  const usage = () => {
    it.complain(fds, 'kill: Usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]', 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]');
    return 2;
  };
  const args = argv.slice(1);
  if (args[0] === '-l') {
    if (args.length === 1) return it.write(fds, 1, signalList()) ? 0 : 1;
    let out = '';
    for (const a of args.slice(1)) {
      const n = Number(a);
      out += `${SIGNAL_NAMES[n > 128 ? n - 128 : n] ?? a}\n`;
    }
    return it.write(fds, 1, out) ? 0 : 1;
  }
  let sig: Signal | 'other' = 'SIGTERM';
  let i = 0;
  if (args[0] === '-s' || args[0] === '-n') {
    if (args.length < 2) {
      it.complain(fds, 'kill: No arg for -s option', `kill: ${args[0]}: option requires an argument`);
      return 2;
    }
    const s = parseSignal(args[1]);
    if (!s) {
      it.complain(fds, `kill: invalid signal number or name: ${args[1]}`, `kill: ${args[1]}: invalid signal specification`);
      return sh.dialect === 'sh' ? 2 : 1;
    }
    sig = s;
    i = 2;
  } else if (args[0]?.startsWith('-') && args[0] !== '--') {
    const s = parseSignal(args[0].slice(1));
    if (!s) {
      it.complain(fds, `kill: Illegal option ${args[0].slice(0, 2)}`, `kill: ${args[0].slice(1)}: invalid signal specification`);
      return sh.dialect === 'sh' ? 2 : 1;
    }
    sig = s;
    i = 1;
  } else if (args[0] === '--') i = 1;
  const targets = args.slice(i);
  if (targets.length === 0) return usage();
  let status = 0;
  for (const t of targets) {
    let pid: number;
    if (t.startsWith('%')) {
      const job = findJob(sh, t);
      if (!job) {
        it.complain(fds, `kill: No such job: ${t}`, `kill: ${t}: no such job`);
        status = sh.dialect === 'sh' ? 2 : 1;
        continue;
      }
      if (sh.dialect === 'sh' && !sh.interactive) {
        // without job control a job has no process group of its own: dash's kill(-pgid) finds none
        it.complain(fds, 'kill: No such process\n', '');
        status = 1;
        continue;
      }
      pid = job.pid;
    } else {
      if (!/^-?\d+$/.test(t)) {
        if (sh.dialect === 'sh') throw new ShellError(`kill: Illegal number: ${t}`, '', 2, false);
        it.complain(fds, '', `kill: ${t}: arguments must be process or job IDs`);
        status = 1;
        continue;
      }
      pid = Number(t);
    }
    const task = sh.world.tasks.get(pid);
    if (!task || task.exited) {
      it.complain(fds, 'kill: No such process\n', `kill: (${pid}) - No such process`);
      status = 1;
      continue;
    }
    // a signal Hoplab does not model ends a program as SIGTERM would: none of them catch it
    task.signal(sig === 'other' ? 'SIGTERM' : sig);
  }
  return status;
}

export const jobBuiltins: Record<string, Builtin> = { wait, jobs, kill };
