/**
 * The zod schemas of lab files and saved terminals, and the checks that use them. Loaded on
 * demand by persist.ts (an import or a restore), so that zod is not part of the JS the app needs
 * before it starts. Messages are the ones a student sees after "This lab file is damaged: ".
 */
import { z } from 'zod';
import type { LabDoc } from './doc';
import { LAB_FORMAT, LAB_VERSION, type ParseResult } from './persist';
import { presets } from '../scenarios/presets';
import { CLUSTER_PRESET } from '../scenarios/scenario';
import { validateClusterConfig, type ClusterConfigInput } from '../kube/config';

// no generated code: the widget runs under a Content-Security-Policy without 'unsafe-eval'
z.config({ jitless: true });

/** A preset the scenario runner builds: one of the lesson's (own properties only) or the Kubernetes cluster. */
const hasPreset = (p: string): boolean => Object.prototype.hasOwnProperty.call(presets, p) || p === CLUSTER_PRESET;

/**
 * Limits no real lab reaches, so that a hostile or broken file is refused with a message instead of
 * freezing the page (the largest lab Hoplab is measured with has 1,000 hosts on 20 LANs; a lesson's
 * has a dozen). The whole file's size is checked before it is parsed (MAX_LAB_CHARS, persist.ts).
 */
export const LIMITS = {
  name: 64,
  title: 200,
  description: 2000,
  hosts: 2000,
  lans: 500,
  lanMembers: 2000,
  links: 2000,
  steps: 5000,
  run: 4000,
  ops: 20000,
  positions: 10000,
  positionKey: 200,
  coordinate: 1e7,
} as const;

// names as the world accepts them (src/engine/world.ts): printable, so a name from a file can never
// carry a control character into a terminal, and refused here with a message rather than at replay
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// the same, empty allowed: an empty name gets its own message
const NAME_OR_EMPTY_RE = /^(?:[A-Za-z0-9][A-Za-z0-9_.-]*)?$/;
const IFNAME_RE = /^[A-Za-z0-9_.-]{1,15}$/;

const name = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.name, `is longer than ${LIMITS.name} characters`)
  .regex(NAME_OR_EMPTY_RE, 'must start with a letter or a digit and hold only letters, digits, "_", "." and "-"');
/** where a command runs: a host, or a namespace `ip netns add` made (its own rule, src/commands/ip/netns.ts) */
const netnsName = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.name, `is longer than ${LIMITS.name} characters`)
  .regex(/^[A-Za-z0-9_.-]*$/, 'must hold only letters, digits, "_", "." and "-"');
const member = z.string().max(LIMITS.name + 16, 'is too long for "host:ifname"').superRefine((m, ctx) => {
  const [host, ifname, ...rest] = m.split(':');
  if (rest.length || ifname === undefined || !NAME_RE.test(host)) ctx.addIssue({ code: 'custom', message: 'must look like "host:ifname"' });
  else if (!IFNAME_RE.test(ifname) || ifname === 'lo') ctx.addIssue({ code: 'custom', message: `"${ifname}" is not an interface name a cable can have (1–15 letters, digits, "_", "." or "-"; not lo)` });
});

/** A preset name that exists (own properties only: "constructor" is not a lab). */
const presetName = z.string().superRefine((p, ctx) => {
  if (!hasPreset(p)) ctx.addIssue({ code: 'custom', message: `there is no lab called ${JSON.stringify(p.slice(0, LIMITS.name))} (known: ${[...Object.keys(presets), CLUSTER_PRESET].join(', ')})` });
});

/**
 * An object with at most `max` keys, each passing `key` (a message, or null when it is fine),
 * checked before its entries are checked one by one (zod reports a bad key only as "Invalid key").
 */
const capped = <T extends z.ZodType>(inner: T, max: number, what: string, key: (k: string) => string | null) =>
  z
    .unknown()
    .superRefine((v, ctx) => {
      if (typeof v !== 'object' || v === null) return;
      const keys = Object.keys(v);
      if (keys.length > max) return void ctx.addIssue({ code: 'custom', message: `has more than ${max} ${what}` });
      for (const k of keys) {
        const problem = key(k);
        if (problem) return void ctx.addIssue({ code: 'custom', message: `${JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)} ${problem}` });
      }
    })
    .pipe(inner);

