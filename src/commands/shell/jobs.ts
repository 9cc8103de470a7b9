/**
 * Job control builtins: wait, jobs, kill. Background jobs run to completion when started (until
 * commands run on the virtual clock), so `wait` has nothing left to wait for.
 */
import type { Builtin } from './interp';
import { ShellError } from './errors';

const SIGNAL_NAMES = ['0', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', '16', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS'];

/** `kill -l` as dash prints it (numbers 32 and up are the real-time signals). */
function signalList(): string {
  const rt = ['32', '33', 'RTMIN', ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`), ...Array.from({ length: 14 }, (_, i) => `RTMAX-${14 - i}`), 'RTMAX'];
  return [...SIGNAL_NAMES, ...rt].join('\n') + '\n';
}

const wait: Builtin = function* (it, argv) {
  const sh = it.sh;
  if (argv.length === 1) return 0;
  let status = 0;
  for (const a of argv.slice(1)) {
    const job = /^%\d+$/.test(a) ? sh.jobs.find((j) => j.id === Number(a.slice(1))) : sh.jobs.find((j) => String(j.pid) === a);
    status = job ? (job.status ?? 0) : 127;
  }
  return status;
};

const jobs: Builtin = function* () {
  return 0;
};

const kill: Builtin = function* (it, argv, fds) {
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
  let i = 0;
  if (args[0] === '-s') {
    if (args.length < 2) {
      it.complain(fds, 'kill: No arg for -s option', 'kill: -s: option requires an argument');
      return 2;
    }
    i = 2;
  } else if (args[0]?.startsWith('-') && args[0] !== '--') {
    const sig = args[0].slice(1);
    if (!/^\d+$/.test(sig) && !SIGNAL_NAMES.includes(sig.replace(/^SIG/, ''))) {
      it.complain(fds, `kill: Illegal option ${args[0].slice(0, 2)}`, `kill: ${sig}: invalid signal specification`);
      return 2;
    }
    i = 1;
  }
  const targets = args.slice(i);
  if (targets.length === 0) return usage();
  let status = 0;
  for (const t of targets) {
    if (t.startsWith('%')) {
      it.complain(fds, `kill: No such job: ${t}`, `kill: ${t}: no such job`);
      status = sh.dialect === 'sh' ? 2 : 1;
      continue;
    }
    if (!/^-?\d+$/.test(t)) {
      if (sh.dialect === 'sh') throw new ShellError(`kill: Illegal number: ${t}`, '', 2, false);
      it.complain(fds, '', `kill: ${t}: arguments must be process or job IDs`);
      status = 1;
      continue;
    }
    it.complain(fds, 'kill: No such process\n', `kill: (${t}) - No such process`);
    status = 1;
  }
  return status;
};

export const jobBuiltins: Record<string, Builtin> = { wait, jobs, kill };
