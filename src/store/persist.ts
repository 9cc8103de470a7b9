/**
 * Lab files: export, import (schema-validated with zod) and autosave to localStorage.
 *
 * A lab file is the LabDoc wrapped with a format tag and a version. Import also accepts a bare
 * scenario (the JSON format of tests/conformance and `npm run scenario`), which becomes the base
 * of a new lab. Parsing never throws: it returns either the document or a message a student can
 * act on; the caller keeps the current lab untouched on error.
 */
import { z } from 'zod';
import type { LabDoc } from './doc';

export const LAB_FORMAT = 'hoplab-lab';
export const LAB_VERSION = 1;
export const AUTOSAVE_KEY = 'hoplab.lab.v1';

const name = z.string().min(1, 'must not be empty').max(64, 'is longer than 64 characters');
const member = z.string().regex(/^[^:\s]+:[^:\s]+$/, 'must look like "host:ifname"');

const StepSchema = z.object({
  on: name,
  run: z.string().max(4000),
  timeout: z.number().nonnegative().optional(),
});

export const ScenarioSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  preset: z.string().optional(),
  hosts: z.array(name).optional(),
  lans: z.record(z.string(), z.array(member)).optional(),
  links: z.array(z.tuple([member, member])).optional(),
  steps: z.array(StepSchema).max(5000, 'has more than 5000 steps'),
});

export const OpSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cmd'), on: name, run: z.string().max(4000), edit: z.boolean() }),
  z.object({ kind: z.literal('host'), name }),
  z.object({ kind: z.literal('lan'), name, members: z.array(member) }),
  z.object({ kind: z.literal('lan-member'), lan: name, member }),
  z.object({ kind: z.literal('link'), a: member, b: member }),
  z.object({ kind: z.literal('remove-host'), name }),
  z.object({ kind: z.literal('remove-lan'), name }),
]);

const XYSchema = z.object({ x: z.number().finite(), y: z.number().finite() });

export const LabFileSchema = z.object({
  format: z.literal(LAB_FORMAT),
  version: z.literal(LAB_VERSION),
  title: z.string().max(200),
  preset: z.string().nullable(),
  base: ScenarioSchema,
  ops: z.array(OpSchema).max(20000, 'has more than 20000 operations'),
  positions: z.record(z.string(), XYSchema),
});

export type LabFile = z.infer<typeof LabFileSchema>;

export function toLabFile(doc: LabDoc): LabFile {
  return { format: LAB_FORMAT, version: LAB_VERSION, ...doc };
}

export function serializeLab(doc: LabDoc): string {
  return JSON.stringify(toLabFile(doc), null, 2) + '\n';
}

export type ParseResult = { ok: true; doc: LabDoc } | { ok: false; error: string };

function describeIssues(error: z.ZodError, limit = 3): string {
  const lines = error.issues.slice(0, limit).map((issue) => {
    const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'file';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > limit ? ` (and ${error.issues.length - limit} more)` : '';
  return lines.join('; ') + more;
}

/** Parse a lab file or a bare scenario. Never throws. */
export function parseLab(text: string): ParseResult {
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
    const parsed = LabFileSchema.safeParse(data);
    if (!parsed.success) return { ok: false, error: `This lab file is damaged: ${describeIssues(parsed.error)}.` };
    const { format: _f, version: _v, ...doc } = parsed.data;
    return { ok: true, doc };
  }
  if ('steps' in obj) {
    const parsed = ScenarioSchema.safeParse(data);
    if (!parsed.success) return { ok: false, error: `This scenario is damaged: ${describeIssues(parsed.error)}.` };
    return { ok: true, doc: { title: parsed.data.name || 'Imported scenario', preset: parsed.data.preset ?? null, base: parsed.data, ops: [], positions: {} } };
  }
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

export function saveLab(storage: KeyValueStorage | null, doc: LabDoc, key = AUTOSAVE_KEY): string | null {
  if (!storage) return null;
  try {
    storage.setItem(key, JSON.stringify(toLabFile(doc)));
    return null;
  } catch (e) {
    return `Autosave failed: ${(e as Error).message}`;
  }
}

export function loadLab(storage: KeyValueStorage | null, key = AUTOSAVE_KEY): ParseResult | null {
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

const ChunkSchema = z.object({ id: z.number(), echo: z.string(), data: z.string(), local: z.boolean(), clear: z.boolean().optional() });
const SessionSchema = z.object({ host: z.string(), chunks: z.array(ChunkSchema), history: z.array(z.string()) });
export const TerminalsFileSchema = z.object({
  terminals: z.record(z.string(), SessionSchema),
  openTerminals: z.array(z.string()),
  activeTerminal: z.string().nullable(),
});
export type TerminalsFile = z.infer<typeof TerminalsFileSchema>;

export function loadTerminals(storage: KeyValueStorage | null, key = TERMINALS_KEY): TerminalsFile | null {
  if (!storage) return null;
  try {
    const text = storage.getItem(key);
    if (text === null) return null;
    const parsed = TerminalsFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
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
