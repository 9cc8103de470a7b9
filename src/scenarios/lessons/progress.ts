/**
 * A student's way through a lesson, as plain data (saved per lesson) and pure transitions.
 *
 * Steps are done in order. The current step is checked after every change to the lab and every
 * ping; when its goal holds it is done and the next one is checked at once (a student who is
 * ahead ticks several steps), except that goals about pings only count pings run since their step
 * began, and a step that asks for a prediction waits for it.
 */
import { checkGoal, goalContext, type GoalResult } from './goals';
import type { World } from '../../engine/world';
import type { WorldSnapshot } from '../../engine/snapshot';
import type { Goal, Lesson, LessonStep } from './types';
import type { PingObservation } from './observe';

export interface PredictionRecord {
  answer: string;
  /** what the trace showed, once a ping ran after the prediction */
  actual?: string;
}

export interface LessonProgress {
  /** index of the current step (steps.length when the lesson is done) */
  step: number;
  done: string[];
  /** hints revealed per step id */
  hints: Record<string, number>;
  predictions: Record<string, PredictionRecord>;
}

export const freshProgress = (): LessonProgress => ({ step: 0, done: [], hints: {}, predictions: {} });

export interface Advance {
  progress: LessonProgress;
  /** ids of the steps this check completed, in order */
  completed: string[];
  /** why the current step is not done yet ('' when the lesson is done) */
  detail: string;
}

/** What the trace says for a prediction: where the packet stopped, or how it ended. */
export function actualFor(step: LessonStep, ping: PingObservation): string {
  return step.predict?.kind === 'verdict' ? ping.outcome : ping.stoppedAt;
}

/**
 * Check the current step (and the ones after it) against the lab. `check` evaluates a goal on the
 * live lab; `pings` are the pings observed since the current step began (or since its prediction).
 */
export function advance(lesson: Lesson, progress: LessonProgress, check: (goal: Goal, pings: readonly PingObservation[]) => GoalResult, pings: readonly PingObservation[]): Advance {
  let p = progress;
  const completed: string[] = [];
  let seen = pings;
  while (p.step < lesson.steps.length) {
    const step = lesson.steps[p.step];
    const prediction = p.predictions[step.id];
    if (step.predict && !prediction) return { progress: p, completed, detail: 'Make your prediction first.' };
    if (step.predict && prediction && prediction.actual === undefined && seen.length > 0) {
      p = { ...p, predictions: { ...p.predictions, [step.id]: { ...prediction, actual: actualFor(step, seen[0]) } } };
    }
    const r = check(step.goal, seen);
    if (!r.ok) return { progress: p, completed, detail: r.detail };
    completed.push(step.id);
    p = { ...p, step: p.step + 1, done: [...p.done, step.id] };
    // the next step begins now: the pings so far belonged to this one
    seen = [];
  }
  return { progress: p, completed, detail: '' };
}

export function revealHint(lesson: Lesson, progress: LessonProgress, stepId: string): LessonProgress {
  const step = lesson.steps.find((s) => s.id === stepId);
  const shown = progress.hints[stepId] ?? 0;
  if (!step || shown >= (step.hints?.length ?? 0)) return progress;
  return { ...progress, hints: { ...progress.hints, [stepId]: shown + 1 } };
}

export function predict(lesson: Lesson, progress: LessonProgress, stepId: string, answer: string): LessonProgress {
  const step = lesson.steps[progress.step];
  if (!step || step.id !== stepId || !step.predict || progress.predictions[stepId]) return progress;
  return { ...progress, predictions: { ...progress.predictions, [stepId]: { answer } } };
}

/** Saved progress that still fits the lesson (steps may have changed since it was saved). */
export function fitProgress(lesson: Lesson, saved: LessonProgress): LessonProgress {
  const ids = lesson.steps.map((s) => s.id);
  let step = 0;
  while (step < ids.length && saved.done.includes(ids[step])) step++;
  return { step, done: ids.slice(0, step), hints: saved.hints, predictions: saved.predictions };
}

/** `advance` against a live World: goals checked with goals.ts over the world and its snapshot. */
export function checkLesson(world: World, lesson: Lesson, progress: LessonProgress, pings: readonly PingObservation[], snapshot: WorldSnapshot = world.snapshot()): Advance {
  return advance(lesson, progress, (goal, seen) => checkGoal(goal, goalContext(world, snapshot, seen)), pings);
}
