/**
 * Lesson slice: the open lesson, the student's progress through it, and what the lab showed.
 *
 * The current step is checked against the live lab after every change (a new snapshot) and every
 * ping (`noteCommand`, called by the lab slice for each command run). Completed steps and lessons
 * are announced as numbered events (`lessonEvent`), and every command as `lastCommand`, so the
 * embed widget's API can report them without reaching into the lab.
 */
import type { StateCreator } from 'zustand';
import type { CommandResult } from '../commands/types';
import {
  checkLesson,
  fitProgress,
  freshProgress,
  observePing,
  predict as predictStep,
  revealHint,
  type Lesson,
  type LessonIssue,
  type LessonProgress,
  type PingObservation,
} from '../scenarios/lessons';
import type { AppState, AppStore } from './index';
import type { KeyValueStorage } from './persist';
import type { LabDoc } from './doc';

export interface CommandEvent {
  seq: number;
  on: string;
  line: string;
  exit: number;
  stdout: string;
  stderr: string;
  /** what a ping in this command did, read from its trace */
  ping: PingObservation | null;
}

export type LessonEvent =
  | { seq: number; kind: 'stepCompleted'; lessonId: string; stepId: string; index: number; title: string }
  | { seq: number; kind: 'lessonCompleted'; lessonId: string; title: string }
  | { seq: number; kind: 'answered'; lessonId: string; stepId: string; answer: string; actual: string; correct: boolean };

export interface LessonSlice {
  lesson: Lesson | null;
  /** the open lesson is one of the built-in ones (saved by id), not a file or a link (saved whole) */
  lessonBuiltin: boolean;
  lessonProgress: LessonProgress;
  /** why the current step is not done yet */
  lessonDetail: string;
  /** pings observed since the current step began (or since its prediction) */
  lessonPings: PingObservation[];
  /** problems of the last lesson file that could not be opened */
  lessonIssues: { source: string; issues: LessonIssue[] } | null;
  lastCommand: CommandEvent | null;
  lessonEvent: LessonEvent | null;

  /** Open a lesson; `loadLab` (default true) replaces the lab with the lesson's starting lab. */
  openLesson: (lesson: Lesson, opts?: { loadLab?: boolean; progress?: LessonProgress | null; builtin?: boolean }) => void;
  closeLesson: () => void;
  /** Start the lesson over: progress forgotten, its lab loaded again. */
  resetLesson: () => void;
  revealLessonHint: (stepId: string) => void;
  predictLesson: (stepId: string, answer: string) => void;
  /** Type the current step's solution into the terminals, line by line. */
  applyLessonSolution: (stepId: string) => void;
  setLessonIssues: (v: LessonSlice['lessonIssues']) => void;
  /** Called for every command the lab ran: notes pings, checks the lesson. */
  noteCommand: (on: string, line: string, result: CommandResult) => void;
  checkLessonNow: () => void;
}

/** Omit over each member of a union. */
type EventBody = LessonEvent extends infer E ? (E extends LessonEvent ? Omit<E, 'seq'> : never) : never;

let eventSeq = 0;
let pingSeq = 0;

/** The document of a lesson's starting lab. */
export function lessonLabDoc(lesson: Lesson, presetDoc: (name: string) => LabDoc): LabDoc {
  if ('preset' in lesson.lab) return presetDoc(lesson.lab.preset);
  const sc = lesson.lab.scenario;
  return { title: lesson.title, preset: sc.preset ?? null, base: structuredClone(sc), ops: [], positions: {} };
}

