/**
 * Opening lessons: a built-in one by id, a file the student picked, or a URL (a course page's own
 * lesson file). The parser and the built-in lessons load on first use. A file that does not
 * validate is not opened: its problems are shown, and the lab and the open lesson stay as they are.
 */
import { getAppStore, type AppStore } from '../../store';
import { loadLessonTools, type Lesson, type LessonProgress } from '../../scenarios/lessons';
import { lessonLabDoc, loadCurrentLesson, loadProgress } from '../../store/lessons';
import { presetDoc } from '../../store/replay';
import { needsCluster } from '../../scenarios/build';
import { ensureKube } from '../../commands';
import { browserStorage } from '../../store/persist';

/** Lesson files larger than this are refused before parsing. */
export const MAX_LESSON_BYTES = 256_000;

export interface OpenOptions {
  store?: AppStore;
  /** load the lesson's starting lab (default true) */
  loadLab?: boolean;
  /** resume saved progress (default true) */
  resume?: boolean;
}

async function open(lesson: Lesson, opts: OpenOptions, builtin = false) {
  const store = opts.store ?? getAppStore();
  // a Kubernetes lesson's lab needs the cluster code: fetched before the lesson and its lab open together
  if ((opts.loadLab ?? true) && needsCluster(lessonLabDoc(lesson, presetDoc).base)) await ensureKube();
  const progress: LessonProgress | null = (opts.resume ?? true) ? loadProgress(browserStorage(), lesson.id) : null;
  store.getState().openLesson(lesson, { loadLab: opts.loadLab ?? true, progress, builtin });
}

export async function listBuiltinLessons(): Promise<Lesson[]> {
  return (await loadLessonTools()).builtinLessons().map((b) => b.lesson);
}

export async function isBuiltinId(id: string): Promise<boolean> {
  return !!(await loadLessonTools()).builtinLesson(id);
}

export async function openBuiltinLesson(id: string, opts: OpenOptions = {}): Promise<boolean> {
  const store = opts.store ?? getAppStore();
  const lesson = (await loadLessonTools()).builtinLesson(id);
  if (!lesson) {
    store.getState().setLessonIssues({ source: id, issues: [{ path: '(lesson)', message: `There is no built-in lesson called "${id}".` }] });
    return false;
  }
  await open(lesson, opts, true);
  return true;
}

/** Parse and open lesson text (YAML or JSON); `source` names it in error messages. */
export async function openLessonText(text: string, source: string, opts: OpenOptions = {}): Promise<boolean> {
  const store = opts.store ?? getAppStore();
  if (text.length > MAX_LESSON_BYTES) {
    store.getState().setLessonIssues({ source, issues: [{ path: '(file)', message: `is larger than ${MAX_LESSON_BYTES / 1000} KB` }] });
    return false;
  }
  const tools = await loadLessonTools();
  const r = tools.parseLesson(text);
  if (!r.ok) {
    store.getState().setLessonIssues({ source, issues: r.issues });
    return false;
  }
  await open(r.lesson, opts);
  return true;
}

/** Fetch a lesson file (http, https, or relative to this page) and open it. */
export async function openLessonUrl(url: string, opts: OpenOptions = {}): Promise<boolean> {
  const store = opts.store ?? getAppStore();
  let href: URL;
  try {
    href = new URL(url, window.location.href);
    if (href.protocol !== 'https:' && href.protocol !== 'http:') throw new Error('only http and https links');
  } catch (e) {
    store.getState().setLessonIssues({ source: url, issues: [{ path: '(link)', message: `is not a lesson link (${(e as Error).message})` }] });
    return false;
  }
  let text: string;
  try {
    const res = await fetch(href, { credentials: 'omit' });
    if (!res.ok) throw new Error(`the server answered ${res.status}`);
    text = await res.text();
  } catch (e) {
    store.getState().setLessonIssues({ source: url, issues: [{ path: '(link)', message: `could not be fetched (${(e as Error).message})` }] });
    return false;
  }
  return openLessonText(text, url, opts);
}

/** `?lesson=` / `#lesson=`: a built-in id, else a link to a lesson file. */
export async function openLessonRef(ref: string, opts: OpenOptions = {}): Promise<boolean> {
  if (/^[a-z0-9][a-z0-9-]*$/.test(ref) && (await isBuiltinId(ref))) return openBuiltinLesson(ref, opts);
  return openLessonUrl(ref, opts);
}

/**
 * At start-up: `?lesson=` opens a lesson (and its lab); otherwise the lesson that was open before
 * the reload comes back on the lab as it was autosaved.
 */
export async function restoreLesson(param: string | null, opts: OpenOptions = {}): Promise<void> {
  if (param) {
    await openLessonRef(param, opts);
    return;
  }
  const saved = loadCurrentLesson(browserStorage());
  if (!saved) return;
  if ('builtin' in saved && typeof saved.builtin === 'string') await openBuiltinLesson(saved.builtin, { ...opts, loadLab: false });
  else if ('lesson' in saved) await openLessonText(JSON.stringify(saved.lesson), 'the lesson open before', { ...opts, loadLab: false });
}
