/**
 * The built-in lessons: the lecture of LAB.md, one file per section, in builtin/. The files are
 * bundled as text and read with the same parser as a student's own lesson file, so they are held
 * to the same schema (a test reads every one).
 */
import { parseLesson } from './schema';
import type { Lesson } from './types';

const files = import.meta.glob('./builtin/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface BuiltinLesson {
  file: string;
  lesson: Lesson;
}

let cache: BuiltinLesson[] | null = null;

/** Every built-in lesson, in file-name order. Throws if one of them does not validate (a bug). */
export function builtinLessons(): BuiltinLesson[] {
  if (cache) return cache;
  cache = Object.keys(files)
    .sort()
    .map((file) => {
      const r = parseLesson(files[file]);
      if (!r.ok) throw new Error(`${file}: ${r.issues.map((i) => `${i.line ? `line ${i.line}, ` : ''}${i.path}: ${i.message}`).join('; ')}`);
      return { file: file.replace(/^.*\//, ''), lesson: r.lesson };
    });
  return cache;
}

export function builtinLesson(id: string): Lesson | undefined {
  return builtinLessons().find((b) => b.lesson.id === id)?.lesson;
}
