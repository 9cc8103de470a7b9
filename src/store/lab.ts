/**
 * Lab slice: the one place the UI touches the network.
 *
 * It owns the World, a fresh WorldSnapshot after every change, and the lab document that can
 * rebuild the World by replay. Every change goes through here: commands typed in terminals
 * (`run`), edits made with the canvas and inspector (`edit`, atomic: a failing edit changes
 * nothing), and topology operations (`addTopology`: add or delete a machine, a switch, a cable). Components read `snapshot`; nobody keeps
 * a copy of network state.
 */
import type { StateCreator } from 'zustand';
import type { World } from '../engine/world';
import type { WorldSnapshot } from '../engine/snapshot';
import type { CommandResult } from '../commands/types';
import { ensureKube, kubeLoaded, runCommand, startJob, type Job } from '../commands';
import type { RealTime } from './realtime';
import type { AppState } from './index';
import { describeOp, type LabDoc, type LabOp, type XY } from './doc';
import { canRedo, canUndo, emptyHistory, record, redo as historyRedo, undo as historyUndo, type History } from './history';
import { parseLab, serializeLab, type KeyValueStorage } from './persist';
import { applyOp, hasPreset, presetDoc, replay, replayAsync } from './replay';
import { presets } from '../scenarios/presets';
import { needsCluster } from '../scenarios/build';

export type ActivitySource = 'ui' | 'terminal' | 'lab';

/** One line of the activity log: what the UI ran, so students learn the commands. */
export interface ActivityEntry {
  id: number;
  /** namespace the command ran in; null for lab-level actions (load, import, undo) */
  on: string | null;
  /** the command line, or a sentence for actions without a shell equivalent */
  text: string;
  /** true when `text` is a shell command (rendered as code) */
  command: boolean;
  ok: boolean;
  error?: string;
  source: ActivitySource;
}

export type EditStep = { kind: 'cmd'; on: string; run: string; stdin?: string } | Exclude<LabOp, { kind: 'cmd' }>;

/** `later`: the lab is built once the Kubernetes code has loaded (loadDoc of a cluster lab, the first time) */
export type EditResult = { ok: true; results: CommandResult[]; later?: Promise<EditResult> } | { ok: false; error: string; line?: string };

/** The result of a load once the lab is really there (at once, unless it waited for the Kubernetes code). */
export const whenBuilt = (r: EditResult): Promise<EditResult> => (r.ok && r.later ? r.later : Promise.resolve(r));

export interface LabOptions {
  /** document to start with (default: the empty lab) */
  initial?: LabDoc;
  /** where to autosave; null disables autosave (the embed widget, tests) */
  storage?: KeyValueStorage | null;
  storageKey?: string;
  /** the embed widget's read-only mode: edits are refused, terminals still work */
  readonly?: boolean;
  /** `initial` already built (start-up replays it with a progress indicator) */
  initialWorld?: World;
  /** what the storage held when `initial` was read (default: read it now) */
  syncedText?: string | null;
  /** save `initial` at once (start-up replaced an autosave it kept aside) */
  saveNow?: boolean;
  /** real time for terminals (src/store/realtime.ts); without it a command runs to its end at once */
  realTime?: RealTime | null;
}

export interface LabSlice {
  world: World;
  snapshot: WorldSnapshot;
  doc: LabDoc;
  history: History<LabDoc>;
  canUndo: boolean;
  canRedo: boolean;
  readonly: boolean;
  /** real time the terminals follow; null: commands run to their end at once (tests, headless) */
  realTime: RealTime | null;
  selectedHost: string | null;
  /** a LAN switch selected on the canvas (shown in the inspector when no host is selected) */
  selectedLan: string | null;
  activity: ActivityEntry[];
  /** a lab-level message (import error, preset loaded, nothing to undo) */
  notice: { kind: 'error' | 'info'; text: string } | null;
  /** elk's positions for nodes not moved by hand, keyed by canvas node id */
  autoPositions: Record<string, XY>;
  /** bumps when the canvas should fit the view (new lab, relayout) */
  fitRequest: number;

