/**
 * What Tab can complete in a host's terminal, read from the world snapshot: commands, the devices of
 * the namespace the command will run in, namespace names, and every address in the lab.
 */
import type { WorldSnapshot } from '../../engine/snapshot';
import { commandNames } from '../../commands';
import type { CompletionContext } from './lineDiscipline';

/** Shell builtins and programs the terminal runs itself (see src/store/terminals.ts). */
export const TERMINAL_BUILTINS = ['clear', 'exit', 'history'];

export function completionContext(snapshot: WorldSnapshot, host: string, line: string): CompletionContext {
  const hosts = snapshot.netns.filter((n) => n.role === 'host');
  // `ip netns exec pod1 …` / `ip -n pod1 …` complete the devices of pod1
  const m = /(?:^|[;&|]\s*)ip\s+(?:netns\s+exec|-n(?:etns)?)\s+(\S+)\s/.exec(line);
  const target = (m && hosts.find((n) => n.name === m[1])) || hosts.find((n) => n.name === host);
  const addresses = hosts.flatMap((n) => n.devs.flatMap((d) => (d.kind === 'loopback' ? [] : d.addrs.map((a) => a.addr))));
  return {
    commands: [...new Set([...commandNames(), ...TERMINAL_BUILTINS])],
    devices: target ? target.devs.map((d) => d.name) : [],
    netns: hosts.map((n) => n.name),
    addresses: [...new Set(addresses)],
  };
}
