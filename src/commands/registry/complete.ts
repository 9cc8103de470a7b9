import type { CompletionEnv } from './types';
import { commandNames, lookupCommand } from './table';

/** Words after which any command expects a device, or an address (`dev eth0`, `via 10.0.0.1`). */
const DEVICE_WORDS = new Set(['dev', 'master', '-i', 'oif', 'iif']);
const ADDRESS_WORDS = new Set(['via', 'to', 'from']);

/**
 * What may come next after `words` (the words of one simple command before the one being
 * completed): command names first, then what the command's own completer offers.
 */
export function completeWords(words: readonly string[], env: CompletionEnv): readonly string[] {
  if (words.length === 0) return commandNames();
  const spec = lookupCommand(words[0]);
  const sub = (w: readonly string[]) => completeWords(w, env);
  // a wrapper (ip netns exec NAME cmd …) decides for the command it runs, before the generic words
  const own = spec?.complete?.(words.slice(1), env, sub);
  if (own && own.length > 0) return own;
  const last = words[words.length - 1];
  if (DEVICE_WORDS.has(last)) return env.devices;
  if (ADDRESS_WORDS.has(last)) return env.addresses;
  return own ?? [];
}