  /** Run a shell line (a terminal, the trace panel's fix button). Records it when the world changed. */
  run: (on: string, line: string, source?: ActivitySource) => CommandResult;
  /** Start a shell line as a job on the lab's world (a terminal pumps it); a job that could not start is its result. */
  startRun: (on: string, line: string) => { job: Job; before: number } | { result: CommandResult; before: number };
  /** Record what a finished line did (as `run` does): the undo step or replay op, the activity, its trace. */
  completeRun: (on: string, line: string, result: CommandResult, how: { before: number; crashed?: boolean; source?: ActivitySource }) => CommandResult;
  /** Run a read-only command (e.g. `sysctl -n …`, a server-side dry run) for display: never recorded; anything it changed is undone. */
  query: (on: string, line: string, stdin?: string) => CommandResult;
  /** Run one or more lines as one atomic UI edit: all succeed, or nothing changes and the error is returned. */
  edit: (on: string, lines: string | string[]) => EditResult;
  /** A topology operation (new host, LAN, cable; deleting a host or a LAN). Atomic like `edit`. */
  addTopology: (op: Exclude<LabOp, { kind: 'cmd' }>) => EditResult;
  /** Several commands and topology operations as one atomic, undoable edit. */
  apply: (steps: EditStep[]) => EditResult;
  selectHost: (name: string | null) => void;
  selectLan: (name: string | null) => void;
  loadPreset: (name: string) => boolean;
  /** Replace the lab with a document (import). On failure the current lab is untouched. */
  loadDoc: (doc: LabDoc, message?: string, details?: string) => EditResult;
  /** loadDoc for a big document: built in slices with a progress indicator, the page responsive meanwhile. */
  loadDocAsync: (doc: LabDoc, message: string) => Promise<EditResult>;
  /** Read a lab file (fetching the schemas on first use) and load it; on failure the current lab is untouched. */
  importLab: (text: string) => Promise<EditResult>;
  exportLab: () => string;
  undo: () => void;
  redo: () => void;
  moveNode: (id: string, pos: XY) => void;
  resetLayout: () => void;
  setAutoPositions: (positions: Record<string, XY>) => void;
  requestFit: () => void;
  setNotice: (notice: LabSlice['notice']) => void;
}

const ACTIVITY_LIMIT = 60;
let activityId = 0;

/**
 * runCommand never throws by contract; if a bug makes it throw anyway, the student sees an error
 * line like a crashed tool would print, and the lab is rebuilt from its document (see callers).
 */
function runSafely(world: World, on: string, line: string, stdin?: string): { result: CommandResult; crashed: boolean } {
  try {
    const result = runCommand(world, on, line, stdin === undefined ? {} : { stdin });
    // a simulator fault inside the line may have left the lab half changed: rebuild it from the document
    return { result, crashed: result.fault === true };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { result: { stdout: '', stderr: `hoplab: internal error: ${message}\n`, exit: 70, trace: [] }, crashed: true };
  }
}

/** The selection, less whatever the new snapshot no longer has (a deleted machine or switch). */
function keptSelection(s: Pick<LabSlice, 'selectedHost' | 'selectedLan'>, snapshot: WorldSnapshot): Pick<LabSlice, 'selectedHost' | 'selectedLan'> {
  return {
    selectedHost: s.selectedHost && snapshot.netns.some((n) => n.name === s.selectedHost) ? s.selectedHost : null,
    selectedLan: s.selectedLan && snapshot.lans.some((l) => l.name === s.selectedLan) ? s.selectedLan : null,
  };
}

function errorOf(r: CommandResult): string {
  return (r.stderr || r.stdout).trim() || `exit status ${r.exit}`;
}

