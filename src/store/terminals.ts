/**
 * Terminal slice: one shell per host, opened from the host on the canvas.
 *
 * Each session keeps its scrollback as a list of chunks (plain data, so it survives a reload through
 * the app's persist middleware) and its own bash-like history. Every command line goes through the
 * lab slice's `run(on, line)` — the same command layer the scenario runner uses — except the few
 * things a shell or a long-running program does itself: `clear`, `history`, `exit`, and `tcpdump`,
 * which puts the terminal in a capturing mode until -c N frames were seen or Ctrl+C.
 *
 * The xterm adapter (src/ui/terminal) owns line editing and draws what the user types; it writes
 * the chunks it did not draw itself. A chunk's `echo` is the prompt and the command line, `data` is
 * the output; `local` says the echo is already on screen (typed there).
 */
import type { StateCreator } from 'zustand';
import type { TraceEvent } from '../engine/sim/trace';
import type { WorldSnapshot } from '../engine/snapshot';
import {
  ANY_DEV,
  compileFilter,
  formatCaptured,
  framesOnDev,
  RECENT_FRAMES,
  parseTcpdumpArgs,
  tcpdumpBanner,
  tcpdumpDeviceDown,
  tcpdumpNoSuchDevice,
  tcpdumpSummary,
  type FrameFilter,
} from '../commands/tcpdump';
import { tokenize, type CommandResult, type Job } from '../commands';
import type { AppState } from './index';
import { Pacer } from './realtime';

/** bash's `\u@\h:\w\$ ` as root at home: `hostname` is the machine's (a pod's is the pod's name, as kubelet sets it). */
export const promptFor = (hostname: string): string => `root@${hostname}:~# `;

/** Scrollback kept per terminal (chunks), and history entries kept per host. */
export const MAX_CHUNKS = 400;
export const MAX_HISTORY = 500;

export interface TermChunk {
  id: number;
  /** prompt + command line + newline ("" for output that no command line produced, e.g. capture lines) */
  echo: string;
  /** output, "\n"-separated */
  data: string;
  /** the echo was drawn by the terminal while the user typed it */
  local: boolean;
  /** clear the screen before this chunk (the `clear` command, Ctrl+L) */
  clear?: boolean;
}

/** A running `tcpdump` in a terminal. Plain data: the filter is kept as text and compiled on use. */
export interface TerminalCapture {
  netns: string;
  dev: string;
  count: number | null;
  captured: number;
  /** the last frames printed (frameKey), so one handed over twice in two slices prints once */
  recent: string[];
  link: boolean;
  verbose: boolean;
  expression: string;
}

export interface TerminalSession {
  host: string;
  chunks: TermChunk[];
  history: string[];
  capture: TerminalCapture | null;
  /** a command line is running in the foreground (typed lines wait; Ctrl+C interrupts it) */
  running?: boolean;
}

export interface SubmitOptions {
  /** the line was typed in the terminal, which already shows it (default true) */
  local?: boolean;
}

export interface TerminalSlice {
  /** sessions by host, including closed ones (their history is kept) */
  terminals: Record<string, TerminalSession>;
  /** hosts whose terminal is open, in tab order */
  openTerminals: string[];
  activeTerminal: string | null;
  openTerminal: (host: string) => void;
  closeTerminal: (host: string) => void;
  /** Run a command line in a host's terminal, as if typed there (opens the terminal if needed). */
  submitLine: (host: string, line: string, opts?: SubmitOptions) => void;
  /** Ctrl+C: abandon the line being typed, interrupt the running command (SIGINT), or stop a running tcpdump. */
  interruptTerminal: (host: string, pending: string) => void;
  clearTerminal: (host: string) => void;
  /** The prompt of a host's terminal: its own hostname (a cluster pod's is its name, not its `cni-…` netns). */
  promptOf: (host: string) => string;
  /** Hand trace events (frames that really happened) to running tcpdumps. */
  feedTerminalCaptures: (events: readonly TraceEvent[]) => void;
}

const newSession = (host: string): TerminalSession => ({ host, chunks: [], history: [], capture: null });

function nextChunkId(s: TerminalSession): number {
  return s.chunks.length ? s.chunks[s.chunks.length - 1].id + 1 : 1;
}

