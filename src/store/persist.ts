/**
 * Lab files: export, import (schema-validated with zod) and autosave to localStorage.
 *
 * zod and the schemas live in labSchema.ts, loaded on demand: reading a lab file or a saved lab
 * is asynchronous, and the app's first screen does not wait for zod unless there is a save to read.
 *
 * A lab file is the LabDoc wrapped with a format tag and a version. Import also accepts a bare
 * scenario (the JSON format of tests/conformance and `npm run scenario`), which becomes the base
 * of a new lab. Parsing never throws: it returns either the document or a message a student can
 * act on; the caller keeps the current lab untouched on error.
 */
import type { LabDoc } from './doc';
import type { LabFile, TerminalsFile } from './labSchema';

export type { LabFile, TerminalsFile } from './labSchema';

export const LAB_FORMAT = 'hoplab-lab';
export const LAB_VERSION = 1;
export const AUTOSAVE_KEY = 'hoplab.lab.v1';
/**
 * The longest lab file read, checked before it is parsed: the 1,000-host lab is 60,000 characters,
 * a lesson's a few thousand, and every browser's storage holds this much (5 MB or more per site).
 */
export const MAX_LAB_CHARS = 2_000_000;


export function toLabFile(doc: LabDoc): LabFile {
  return { format: LAB_FORMAT, version: LAB_VERSION, ...doc };
}

export function serializeLab(doc: LabDoc): string {
  return JSON.stringify(toLabFile(doc), null, 2) + '\n';
}

export type ParseResult = { ok: true; doc: LabDoc } | { ok: false; error: string };

/** zod and the schemas, fetched the first time a file is read. */
const schemas = () => import('./labSchema');

/** Parse a lab file or a bare scenario. Never throws: the promise always resolves. */
export async function parseLab(text: string): Promise<ParseResult> {
  try {
    return await parseWithSchemas(text);
  } catch (e) {
    // only the schema chunk's download can fail here (offline after the app loaded)
    return { ok: false, error: `Hoplab could not load the code that checks lab files (${(e as Error).message}). Check the connection and try again.` };
  }
}

async function parseWithSchemas(text: string): Promise<ParseResult> {
  if (text.length > MAX_LAB_CHARS) {
    return { ok: false, error: `This file is too large for a lab: ${text.length.toLocaleString('en')} characters, where a lab file has at most ${MAX_LAB_CHARS.toLocaleString('en')}.` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `This file is not valid JSON (${(e as Error).message}).` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, error: 'This file is not a Hoplab lab: expected a JSON object.' };
  }
  const obj = data as Record<string, unknown>;
  if ('format' in obj) {
    if (obj.format !== LAB_FORMAT) return { ok: false, error: `This file is not a Hoplab lab (format is ${JSON.stringify(obj.format)}, expected "${LAB_FORMAT}").` };
    if (obj.version !== LAB_VERSION) return { ok: false, error: `This lab file has version ${JSON.stringify(obj.version)}; this Hoplab reads version ${LAB_VERSION}.` };
    return (await schemas()).validateLabFile(data);
  }
  if ('steps' in obj) return (await schemas()).validateScenario(data);
  return { ok: false, error: `This file is not a Hoplab lab: it has neither "format": "${LAB_FORMAT}" nor scenario "steps".` };
}

/** The subset of Storage we use (window.localStorage in the browser, a Map in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function browserStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (privacy mode, sandboxed iframe)
  }
}

/** Write the lab to the autosave key as it is (the store's autosave also guards against other tabs: autosave.ts). */
export function saveLab(storage: KeyValueStorage | null, doc: LabDoc, key = AUTOSAVE_KEY): string | null {
  if (!storage) return null;
  try {
    storage.setItem(key, JSON.stringify(toLabFile(doc)));
    return null;
  } catch (e) {
    return `Autosave failed: ${(e as Error).message}`;
  }
}

/** The autosaved lab, or null when there is none (zod is only fetched when there is one). */
export async function loadLab(storage: KeyValueStorage | null, key = AUTOSAVE_KEY): Promise<ParseResult | null> {
  if (!storage) return null;
  let text: string | null;
  try {
    text = storage.getItem(key);
  } catch {
    return null;
  }
  return text === null ? null : parseLab(text);
}

/** File name for an exported lab: "hoplab-before-routes.json". */
export function exportFileName(doc: LabDoc): string {
  const slug = doc.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'lab';
  return `hoplab-${slug}.json`;
}

/* ---------- terminals: scrollback and history survive a reload too ---------- */

export const TERMINALS_KEY = 'hoplab.terminals.v1';


/** The saved terminals, or null when there are none or they cannot be read (zod is only fetched when there are some). */
export async function loadTerminals(storage: KeyValueStorage | null, key = TERMINALS_KEY): Promise<TerminalsFile | null> {
  if (!storage) return null;
  let data: unknown;
  try {
    const text = storage.getItem(key);
    if (text === null) return null;
    data = JSON.parse(text);
  } catch {
    return null;
  }
  try {
    return (await schemas()).validateTerminals(data);
  } catch {
    return null; // the schema chunk could not be fetched: terminals are a convenience
  }
}

export function saveTerminals(storage: KeyValueStorage | null, t: TerminalsFile, key = TERMINALS_KEY): void {
  if (!storage) return;
  try {
    const terminals = Object.fromEntries(
      Object.entries(t.terminals).map(([h, s]) => [h, { host: s.host, chunks: s.chunks.slice(-200), history: s.history.slice(-200) }]),
    );
    storage.setItem(key, JSON.stringify({ terminals, openTerminals: t.openTerminals, activeTerminal: t.activeTerminal }));
  } catch {
    // storage full or disabled: terminals are a convenience, the lab itself is saved separately
  }
}
