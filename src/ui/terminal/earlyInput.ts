/**
 * Keys typed into a terminal before its screen exists (xterm is fetched when the first terminal
 * opens): kept per host, in the form the terminal sends them, and fed to the terminal as soon as
 * it starts, so that `hostname` typed at once is not cut to `name`.
 */
const pending = new Map<string, string>();

/** What xterm sends for a key, or null for keys a terminal does not get (shortcuts, modifiers). */
export function keyInput(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): string | null {
  if (e.metaKey || e.altKey) return null;
  if (e.ctrlKey) return /^[a-z]$/i.test(e.key) ? String.fromCharCode(e.key.toLowerCase().charCodeAt(0) - 96) : null;
  if (e.key === 'Enter') return '\r';
  if (e.key === 'Backspace') return '\x7f';
  if (e.key === 'Tab') return '\t';
  return [...e.key].length === 1 ? e.key : null;
}

export function bufferInput(host: string, data: string): void {
  pending.set(host, (pending.get(host) ?? '') + data);
}

export function bufferedInput(host: string): string {
  return pending.get(host) ?? '';
}

/** The keys kept for `host`, once: the terminal that takes them has them. */
export function takeInput(host: string): string {
  const data = pending.get(host) ?? '';
  pending.delete(host);
  return data;
}
