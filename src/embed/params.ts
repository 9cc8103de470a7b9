/**
 * The widget's address: `embed.html#lab=<preset or shared lab>|lesson=<id or URL>` with
 * `&readonly=1`, `&host=node01` and `&origins=https://course.example` (the pages allowed to talk
 * to it). `|` and `&` both separate; the query string (`?lab=…&host=…&readonly=1`) is read too, as
 * older embeds wrote it. Everything here is untrusted text: it is only ever shown as text. Pure.
 */
import { parseOrigins } from './protocol';

export interface EmbedParams {
  lab: string;
  lesson: string | null;
  host: string | null;
  readonly: boolean;
  origins: string[];
}

export function parseEmbedParams(search: string, hash = ''): EmbedParams {
  const q = new URLSearchParams(search);
  const h = new URLSearchParams(hash.replace(/^#/, '').replace(/\|/g, '&'));
  const get = (k: string) => h.get(k) ?? q.get(k);
  const flag = (v: string | null) => v !== null && v !== '0' && v.toLowerCase() !== 'false';
  return {
    lab: get('lab')?.trim() || 'before-routes',
    lesson: get('lesson')?.trim() || null,
    host: get('host')?.trim() || null,
    readonly: flag(get('readonly')),
    origins: parseOrigins(get('origins')),
  };
}