export const createLessonSlice =
  (presetDoc: (name: string) => LabDoc): StateCreator<AppState, [], [], LessonSlice> =>
  (set, get) => {
    const emit = (events: EventBody[]) => {
      for (const e of events) set({ lessonEvent: { ...e, seq: ++eventSeq } as LessonEvent });
    };

    const check = () => {
      const { lesson, lessonProgress, lessonPings, world, snapshot } = get();
      if (!lesson) return;
      const before = lessonProgress;
      const a = checkLesson(world, lesson, before, lessonPings, snapshot);
      const changed = a.progress !== before;
      set({ lessonDetail: a.detail, ...(changed ? { lessonProgress: a.progress } : {}), ...(a.completed.length ? { lessonPings: [] } : {}) });
      const events: EventBody[] = [];
      for (const [stepId, rec] of Object.entries(a.progress.predictions)) {
        if (rec.actual !== undefined && before.predictions[stepId]?.actual === undefined) {
          events.push({ kind: 'answered', lessonId: lesson.id, stepId, answer: rec.answer, actual: rec.actual, correct: rec.answer === rec.actual });
        }
      }
      for (const stepId of a.completed) {
        const index = lesson.steps.findIndex((s) => s.id === stepId);
        events.push({ kind: 'stepCompleted', lessonId: lesson.id, stepId, index, title: lesson.steps[index].title });
      }
      if (a.completed.length && a.progress.step === lesson.steps.length) events.push({ kind: 'lessonCompleted', lessonId: lesson.id, title: lesson.title });
      emit(events);
    };

    return {
      lesson: null,
      lessonBuiltin: false,
      lessonProgress: freshProgress(),
      lessonDetail: '',
      lessonPings: [],
      lessonIssues: null,
      lastCommand: null,
      lessonEvent: null,

      openLesson: (lesson, opts = {}) => {
        if (opts.loadLab ?? true) {
          const r = get().loadDoc(lessonLabDoc(lesson, presetDoc), `Lesson: ${lesson.title}`);
          if (!r.ok) return;
          // a Kubernetes lesson's lab waits for the cluster code: the lesson opens over it once it is built
          if (r.later) {
            void r.later.then((l) => l.ok && get().openLesson(lesson, { ...opts, loadLab: false }));
            return;
          }
        }
        set({ lesson, lessonBuiltin: opts.builtin ?? false, lessonProgress: opts.progress ? fitProgress(lesson, opts.progress) : freshProgress(), lessonPings: [], lessonIssues: null, lessonDetail: '' });
        check();
      },
      closeLesson: () => set({ lesson: null, lessonProgress: freshProgress(), lessonPings: [], lessonDetail: '' }),
      resetLesson: () => {
        const lesson = get().lesson;
        if (lesson) get().openLesson(lesson, { loadLab: true, progress: null, builtin: get().lessonBuiltin });
      },
      revealLessonHint: (stepId) => {
        const { lesson, lessonProgress } = get();
        if (lesson) set({ lessonProgress: revealHint(lesson, lessonProgress, stepId) });
      },
      predictLesson: (stepId, answer) => {
        const { lesson, lessonProgress } = get();
        if (!lesson) return;
        const next = predictStep(lesson, lessonProgress, stepId, answer);
        if (next === lessonProgress) return;
        // only pings run after the prediction can reveal it
        set({ lessonProgress: next, lessonPings: [] });
        check();
      },
      applyLessonSolution: (stepId) => {
        const step = get().lesson?.steps.find((s) => s.id === stepId);
        for (const line of step?.solution ?? []) get().submitLine(line.on, line.run, { local: false });
      },
      setLessonIssues: (v) => set({ lessonIssues: v }),
      noteCommand: (on, line, result) => {
        const ping = observePing(line, result.trace, ++pingSeq);
        set({ lastCommand: { seq: pingSeq, on, line, exit: result.exit, stdout: result.stdout, stderr: result.stderr, ping } });
        if (ping && get().lesson) {
          set({ lessonPings: [...get().lessonPings, ping].slice(-20) });
          check();
        }
      },
      checkLessonNow: check,
    };
  };

/** Check the lesson whenever the lab changes (edits, undo, a new lab). */
export function watchLessonLab(store: AppStore): () => void {
  return store.subscribe((s, prev) => {
    if (s.lesson && s.snapshot !== prev.snapshot) s.checkLessonNow();
  });
}

/* ---------------- saved progress ---------------- */

export const LESSON_PROGRESS_PREFIX = 'hoplab.lesson.progress.v1.';
export const CURRENT_LESSON_KEY = 'hoplab.lesson.current.v1';

/** Which lesson was open: a built-in one by id, or a lesson opened from a file or URL, whole. */
export type SavedLessonRef = { builtin: string } | { lesson: Lesson };

export function loadProgress(storage: KeyValueStorage | null, id: string): LessonProgress | null {
  try {
    const raw = storage?.getItem(LESSON_PROGRESS_PREFIX + id);
    if (!raw) return null;
    const p = JSON.parse(raw) as Partial<LessonProgress>;
    if (!Array.isArray(p.done) || !p.done.every((x) => typeof x === 'string')) return null;
    const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
    return { step: 0, done: p.done, hints: obj(p.hints) as LessonProgress['hints'], predictions: obj(p.predictions) as LessonProgress['predictions'] };
  } catch {
    return null;
  }
}

export function loadCurrentLesson(storage: KeyValueStorage | null): SavedLessonRef | null {
  try {
    const raw = storage?.getItem(CURRENT_LESSON_KEY);
    return raw ? (JSON.parse(raw) as SavedLessonRef) : null;
  } catch {
    return null;
  }
}

/**
 * Save the open lesson and its progress whenever they change: a built-in lesson by id, one opened
 * from a file or a link whole (validated again when it is restored).
 */
export function persistLessons(store: AppStore, storage: KeyValueStorage | null): () => void {
  const write = (key: string, value: string | null) => {
    try {
      if (value === null) storage?.removeItem(key);
      else storage?.setItem(key, value);
    } catch {
      // storage full or disabled: progress is a convenience
    }
  };
  return store.subscribe((s, prev) => {
    if (s.lesson !== prev.lesson) {
      write(CURRENT_LESSON_KEY, s.lesson ? JSON.stringify(s.lessonBuiltin ? { builtin: s.lesson.id } : { lesson: s.lesson }) : null);
    }
    if (s.lesson && s.lessonProgress !== prev.lessonProgress) write(LESSON_PROGRESS_PREFIX + s.lesson.id, JSON.stringify(s.lessonProgress));
  });
}
