/**
 * The widget's postMessage API, version 1. Every message is an envelope
 * `{ protocol: 'hoplab', version: 1, kind, name, id?, data? }`:
 *
 * - `kind: 'event'` from the widget: `ready` (the handshake: sent when the widget has loaded, and
 *   again in answer to a `hello` command), `commandRun`, `pingResult`, `stepCompleted`,
 *   `lessonCompleted`, `labChanged`, `resize`;
 * - `kind: 'command'` from the host page: `hello`, `loadLab`, `loadLesson`, `runCommand`, `reset`,
 *   `getLab`, `configureXapi`; each with an `id` gets one `kind: 'response'` with the same `id`
 *   and `ok` (and `data` or `error`).
 *
 * The widget accepts commands only from the origins the embedding page named (`origins=` in the
 * widget's address), and posts only to those origins. Pure: types and checks.
 */
export const PROTOCOL = 'hoplab';
export const PROTOCOL_VERSION = 1;

export const EVENT_NAMES = ['ready', 'commandRun', 'pingResult', 'stepCompleted', 'lessonCompleted', 'labChanged', 'resize', 'answered'] as const;
export const COMMAND_NAMES = ['hello', 'loadLab', 'loadLesson', 'runCommand', 'reset', 'getLab', 'configureXapi'] as const;
export type EventName = (typeof EVENT_NAMES)[number];
export type CommandName = (typeof COMMAND_NAMES)[number];

interface Base {
  protocol: typeof PROTOCOL;
  version: number;
}
export interface EventMessage extends Base {
  kind: 'event';
  name: EventName;
  data: Record<string, unknown>;
}
export interface CommandMessage extends Base {
  kind: 'command';
  name: CommandName;
  id?: string | number;
  data?: Record<string, unknown>;
}
export interface ResponseMessage extends Base {
  kind: 'response';
  name: CommandName;
  id: string | number;
  ok: boolean;
  data?: Record<string, unknown>;
  error?: string;
}

export const event = (name: EventName, data: Record<string, unknown> = {}): EventMessage => ({ protocol: PROTOCOL, version: PROTOCOL_VERSION, kind: 'event', name, data });

export const response = (cmd: CommandMessage, r: { ok: true; data?: Record<string, unknown> } | { ok: false; error: string }): ResponseMessage => ({
  protocol: PROTOCOL,
  version: PROTOCOL_VERSION,
  kind: 'response',
  name: cmd.name,
  id: cmd.id!,
  ...r,
});

/** A command the widget understands, or why not (null when it is not a Hoplab message at all). */
export function readCommand(msg: unknown): { ok: true; cmd: CommandMessage } | { ok: false; error: string; id?: string | number; name?: string } | null {
  if (typeof msg !== 'object' || msg === null || (msg as { protocol?: unknown }).protocol !== PROTOCOL) return null;
  const m = msg as Record<string, unknown>;
  const id = typeof m.id === 'string' || typeof m.id === 'number' ? m.id : undefined;
  if (m.kind !== 'command') return null;
  if (m.version !== PROTOCOL_VERSION) return { ok: false, id, error: `this widget speaks version ${PROTOCOL_VERSION} of the Hoplab API, not ${JSON.stringify(m.version)}` };
  if (!COMMAND_NAMES.includes(m.name as CommandName)) return { ok: false, id, error: `unknown command ${JSON.stringify(m.name)} (known: ${COMMAND_NAMES.join(', ')})` };
  if (m.data !== undefined && (typeof m.data !== 'object' || m.data === null || Array.isArray(m.data))) return { ok: false, id, name: m.name as string, error: '"data" must be an object' };
  return { ok: true, cmd: { protocol: PROTOCOL, version: PROTOCOL_VERSION, kind: 'command', name: m.name as CommandName, id, data: m.data as Record<string, unknown> | undefined } };
}

/** `origins=` as the embedding page wrote it: exact origins, comma-separated; anything else dropped. */
export function parseOrigins(list: string | null): string[] {
  if (!list) return [];
  const out: string[] = [];
  for (const part of list.split(',')) {
    try {
      const u = new URL(part.trim());
      if ((u.protocol === 'https:' || u.protocol === 'http:') && u.origin === part.trim().replace(/\/$/, '')) out.push(u.origin);
    } catch {
      // not an origin: ignored
    }
  }
  return [...new Set(out)];
}