/** Append a chunk; `clear` drops the scrollback before it. */
export function appendChunk(s: TerminalSession, chunk: Omit<TermChunk, 'id'>): TerminalSession {
  const id = nextChunkId(s);
  const kept = chunk.clear ? [] : s.chunks.slice(-(MAX_CHUNKS - 1));
  return { ...s, chunks: [...kept, { ...chunk, id }] };
}

/** bash with HISTCONTROL=ignoreboth: skip lines starting with a space and repeats of the last line. */
export function addHistory(history: readonly string[], line: string): string[] {
  if (line.trim() === '' || /^\s/.test(line)) return history as string[];
  if (history[history.length - 1] === line) return history as string[];
  return [...history, line].slice(-MAX_HISTORY);
}

/** bash's `history`: "%5d  %s" per entry. */
export function formatHistory(history: readonly string[]): string {
  return history.map((h, i) => `${String(i + 1).padStart(5)}  ${h}\n`).join('');
}

const filterCache = new Map<string, FrameFilter>();
function filterOf(expression: string): FrameFilter {
  let f = filterCache.get(expression);
  if (!f) {
    f = compileFilter(expression ? expression.split(/\s+/) : []);
    filterCache.set(expression, f);
  }
  return f;
}

/**
 * Feed frames into a running capture: the lines it prints, and the session after (capture ended when
 * -c N was reached). Pure.
 */
export function feedCapture(s: TerminalSession, events: readonly TraceEvent[]): TerminalSession {
  const cap = s.capture;
  if (!cap) return s;
  const filter = filterOf(cap.expression);
  let captured = cap.captured;
  let out = '';
  const seen = new Set(cap.recent);
  for (const frame of framesOnDev(events, cap.netns, cap.dev, seen)) {
    if (cap.count !== null && captured >= cap.count) break;
    if (!frame.event.packet || !filter(frame.event.packet)) continue;
    const line = formatCaptured(frame, { link: cap.link, verbose: cap.verbose, any: cap.dev === ANY_DEV });
    if (line === null) continue;
    out += line + '\n';
    captured++;
  }
  if (captured === cap.captured) return s;
  const done = cap.count !== null && captured >= cap.count;
  const data = done ? out + tcpdumpSummary(captured) : out;
  const next = appendChunk(s, { echo: '', data, local: false });
  return { ...next, capture: done ? null : { ...cap, captured, recent: [...seen].slice(-RECENT_FRAMES) } };
}

type Tokens = string[];

/**
 * A tcpdump invocation, possibly under `ip netns exec NAME`: [netns, argv] or null. Words are split
 * by the shell's tokenizer (quotes work: `tcpdump -i eth0 'icmp or arp'`); a list or pipeline is
 * left to the shell.
 */
