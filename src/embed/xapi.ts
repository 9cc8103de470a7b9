/**
 * Optional xAPI statements for a learning record store, configured by the host page with the
 * `configureXapi` command (so credentials never sit in a URL): the student `experienced` a lesson
 * when it opens, `completed` each step and the lesson, and `answered` each prediction (with
 * whether the trace agreed). Statements follow xAPI 1.0.3 and are POSTed to `<endpoint>/statements`.
 */
export interface XapiConfig {
  endpoint: string;
  /** the Authorization header value, e.g. "Basic …" */
  auth?: string;
  actor: { name?: string; mbox?: string; account?: { homePage: string; name: string } };
  /** IRI prefix of the activities (default: the widget's own address) */
  activityBase?: string;
}

export type XapiVerb = 'experienced' | 'completed' | 'answered';

const VERB_IRI = (v: XapiVerb) => `http://adlnet.gov/expapi/verbs/${v}`;

export interface XapiActivity {
  id: string;
  name: string;
}

/** Read a configureXapi command's data; null with a reason when it is not usable. */
export function readXapiConfig(data: Record<string, unknown> | undefined): { ok: true; config: XapiConfig } | { ok: false; error: string } {
  const endpoint = data?.endpoint;
  if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) return { ok: false, error: '"endpoint" must be the LRS address (http or https)' };
  const actor = data?.actor as XapiConfig['actor'] | undefined;
  if (!actor || typeof actor !== 'object' || !(typeof actor.mbox === 'string' || (actor.account && typeof actor.account.name === 'string'))) {
    return { ok: false, error: '"actor" needs an "mbox" ("mailto:…") or an "account" ({ homePage, name })' };
  }
  if (data?.auth !== undefined && typeof data.auth !== 'string') return { ok: false, error: '"auth" must be a string (the Authorization header)' };
  const base = typeof data?.activityBase === 'string' ? data.activityBase : undefined;
  return { ok: true, config: { endpoint: endpoint.replace(/\/+$/, ''), auth: data?.auth as string | undefined, actor, activityBase: base } };
}

export function statement(cfg: XapiConfig, verb: XapiVerb, activity: XapiActivity, result?: { success?: boolean; completion?: boolean; response?: string }, timestamp = new Date().toISOString()) {
  return {
    actor: { objectType: 'Agent', ...cfg.actor },
    verb: { id: VERB_IRI(verb), display: { 'en-US': verb } },
    object: { objectType: 'Activity', id: activity.id, definition: { name: { 'en-US': activity.name } } },
    ...(result ? { result } : {}),
    timestamp,
  };
}

/** Send one statement; failures are reported to `onError`, never thrown (the lab goes on). */
export async function sendStatement(cfg: XapiConfig, body: object, onError: (message: string) => void, fetcher: typeof fetch = fetch): Promise<void> {
  try {
    const res = await fetcher(`${cfg.endpoint}/statements`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3', ...(cfg.auth ? { Authorization: cfg.auth } : {}) },
      body: JSON.stringify(body),
      credentials: 'omit',
    });
    if (!res.ok) onError(`the learning record store answered ${res.status}`);
  } catch (e) {
    onError(`the learning record store could not be reached (${(e as Error).message})`);
  }
}
