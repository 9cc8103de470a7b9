/**
 * The zod schemas of lab files and saved terminals, and the checks that use them. Loaded on
 * demand by persist.ts (an import or a restore), so that zod is not part of the JS the app needs
 * before it starts. Messages are the ones a student sees after "This lab file is damaged: ".
 */
import { z } from 'zod';
import type { LabDoc } from './doc';
import { LAB_FORMAT, LAB_VERSION, type ParseResult } from './persist';

// no generated code: the widget runs under a Content-Security-Policy without 'unsafe-eval'
z.config({ jitless: true });

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
  z.object({ kind: z.literal('cmd'), on: name, run: z.string().max(4000), edit: z.boolean(), interrupt: z.number().finite().nonnegative().optional() }),
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

function describeIssues(error: z.ZodError, limit = 3): string {
  const lines = error.issues.slice(0, limit).map((issue) => {
    const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'file';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > limit ? ` (and ${error.issues.length - limit} more)` : '';
  return lines.join('; ') + more;
}

/** A lab file whose format and version persist.ts has checked already. */
export function validateLabFile(data: unknown): ParseResult {
  const parsed = LabFileSchema.safeParse(data);
  if (!parsed.success) return { ok: false, error: `This lab file is damaged: ${describeIssues(parsed.error)}.` };
  const { format: _f, version: _v, ...doc } = parsed.data;
  return { ok: true, doc: doc satisfies LabDoc };
}

/** A bare scenario (tests/conformance, `npm run scenario`): it becomes the base of a new lab. */
export function validateScenario(data: unknown): ParseResult {
  const parsed = ScenarioSchema.safeParse(data);
  if (!parsed.success) return { ok: false, error: `This scenario is damaged: ${describeIssues(parsed.error)}.` };
  return { ok: true, doc: { title: parsed.data.name || 'Imported scenario', preset: parsed.data.preset ?? null, base: parsed.data, ops: [], positions: {} } };
}

const ChunkSchema = z.object({ id: z.number(), echo: z.string(), data: z.string(), local: z.boolean(), clear: z.boolean().optional() });
const SessionSchema = z.object({ host: z.string(), chunks: z.array(ChunkSchema), history: z.array(z.string()) });
export const TerminalsFileSchema = z.object({
  terminals: z.record(z.string(), SessionSchema),
  openTerminals: z.array(z.string()),
  activeTerminal: z.string().nullable(),
});
export type TerminalsFile = z.infer<typeof TerminalsFileSchema>;

/** Saved terminals, or null when they do not have the expected shape. */
export function validateTerminals(data: unknown): TerminalsFile | null {
  const parsed = TerminalsFileSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}