export function tcpdumpInvocation(host: string, line: string): [string, Tokens] | null {
  if (!/\btcpdump\b/.test(line) || /[|<>`$]/.test(line)) return null;
  const parsed = tokenize(line);
  if (!parsed.ok || parsed.list.length !== 1) return null;
  const t = parsed.list[0].argv;
  if (t[0] === 'tcpdump') return [host, t.slice(1)];
  if (t[0] === 'ip' && t[1] === 'netns' && t[2] === 'exec' && t[3] && t[4] === 'tcpdump') return [t[3], t.slice(5)];
  return null;
}

/** Start a tcpdump: the banner or an error, and the capture to run. */
export function startTcpdump(
  snapshot: WorldSnapshot | null | undefined,
  netns: string,
  argv: Tokens,
): { out: string; exit: number; capture: TerminalCapture | null } {
  const parsed = parseTcpdumpArgs(argv);
  if (!parsed.ok) return { out: (parsed.stdout ?? '') + parsed.stderr, exit: parsed.exit, capture: null };
  const ns = snapshot?.netns.find((n) => n.name === netns);
  if (!ns) return { out: `Cannot open network namespace "${netns}": No such file or directory\n`, exit: 1, capture: null };
  const { opts } = parsed;
  let dev = opts.iface;
  if (dev === null) {
    const first = ns.devs.find((d) => d.kind !== 'loopback' && d.adminUp);
    if (!first) return { out: 'tcpdump: no suitable device found\n', exit: 1, capture: null };
    dev = first.name;
  }
  const d = ns.devs.find((x) => x.name === dev);
  if (dev !== ANY_DEV) {
    if (!d) return { out: tcpdumpNoSuchDevice(dev), exit: 1, capture: null };
    if (!d.adminUp) return { out: tcpdumpDeviceDown(dev), exit: 1, capture: null };
  }
  return {
    out: tcpdumpBanner(dev, opts.verbose),
    exit: 0,
    capture: { netns, dev, count: opts.count, captured: 0, recent: [], link: opts.link, verbose: opts.verbose, expression: opts.expression },
  };
}

/** A command line running in a terminal, pumped frame by frame. */
interface Running {
  job: Job;
  line: string;
  /** the lab's version when it started (what it changed is recorded when it ends) */
  before: number;
  pacer: Pacer;
  /** output of an unfinished line, held until its newline (or the end) */
  tail: string;
  /** trace events already handed to the captures */
  fed: number;
  /** the prompt and command line, until the first output is shown with it */
  echo: string | null;
  local: boolean;
}

export const createTerminalSlice: StateCreator<AppState, [], [], TerminalSlice> = (set, get) => {
  const session = (host: string): TerminalSession => get().terminals[host] ?? newSession(host);
  const put = (s: TerminalSession) => set({ terminals: { ...get().terminals, [s.host]: s } });
  const running = new Map<string, Running>();
  const prompt = (host: string) => promptFor(get().world.netns(host)?.hostname ?? host);

  /** Show output as it comes: whole lines now, a partial line when it is finished or the job ends. */
  const stream = (host: string, r: Running, final: boolean) => {
    const text = r.tail + r.job.takeOutput();
    const cut = final ? text.length : text.lastIndexOf('\n') + 1;
    r.tail = text.slice(cut);
    if (cut === 0 && r.echo === null) return;
    put(appendChunk(session(host), { echo: r.echo ?? '', data: text.slice(0, cut), local: r.echo !== null && r.local }));
    r.echo = null;
  };

  /** The job is over: record what it did, as `run` does, and show its trace. */
  const finishJob = (host: string, line: string, job: Job, before: number) => finishResult(host, line, job.finish(), before);
  const finishResult = (host: string, line: string, result: CommandResult, before: number) => {
    get().completeRun(host, line, result, { before });
    if (result.trace.length > 0) {
      // frames that really crossed devices: running captures print them (idempotent by event)
      get().ingestTrace(result.trace);
      if (get().trace.events !== result.trace) get().showTrace(result.trace, { on: host, line });
    }
  };

  /** One slice of a running command: the world up to where real time says, a few ms of CPU at most. */
  const pump = (host: string) => {
    const r = running.get(host);
    if (!r) return;
    const { job, pacer } = r;
    if (job.world !== get().world) {
      // the lab was rebuilt under the command (undo, redo, load): it goes with the old lab
      running.delete(host);
      stream(host, r, true);
      put({ ...appendChunk(session(host), { echo: '', data: '[Hoplab: the lab was rebuilt (undo, redo or a new lab), so this command stopped]\n', local: false }), running: false });
      return;
    }
    const target = pacer.target();
    job.pump(target, pacer.sliceOver());
    if (job.world.now < target && !job.done) pacer.fellBehind(job.world.now);
    // frames seen so far go to running captures as they happen
    const events = job.trace.events;
    if (events.length > r.fed) {
      get().ingestTrace(events.slice(r.fed));
      r.fed = events.length;
    }
    if (!job.done) {
      stream(host, r, false);
      if (!session(host).running) put({ ...session(host), running: true });
      get().realTime?.later(() => pump(host));
      return;
    }
    running.delete(host);
    stream(host, r, true);
    put({ ...session(host), running: false });
    finishJob(host, r.line, job, r.before);
  };

  return {
    terminals: {},
    openTerminals: [],
    activeTerminal: null,

    openTerminal: (host) => {
      const { openTerminals, terminals } = get();
      set({
        terminals: terminals[host] ? terminals : { ...terminals, [host]: newSession(host) },
        openTerminals: openTerminals.includes(host) ? openTerminals : [...openTerminals, host],
        activeTerminal: host,
      });
    },

    closeTerminal: (host) => {
      const r = running.get(host);
      if (r) {
        // closing a terminal hangs up on its command: it ends now, and what it did is kept
        running.delete(host);
        r.job.interrupt();
        r.job.runToEnd();
        finishJob(host, r.line, r.job, r.before);
      }
      const { openTerminals, activeTerminal, terminals } = get();
      const i = openTerminals.indexOf(host);
      if (i < 0) return;
      const rest = openTerminals.filter((h) => h !== host);
      const s = terminals[host];
      set({
        openTerminals: rest,
        activeTerminal: activeTerminal === host ? (rest[Math.min(i, rest.length - 1)] ?? null) : activeTerminal,
        // a closed shell keeps its history (like ~/.bash_history) but not its screen or a running capture
        terminals: s ? { ...terminals, [host]: { ...s, chunks: [], capture: null, running: false } } : terminals,
      });
    },

    submitLine: (host, line, opts = {}) => {
      const local = opts.local ?? true;
      if (!get().openTerminals.includes(host) || get().activeTerminal !== host) get().openTerminal(host);
      if (session(host).capture || running.has(host)) {
        // a running tcpdump or command owns the terminal: typed lines are ignored until Ctrl+C, but
        // a command sent from elsewhere (a fix button) stops it first, as a student would
        if (local) return;
        get().interruptTerminal(host, '');
        const r = running.get(host);
        if (r) {
          // what the interrupted line still runs (`a; b`) goes on without this terminal
          running.delete(host);
          r.job.runToEnd();
          stream(host, r, true);
          put({ ...session(host), running: false });
          finishJob(host, r.line, r.job, r.before);
        }
      }
      let s = session(host);
      const echo = prompt(host) + line + '\n';
      s = { ...s, history: addHistory(s.history, line) };
      const cmd = line.trim();
      const word = cmd.split(/\s+/)[0];

      if (cmd === '') return put(appendChunk(s, { echo, data: '', local }));
      if (cmd === 'clear') return put(appendChunk(s, { echo: '', data: '', local, clear: true }));
      if (cmd === 'history') return put(appendChunk(s, { echo, data: formatHistory(s.history), local }));
      if (word === 'exit' || word === 'logout') {
        put(appendChunk(s, { echo, data: 'logout\n', local }));
        get().closeTerminal(host);
        return;
      }
      const td = tcpdumpInvocation(host, line);
      if (td) {
        const started = startTcpdump(get().snapshot, td[0], td[1]);
        return put({ ...appendChunk(s, { echo, data: started.out, local }), capture: started.capture });
      }

      put(s); // history first: the line belongs to history even if it fails
      const started = get().startRun(host, line);
      if ('result' in started) {
        put(appendChunk(session(host), { echo, data: started.result.stdout + started.result.stderr, local }));
        finishResult(host, line, started.result, started.before);
        return;
      }
      const { job, before } = started;
      const rt = get().realTime;
      if (!rt) {
        // no real time (tests, headless): the command runs to its end now
        job.runToEnd();
        put(appendChunk(session(host), { echo, data: job.takeOutput(), local }));
        finishJob(host, line, job, before);
        return;
      }
      running.set(host, { job, line, before, pacer: new Pacer(rt, job.world.now), tail: '', fed: 0, echo, local });
      pump(host);
    },

    interruptTerminal: (host, pending) => {
      const r = running.get(host);
      if (r) {
        // the terminal echoes ^C where the cursor is; the program's last words follow (ping's statistics)
        r.tail += '^C';
        r.job.interrupt();
        pump(host);
        return;
      }
      const s = session(host);
      if (s.capture) {
        const n = s.capture.captured;
        put({ ...appendChunk(s, { echo: '', data: '^C\n' + tcpdumpSummary(n), local: false }), capture: null });
        return;
      }
      put(appendChunk(s, { echo: prompt(host) + pending + '^C\n', data: '', local: true }));
    },

    promptOf: prompt,

    clearTerminal: (host) => put(appendChunk(session(host), { echo: '', data: '', local: true, clear: true })),

    feedTerminalCaptures: (events) => {
      const { terminals } = get();
      let changed = false;
      const next: Record<string, TerminalSession> = { ...terminals };
      for (const [host, s] of Object.entries(terminals)) {
        if (!s.capture) continue;
        const fed = feedCapture(s, events);
        if (fed !== s) {
          next[host] = fed;
          changed = true;
        }
      }
      if (changed) set({ terminals: next });
    },
  };
};
