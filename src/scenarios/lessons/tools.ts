/** What loadLessonTools() brings: the file parser and the built-in lessons (one lazy chunk). */
export { parseLesson, formatIssues } from './schema';
export { builtinLessons, builtinLesson, type BuiltinLesson } from './builtin';
