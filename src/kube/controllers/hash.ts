/**
 * pod-template-hash: the Deployment controller hashes the pod template with FNV-32a and spells
 * the decimal value with rand.SafeEncodeString. Go hashes a spew dump of the template struct;
 * Hoplab hashes the template's canonical JSON (keys sorted) instead, a documented deterministic
 * equivalent with the same shape (up to 10 characters of `bcdfghjklmnpqrstvwxz2456789`).
 */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  const bytes = new TextEncoder().encode(text);
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString */
export const safeEncodeString = (s: string): string => [...s].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export const podTemplateHash = (template: unknown, collisionCount = 0): string =>
  safeEncodeString(String(fnv32a(canonicalJson(template) + (collisionCount ? String(collisionCount) : ''))));
