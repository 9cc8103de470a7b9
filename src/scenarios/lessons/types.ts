/**
 * A lesson as data: what a course author writes in a YAML or JSON file (validated by schema.ts).
 *
 * A lesson starts from a lab (a preset or an inline scenario) and walks the student through ordered
 * steps. Each step says what to do (Markdown, rendered sanitised), a goal that is checked against
 * the live lab after every change (goals.ts), hints revealed one at a time, and the solution as
 * commands that can be shown or applied. A step may first ask the student to predict where a
 * packet stops; the trace of the ping that follows confirms or corrects the prediction.
 */
import type { Scenario } from '../scenario';

/** A goal: one check (`{ link: {…} }`), or checks combined with all/any/not. */
export type Goal = { all: Goal[] } | { any: Goal[] } | { not: Goal } | { [kind: string]: GoalArgs };
export type GoalArgs = Record<string, unknown>;

export interface SolutionLine {
  on: string;
  run: string;
}

/** "Where does the packet stop?": a box on the canvas, or one of a few outcomes. */
export interface Prediction {
  question: string;
  /** `where`: the student clicks (or picks) the machine or pod; `verdict`: picks one of `options` */
  kind: 'where' | 'verdict';
  /** for `verdict`: the kernel verdicts (or `reply`) to choose from */
  options?: string[];
  /** shown after the reveal, right or wrong */
  explain?: string;
}

export interface LessonStep {
  id: string;
  title: string;
  text: string;
  goal: Goal;
  hints?: string[];
  solution?: SolutionLine[];
  predict?: Prediction;
}

export type LessonLab = { preset: string } | { scenario: Scenario };

export interface Lesson {
  /** stable id: progress is saved under it */
  id: string;
  title: string;
  summary?: string;
  lab: LessonLab;
  steps: LessonStep[];
  /** shown when every step is done */
  done?: string;
  /** the id of the built-in lesson that follows */
  next?: string;
}

/** One problem with a lesson file: where (a path like `steps[2].goal.route.via`, and a line in YAML) and what. */
export interface LessonIssue {
  path: string;
  message: string;
  line?: number;
}

export type LessonParse = { ok: true; lesson: Lesson } | { ok: false; issues: LessonIssue[] };
