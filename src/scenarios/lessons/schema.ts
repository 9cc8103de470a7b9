/**
 * Reading a lesson file: YAML or JSON, checked against the lesson schema (zod, for the frame) and
 * the goal kinds' field specs (goals.ts). Every problem comes back with its path
 * (`steps[2].goal.route.via`) and, for YAML and JSON alike, the line it is on. Never throws.
 *
 * yaml and zod are only fetched when a lesson is read (this module is imported on demand).
 */
import { z } from 'zod';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { presets } from '../presets';
import { validateScenario } from '../scenario';
import { goalIssues } from './goals';
// the Kubernetes kinds (endpoints, connects, resolves) register with the parser: a lesson is read
// before it is checked, and the cluster code they read stays out of the first download
import './kubeGoals';
import type { Lesson, LessonIssue, LessonParse } from './types';

// no generated code: the widget runs under a Content-Security-Policy without 'unsafe-eval'
z.config({ jitless: true });

const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `is longer than ${max} characters`);
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes (at most 64)');

const StepSchema = z.strictObject({
  id,
  title: text(200),
  text: text(20_000),
  goal: z.unknown(),
  hints: z.array(text(4000)).max(20).optional(),
  solution: z.array(z.strictObject({ on: z.string().min(1), run: text(4000) })).max(100).optional(),
  predict: z
    .strictObject({
      question: text(2000),
      kind: z.enum(['where', 'verdict']),
      options: z.array(z.string().min(1)).min(2).max(12).optional(),
      explain: text(4000).optional(),
    })
    .optional(),
});

const LessonSchema = z.strictObject({
  id,
  title: text(200),
  summary: text(4000).optional(),
  lab: z.union([z.strictObject({ preset: z.string() }), z.strictObject({ scenario: z.unknown() })]),
  steps: z.array(StepSchema).min(1, 'a lesson needs at least one step').max(100),
  done: text(4000).optional(),
  next: id.optional(),
});

type Segment = string | number;

function formatPath(path: readonly Segment[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(file)';
}

function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** The line (1-based) of the deepest node of `path` the document has. */
function lineOf(doc: Document, counter: LineCounter, path: Segment[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Read a lesson file. `name` only decides nothing: JSON is YAML, so one parser reads both. */
export function parseLesson(source: string): LessonParse {
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, issues: doc.errors.slice(0, 10).map((e) => ({ path: '(file)', message: e.message.split('\n')[0], line: counter.linePos(e.pos[0]).line })) };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 50 });
  const issues: LessonIssue[] = [];
  const add = (path: Segment[], message: string) => issues.push({ path: formatPath(path), message, line: lineOf(doc, counter, path) });

  const parsed = LessonSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) add(issue.path as Segment[], issue.message);
  } else {
    const lesson = parsed.data;
    if ('preset' in lesson.lab && !Object.hasOwn(presets, lesson.lab.preset)) add(['lab', 'preset'], `unknown preset "${lesson.lab.preset}" (known: ${Object.keys(presets).join(', ')})`);
    if ('scenario' in lesson.lab) for (const e of validateScenario(lesson.lab.scenario, Object.keys(presets))) add(['lab', 'scenario'], e);
    const seen = new Set<string>();
    lesson.steps.forEach((step, i) => {
      if (seen.has(step.id)) add(['steps', i, 'id'], `duplicate step id "${step.id}"`);
      seen.add(step.id);
      for (const g of goalIssues(step.goal, `steps[${i}].goal`)) add(parsePath(g.path), g.message);
      if (step.predict?.kind === 'verdict' && !step.predict.options) add(['steps', i, 'predict', 'options'], 'a verdict prediction needs options to pick from');
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, lesson: parsed.data as Lesson };
}

/** Issues as lines a person reads: "line 12, steps[1].goal.route.via: must be an IPv4 address". */
export function formatIssues(issues: readonly LessonIssue[]): string[] {
  return issues.map((i) => `${i.line ? `line ${i.line}, ` : ''}${i.path}: ${i.message}`);
}
