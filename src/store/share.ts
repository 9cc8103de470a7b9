/**
 * Share links: a whole lab in the URL hash, compressed (deflate-raw, CompressionStream) and
 * base64url-encoded: `#lab=z<data>`, with `&readonly=1` to open it read-only. Nothing leaves the
 * browser: the hash is never sent to a server. A link that does not decode gives a message a
 * person can act on, and the caller keeps the current lab.
 */
import type { LabDoc } from './doc';
import { parseLab, serializeLab, type ParseResult } from './persist';

/** A shared lab decompresses to at most this much JSON (a link is not a way to fill memory). */
export const MAX_SHARED_BYTES = 2_000_000;
const PREFIX = 'z';

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('it has characters a lab link never has');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pump(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`it holds more than ${limit / 1_000_000} MB`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The hash payload for a lab: "z" + base64url(deflate-raw(lab file JSON)). */
export async function encodeLab(doc: LabDoc): Promise<string> {
  const json = new TextEncoder().encode(serializeLab({ ...doc, positions: doc.positions }).trim());
  const stream = new Blob([json as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return PREFIX + toBase64Url(await pump(stream, Number.MAX_SAFE_INTEGER));
}

/** Read a payload back. Never throws. */
export async function decodeLab(payload: string): Promise<ParseResult> {
  let text: string;
  try {
    if (!payload.startsWith(PREFIX)) throw new Error('it is not a Hoplab lab link');
    const bytes = fromBase64Url(payload.slice(PREFIX.length));
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    text = new TextDecoder('utf-8', { fatal: true }).decode(await pump(stream, MAX_SHARED_BYTES));
  } catch (e) {
    const why = e instanceof Error && e.message && !/^(The|Failed|incorrect|invalid)/i.test(e.message) ? e.message : 'its data is damaged (was the link cut short?)';
    return { ok: false, error: `This link does not decode: ${why}.` };
  }
  const r = await parseLab(text);
  return r.ok ? r : { ok: false, error: `This link does not hold a lab Hoplab can read: ${r.error}` };
}

export interface ShareHash {
  /** a preset name or an encoded lab */
  lab: string | null;
  lesson: string | null;
  readonly: boolean;
}

/** `#lab=…&lesson=…&readonly=1` (`|` separates too, as in `embed.html#lab=…|lesson=…`). */
export function readShareHash(hash: string): ShareHash {
  const p = new URLSearchParams(hash.replace(/^#/, '').replace(/\|/g, '&'));
  const flag = (v: string | null) => v !== null && v !== '0' && v.toLowerCase() !== 'false';
  return { lab: p.get('lab') || null, lesson: p.get('lesson') || null, readonly: flag(p.get('readonly')) };
}

export function shareHash(payload: string, opts: { readonly?: boolean } = {}): string {
  return `#lab=${payload}${opts.readonly ? '&readonly=1' : ''}`;
}

export const isEncodedLab = (lab: string): boolean => lab.startsWith(PREFIX) && lab.length > 16;