export const createLabSlice =
  (opts: LabOptions = {}): StateCreator<AppState, [], [], LabSlice> =>
  (set, get) => {
    const readonly = opts.readonly ?? false;
    let initialDoc = opts.initial ?? presetDoc('empty');
    let initialWorld: World;
    try {
      initialWorld = opts.initialWorld ?? replay(initialDoc);
    } catch {
      // start-up checks the saved lab before it gets here (src/ui/boot.ts); a caller that did not
      // gets an empty lab rather than a document that does not match the world
      initialDoc = presetDoc('empty');
      initialWorld = replay(initialDoc);
    }

    const log = (entries: Omit<ActivityEntry, 'id'>[]) => {
      const activity = [...get().activity, ...entries.map((e) => ({ ...e, id: ++activityId }))];
      return activity.slice(-ACTIVITY_LIMIT);
    };

    /** Commit a new document whose world is already `world`. */
    const commit = (world: World, doc: LabDoc, checkpoint: boolean, extra: Partial<LabSlice> = {}) => {
      const s = get();
      const history = checkpoint ? record(s.history, s.doc) : s.history;
      const snapshot = world.snapshot();
      const { selectedHost, selectedLan } = keptSelection(s, snapshot);
      set({ world, doc, history, snapshot, selectedHost, selectedLan, canUndo: canUndo(history), canRedo: canRedo(history), ...extra });
      get().persist(doc);
    };

    /**
     * Make `doc` (built as `world`) the lab: saved first, so that a lab the browser cannot store
     * is refused before anything on screen is replaced, and a reload never brings back another lab.
     */
    const install = (doc: LabDoc, world: World, message?: string, details?: string): EditResult => {
      const saved = get().persist(doc, { replacing: true });
      if (saved.kind === 'failed') {
        const error = `This lab cannot be saved in this browser (${saved.error}), so it was not opened: a reload would lose it.`;
        set({ notice: { kind: 'error', text: `${error} Your lab is unchanged.` } });
        return { ok: false, error };
      }
      commit(world, doc, true, {
        selectedHost: null,
        selectedLan: null,
        autoPositions: {},
        fitRequest: get().fitRequest + 1,
        notice: message ? { kind: 'info', text: details ? `${message}. ${details}` : message } : null,
        activity: message ? log([{ on: null, text: message, command: false, ok: true, source: 'lab' }]) : get().activity,
      });
      get().clearTrace();
      return { ok: true, results: [] };
    };

    /** Discard uncommitted changes to the world: rebuild it from the current document. */
    const rollback = () => {
      const world = replay(get().doc);
      set({ world, snapshot: world.snapshot() });
    };

    const refused = (): EditResult => ({ ok: false, error: 'This lab is read-only.' });

    return {
      world: initialWorld,
      snapshot: initialWorld.snapshot(),
      doc: initialDoc,
      history: emptyHistory<LabDoc>(),
      canUndo: false,
      canRedo: false,
      readonly,
      realTime: opts.realTime ?? null,
      selectedHost: null,
      selectedLan: null,
      activity: [],
      notice: null,
      autoPositions: {},
      fitRequest: 0,

      run: (on, line, source = 'terminal') => {
        const { world } = get();
        const before = world.version;
        const { result, crashed } = runSafely(world, on, line);
        return get().completeRun(on, line, result, { before, crashed, source });
      },

      startRun: (on, line) => {
        const { world } = get();
        const before = world.version;
        try {
          return { job: startJob(world, on, line), before };
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          return { result: { stdout: '', stderr: `hoplab: internal error: ${message}\n`, exit: 70, trace: [], fault: true }, before };
        }
      },

      completeRun: (on, line, result, { before, crashed = result.fault === true, source = 'terminal' }) => {
        const { world, doc } = get();
        if (crashed) {
          // a fault may have left the lab half changed: rebuild it from the document
          rollback();
          return result;
        }
        const changed = world.version !== before;
        const entry = source === 'terminal' ? [] : [{ on, text: line, command: true, ok: result.exit === 0, error: result.exit === 0 ? undefined : errorOf(result), source }];
        if (changed) {
          // the registry says whether a command that changed the lab configures it (an undo step) or only probed
          const edit = result.edit === true;
          // a Ctrl+C is replayed at the same virtual time, so the replayed lab is the one the student saw
          const op: LabOp = result.interruptedAt === undefined ? { kind: 'cmd', on, run: line, edit } : { kind: 'cmd', on, run: line, edit, interrupt: result.interruptedAt };
          // probes (ping, traceroute) are kept for faithful replay but are not undo steps
          const nextDoc = { ...doc, ops: [...doc.ops, op] };
          commit(world, nextDoc, edit, { activity: entry.length ? log(entry) : get().activity });
        } else if (entry.length) {
          set({ activity: log(entry) });
        }
        if (result.trace.length > 0) get().showTrace(result.trace, { on, line });
        get().noteCommand(on, line, result);
        return result;
      },

      query: (on, line, stdin) => {
        const { world } = get();
        const before = world.version;
        const { result, crashed } = runSafely(world, on, line, stdin);
        if (crashed || world.version !== before) rollback();
        return result;
      },

      edit: (on, lines) => {
        const list = (Array.isArray(lines) ? lines : [lines]).map((l) => l.trim()).filter(Boolean);
        return get().apply(list.map((run) => ({ kind: 'cmd', on, run })));
      },

      addTopology: (op) => get().apply([op]),

      apply: (steps) => {
        if (get().readonly) return refused();
        const { world, doc } = get();
        const before = world.version;
        const results: CommandResult[] = [];
        const entries: Omit<ActivityEntry, 'id'>[] = [];
        for (const step of steps) {
          const op: LabOp = step.kind === 'cmd' ? { ...step, edit: true } : step;
          const text = describeOp(op);
          const on = step.kind === 'cmd' ? step.on : null;
          let error: string | null = null;
          try {
            const r = applyOp(world, op);
            if (r) {
              results.push(r);
              if (r.exit !== 0) error = errorOf(r);
            }
          } catch (e) {
            error = (e as Error).message;
          }
          if (error !== null) {
            if (world.version !== before) rollback();
            set({ activity: log([...entries, { on, text, command: step.kind === 'cmd', ok: false, error, source: 'ui' }]) });
            return { ok: false, error, line: text };
          }
          entries.push({ on, text, command: step.kind === 'cmd', ok: true, source: 'ui' });
        }
        const ops: LabOp[] = steps.map((step) => (step.kind === 'cmd' ? { ...step, edit: true } : step));
        const activity = log(entries);
        if (world.version !== before) commit(world, { ...doc, ops: [...doc.ops, ...ops] }, true, { activity });
        else set({ activity });
        const trace = results.flatMap((r) => r.trace);
        if (trace.length > 0) {
          const last = steps[steps.length - 1];
          get().showTrace(trace, { on: last.kind === 'cmd' ? last.on : '', line: last.kind === 'cmd' ? last.run : describeOp(last) });
        }
        return { ok: true, results };
      },

      selectHost: (name) => set({ selectedHost: name, selectedLan: null }),
      selectLan: (name) => set({ selectedLan: name, selectedHost: null }),

      loadPreset: (name) => {
        if (!hasPreset(name)) {
          set({ notice: { kind: 'error', text: `There is no lab called "${name}".` } });
          return false;
        }
        const doc = presetDoc(name);
        return get().loadDoc(doc, `Loaded lab: ${doc.title}`, presets[name].description).ok;
      },

      loadDoc: (doc, message, details) => {
        // a cluster lab needs the Kubernetes code: fetched once, the first time, while the lab shows it loading
        if (needsCluster(doc.base) && !kubeLoaded()) {
          set({ loading: { label: `Loading Kubernetes for ${doc.title}`, done: 0, total: 1 } });
          const later = ensureKube().then(
            () => {
              set({ loading: null });
              return get().loadDoc(doc, message, details);
            },
            (e: unknown): EditResult => {
              const error = `This lab could not be built: the Kubernetes code did not load (${(e as Error).message})`;
              set({ notice: { kind: 'error', text: error }, loading: null });
              return { ok: false, error };
            },
          );
          return { ok: true, results: [], later };
        }
        let world: World;
        try {
          world = replay(doc);
        } catch (e) {
          const error = `This lab could not be built: ${(e as Error).message}`;
          set({ notice: { kind: 'error', text: error } });
          return { ok: false, error };
        }
        return install(doc, world, message, details);
      },

      loadDocAsync: async (doc, message) => {
        let world: World;
        set({ loading: { label: `Building ${doc.title}`, done: 0, total: 1 } });
        try {
          world = await replayAsync(doc, (p) => set({ loading: { label: `Building ${doc.title}`, ...p } }));
        } catch (e) {
          const error = `This lab could not be built: ${(e as Error).message}`;
          set({ notice: { kind: 'error', text: error }, loading: null });
          return { ok: false, error };
        }
        set({ loading: null });
        return install(doc, world, message);
      },

      importLab: async (text) => {
        const parsed = await parseLab(text);
        if (!parsed.ok) {
          set({ notice: { kind: 'error', text: `Import failed, your lab is unchanged. ${parsed.error}` } });
          return { ok: false, error: parsed.error };
        }
        const r = await get().loadDocAsync(parsed.doc, `Imported lab: ${parsed.doc.title}`);
        if (!r.ok) set({ notice: { kind: 'error', text: `Import failed, your lab is unchanged. ${r.error}` } });
        return r;
      },

      exportLab: () => serializeLab(get().doc),

      undo: () => {
        const s = get();
        const step = historyUndo(s.history, s.doc);
        if (!step) return;
        restore(step.doc, step.history, 'Undo');
      },

      redo: () => {
        const s = get();
        const step = historyRedo(s.history, s.doc);
        if (!step) return;
        restore(step.doc, step.history, 'Redo');
      },

      moveNode: (id, pos) => {
        if (get().readonly) return;
        const s = get();
        const prev = s.doc.positions[id];
        if (prev && prev.x === pos.x && prev.y === pos.y) return;
        const doc = { ...s.doc, positions: { ...s.doc.positions, [id]: { x: Math.round(pos.x), y: Math.round(pos.y) } } };
        const history = record(s.history, s.doc);
        set({ doc, history, canUndo: true, canRedo: false });
        get().persist(doc);
      },

      resetLayout: () => {
        const s = get();
        if (Object.keys(s.doc.positions).length > 0) {
          const doc = { ...s.doc, positions: {} };
          const history = record(s.history, s.doc);
          set({ doc, history, canUndo: true, canRedo: false });
          get().persist(doc);
        }
        set({ fitRequest: get().fitRequest + 1 });
      },

      setAutoPositions: (positions) => set({ autoPositions: positions }),
      requestFit: () => set({ fitRequest: get().fitRequest + 1 }),
      setNotice: (notice) => set({ notice }),
    };

    function restore(doc: LabDoc, history: History<LabDoc>, verb: string) {
      const s = get();
      const sameNetwork = doc.base === s.doc.base && doc.ops === s.doc.ops;
      let world = s.world;
      if (!sameNetwork) {
        try {
          world = replay(doc);
        } catch (e) {
          set({ notice: { kind: 'error', text: `${verb} failed: ${(e as Error).message}` } });
          return;
        }
      }
      const snapshot = world.snapshot();
      const { selectedHost, selectedLan } = keptSelection(s, snapshot);
      const what = verb === 'Undo' ? describeChange(doc, s.doc) : describeChange(s.doc, doc);
      set({
        world,
        snapshot,
        doc,
        history,
        selectedHost,
        selectedLan,
        canUndo: canUndo(history),
        canRedo: canRedo(history),
        activity: log([{ on: null, text: `${verb}: ${what}`, command: false, ok: true, source: 'lab' }]),
      });
      get().persist(doc);
      // the trace on screen told of a lab that is gone: its packet must not stay on the canvas
      if (!sameNetwork) get().clearTrace();
    }
  };

/** What changed from `before` to `after` (a history step), for "Undo: …" and the undo button's tooltip. */
export function describeChange(before: LabDoc, after: LabDoc): string {
  if (after.base !== before.base) return `load lab ${after.title}`;
  if (after.ops === before.ops || after.ops.length === before.ops.length) {
    return Object.keys(after.positions).length === 0 && Object.keys(before.positions).length > 0 ? 'automatic layout' : 'move a box';
  }
  const added = after.ops.slice(before.ops.length).filter((op) => op.kind !== 'cmd' || op.edit);
  if (added.length === 0) return 'change';
  const first = added[0];
  const text = first.kind === 'cmd' ? `${first.run} on ${first.on}` : describeOp(first);
  return added.length > 1 ? `${text} (+${added.length - 1} more)` : text;
}
