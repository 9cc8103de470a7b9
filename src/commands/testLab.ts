/**
 * Named topologies for tests, built as the lab handout builds them: hosts and cables, then
 * configured with the commands a person would type. One driver for the engine's and the
 * commands' tests, so a test says which lab it needs, not how to wire it.
 */
import { World } from '../engine/world';
import { runCommand } from './job';

/** Run a command line (sh syntax) that must succeed; a failure names the host, the line and its stderr. */
export function mustRun(w: World, on: string, line: string): void {
  const r = runCommand(w, on, line, { shell: 'sh' });
  if (r.exit !== 0) throw new Error(`${on}: ${line}: exit ${r.exit}: ${r.stderr}`);
}

/** Two hosts on one cable, 10.0.0.1/24 and 10.0.0.2/24 on their eth0. */
export function twoHosts(a = 'h1', b = 'h2'): World {
  const w = new World();
  w.addHost(a);
  w.addHost(b);
  w.addLink(`${a}:eth0`, `${b}:eth0`);
  mustRun(w, a, 'ip addr add 10.0.0.1/24 dev eth0');
  mustRun(w, b, 'ip addr add 10.0.0.2/24 dev eth0');
  return w;
}

export interface RoutedOptions {
  /** the host on the left, the router, the host on the right */
  names?: [string, string, string];
  /** the first three octets of the left and right /24s (the router is .1, the hosts .2) */
  left?: string;
  right?: string;
}

/**
 * Two hosts on two /24s joined by a router that forwards (`left`.2 — r eth0 `left`.1 | eth1
 * `right`.1 — `right`.2), each host's default route via the router.
 */
export function routed(opts: RoutedOptions = {}): World {
  const [h1, r, h2] = opts.names ?? ['h1', 'r1', 'h2'];
  const left = opts.left ?? '10.1.0';
  const right = opts.right ?? '10.2.0';
  const w = new World();
  for (const h of [h1, r, h2]) w.addHost(h);
  w.addLink(`${h1}:eth0`, `${r}:eth0`);
  w.addLink(`${r}:eth1`, `${h2}:eth0`);
  mustRun(w, h1, `ip addr add ${left}.2/24 dev eth0 && ip route add default via ${left}.1`);
  mustRun(w, r, `ip addr add ${left}.1/24 dev eth0 && ip addr add ${right}.1/24 dev eth1 && sysctl -qw net.ipv4.ip_forward=1`);
  mustRun(w, h2, `ip addr add ${right}.2/24 dev eth0 && ip route add default via ${right}.1`);
  return w;
}
