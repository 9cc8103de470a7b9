/**
 * A shell's state: variables (exported, read-only), functions, positional parameters, options,
 * the working directory, `$?` and the jobs it started. A subshell (`( … )`, a pipeline stage, a
 * command substitution) works on a copy, so what it changes does not leak back.
 */
import type { World } from '../../engine/world';
import type { Netns } from '../../engine/netns/netns';
import type { Node } from './ast';
import type { Task } from '../../engine/proc/task';
import type { Output } from './io';
import type { Dialect } from './lexer';

export interface Var {
  value: string | undefined;
  exported: boolean;
  readonly: boolean;
}

export interface ShellOptions {
  /** -e: exit on a failing command */
  errexit: boolean;
  /** -u: expanding an unset variable is an error */
  nounset: boolean;
  /** -x: trace commands to stderr */
  xtrace: boolean;
  /** -f: no pathname expansion */
  noglob: boolean;
  /** -C: `>` does not overwrite */
  noclobber: boolean;
  /** -n: read commands, run none */
  noexec: boolean;
}

/** A background job (`cmd &`): its task runs on the virtual clock beside the shell. */
export interface Job {
  id: number;
  pid: number;
  /** the command as `jobs` shows it (`sleep 5 &`) */
  command: string;
  task: Task;
  /** an interactive shell said it is done */
  reported: boolean;
}

/** The environment a step or a terminal starts with (the kernel oracle's, for `sh -c`). */
export const STEP_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C',
  LC_ALL: 'C',
  TERM: 'dumb',
  HOME: '/',
};

export const TERMINAL_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C',
  LC_ALL: 'C',
  TERM: 'xterm-256color',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  SHELL: '/bin/bash',
};

export class ShellState {
  vars = new Map<string, Var>();
  funcs = new Map<string, Node>();
  positional: string[] = [];
  /** $0 */
  arg0: string;
  cwd = '/';
  status = 0;
  opts: ShellOptions = { errexit: false, nounset: false, xtrace: false, noglob: false, noclobber: false, noexec: false };
  /** $$: the shell's process id (a subshell keeps its parent's, as POSIX says) */
  pid: number;
  /** $!: the last background job's process id */
  lastBg: number | null = null;
  jobs: Job[] = [];
  /** the line of the command running now, for dash's `sh: LINE:` */
  line = 1;
  /** depth of loops, functions and subshells, for break/continue/return and runaway recursion */
  loops = 0;
  funcDepth = 0;
  /** inside `( … )`, a pipeline stage or `$( … )`: `exit` ends only this copy */
  subshell = false;
  /** the terminal the running line writes to: background jobs write there (whichever line runs when they print) */
  tty: Output | null = null;
  /** `trap '…' EXIT`: run when the shell exits */
  exitTrap: string | null = null;
  umask = 0o022;

  constructor(
    readonly world: World,
    public ns: Netns,
    readonly dialect: Dialect,
    readonly interactive: boolean,
    env: Record<string, string>,
    pid: number,
  ) {
    this.arg0 = dialect === 'bash' ? 'bash' : 'sh';
    this.pid = pid;
    for (const [k, v] of Object.entries(env)) this.vars.set(k, { value: v, exported: true, readonly: false });
    this.setVar('IFS', ' \t\n');
    this.setVar('PS1', dialect === 'bash' ? '\\s-\\v\\$ ' : '$ ');
    this.setVar('PS2', '> ');
    this.setVar('PS4', '+ ');
    this.setVar('OPTIND', '1');
  }

  get(name: string): string | undefined {
    return this.vars.get(name)?.value;
  }

  /** Set a variable; false when it is read-only. */
  setVar(name: string, value: string, opts: { export?: boolean } = {}): boolean {
    const v = this.vars.get(name);
    if (v?.readonly) return false;
    if (v) {
      v.value = value;
      if (opts.export) v.exported = true;
    } else this.vars.set(name, { value, exported: opts.export ?? false, readonly: false });
    return true;
  }

  unset(name: string): boolean {
    const v = this.vars.get(name);
    if (v?.readonly) return false;
    this.vars.delete(name);
    return true;
  }

  /** The exported variables, as a program started from this shell sees its environment. */
  environment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of this.vars) if (v.exported && v.value !== undefined) env[k] = v.value;
    return env;
  }

  /** A copy for a subshell: its own variables, options and directory. */
  fork(): ShellState {
    const c = Object.create(ShellState.prototype) as ShellState;
    Object.assign(c, this);
    c.vars = new Map([...this.vars].map(([k, v]) => [k, { ...v }]));
    c.funcs = new Map(this.funcs);
    c.positional = [...this.positional];
    c.opts = { ...this.opts };
    c.jobs = [];
    c.subshell = true;
    return c;
  }
}
