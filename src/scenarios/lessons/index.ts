/**
 * Lessons as data. The light part (types, goals, progress, observations, Markdown) is imported by
 * the store at start-up; the parser (yaml + zod) and the built-in lesson files load on demand
 * through `loadLessonTools()`.
 */
export type { Lesson, LessonStep, LessonIssue, LessonParse, Goal, Prediction, SolutionLine, LessonLab } from './types';
export { checkGoal, describeGoal, goalContext, goalIssues, goalKinds, registerGoalKind, type GoalContext, type GoalKind, type GoalResult, type FieldSpec } from './goals';
export { observePing, type PingObservation } from './observe';
export { advance, checkLesson, freshProgress, fitProgress, predict, revealHint, actualFor, type LessonProgress, type PredictionRecord } from './progress';
export { parseMarkdown, parseInline, safeHref, type Block, type Inline } from './markdown';

/** The parser and the built-in lessons (yaml, zod and the lesson files), fetched on first use. */
export const loadLessonTools = () => import('./tools');
