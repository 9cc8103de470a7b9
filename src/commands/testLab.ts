/**
 * For tests: two hosts on one cable, 10.0.0.1/24 and 10.0.0.2/24 on their eth0, configured with
 * the commands a person would type.
 */
import { World } from '../engine/world';
import { runCommand } from './job';

export function twoHosts(a = 'h1', b = 'h2'): World {
  const w = new World();
  w.addHost(a);
  w.addHost(b);
  w.addLink(`${a}:eth0`, `${b}:eth0`);
  for (const [on, addr] of [[a, '10.0.0.1/24'], [b, '10.0.0.2/24']]) {
    const r = runCommand(w, on, `ip addr add ${addr} dev eth0`);
    if (r.exit !== 0) throw new Error(r.stderr);
  }
  return w;
}