const lanKey = (k: string): string | null => {
  if (k.length > LIMITS.name) return `is longer than ${LIMITS.name} characters`;
  return NAME_RE.test(k) ? null : 'is not a LAN name: it must start with a letter or a digit and hold only letters, digits, "_", "." and "-"';
};
const positionKey = (k: string): string | null => (k.length > LIMITS.positionKey ? `is longer than ${LIMITS.positionKey} characters` : null);

const uniqueHosts = z
  .array(name)
  .max(LIMITS.hosts, `has more than ${LIMITS.hosts} hosts`)
  .superRefine((hosts, ctx) => {
    const seen = new Set<string>();
    hosts.forEach((h, i) => {
      if (seen.has(h)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate host name "${h}"` });
      seen.add(h);
    });
  });

/** what a line read on standard input (a manifest for `kubectl apply -f -`) */
const stdinText = z.string().max(LIMITS.run * 25, `is longer than ${LIMITS.run * 25} characters`);

const StepSchema = z.object({
  on: netnsName,
  run: z.string().max(LIMITS.run, `is longer than ${LIMITS.run} characters`),
  timeout: z.number().positive().max(120).optional(),
  stdin: stdinText.optional(),
});

export const ScenarioSchema = z.object({
  name: z.string().max(LIMITS.title, `is longer than ${LIMITS.title} characters`),
  description: z.string().max(LIMITS.description, `is longer than ${LIMITS.description} characters`).optional(),
  preset: presetName.optional(),
  hosts: uniqueHosts.optional(),
  lans: capped(z.record(z.string(), z.array(member).max(LIMITS.lanMembers, `has more than ${LIMITS.lanMembers} members`)), LIMITS.lans, 'LANs', lanKey).optional(),
  links: z.array(z.tuple([member, member])).max(LIMITS.links, `has more than ${LIMITS.links} cables`).optional(),
  steps: z.array(StepSchema).max(LIMITS.steps, `has more than ${LIMITS.steps} steps`),
  /** with the cluster preset: its shape, checked as the scenario runner checks it */
  cluster: z
    .custom<ClusterConfigInput>(() => true)
    .superRefine((c, ctx) => {
      for (const message of validateClusterConfig(c)) ctx.addIssue({ code: 'custom', message });
    })
    .optional(),
  machines: z.boolean().optional(),
});

export const OpSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cmd'), on: netnsName, run: z.string().max(LIMITS.run, `is longer than ${LIMITS.run} characters`), edit: z.boolean(), interrupt: z.number().finite().nonnegative().optional(), stdin: stdinText.optional() }),
  z.object({ kind: z.literal('host'), name }),
  z.object({ kind: z.literal('lan'), name, members: z.array(member).max(LIMITS.lanMembers, `has more than ${LIMITS.lanMembers} members`) }),
  z.object({ kind: z.literal('lan-member'), lan: name, member }),
  z.object({ kind: z.literal('link'), a: member, b: member }),
  z.object({ kind: z.literal('remove-host'), name }),
  z.object({ kind: z.literal('remove-lan'), name }),
]);

const coordinate = z.number().finite().min(-LIMITS.coordinate).max(LIMITS.coordinate);
const XYSchema = z.object({ x: coordinate, y: coordinate });

export const LabFileSchema = z.object({
  format: z.literal(LAB_FORMAT),
  version: z.literal(LAB_VERSION),
  title: z.string().max(LIMITS.title, `is longer than ${LIMITS.title} characters`),
  preset: presetName.nullable(),
  base: ScenarioSchema,
  ops: z.array(OpSchema).max(LIMITS.ops, `has more than ${LIMITS.ops} operations`),
  positions: capped(z.record(z.string(), XYSchema), LIMITS.positions, 'positions', positionKey),
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
