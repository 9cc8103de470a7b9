import { formatIpv4, formatPrefix } from '../addr/ipv4';
import { isLinkdown } from './frontend';
import { RTPROT, RT_SCOPE, type FibRoute } from './route';

const PROTO_NAMES: Record<number, string> = { 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 186: 'bgp', 187: 'isis', 188: 'ospf', 189: 'rip', 16: 'dhcp' };
const SCOPE_NAMES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };

export const protoName = (p: number): string => PROTO_NAMES[p] ?? String(p);
export const scopeName = (s: number): string => SCOPE_NAMES[s] ?? String(s);

/** One route as iproute2's print_route() writes it (trailing space included, as ip prints it). */
export interface RouteFormat {
  showTable?: boolean;
  omitDev?: boolean;
  omitProto?: boolean;
  omitScope?: boolean;
  omitVia?: boolean;
}

export function formatRoute(r: FibRoute, opts: RouteFormat = {}): string {
  let s = '';
  if (r.type !== 'unicast') s += `${r.type} `;
  s += r.plen === 0 ? 'default' : formatPrefix(r.dst, r.plen);
  s += ' ';
  if (r.nh) {
    if (r.nh.gw !== undefined && !opts.omitVia) s += `via ${formatIpv4(r.nh.gw)} `;
    if (!opts.omitDev) s += `dev ${r.nh.dev.name} `;
  }
  if (opts.showTable && r.table !== 254) s += `table ${r.table === 255 ? 'local' : r.table} `;
  if (!opts.omitProto && r.proto !== RTPROT.boot) s += `proto ${protoName(r.proto)} `;
  if (!opts.omitScope && r.scope !== RT_SCOPE.universe) s += `scope ${scopeName(r.scope)} `;
  if (r.prefsrc !== undefined) s += `src ${formatIpv4(r.prefsrc)} `;
  if (r.metric) s += `metric ${r.metric} `;
  if (r.nh?.onlink) s += 'onlink ';
  if (r.nh && r.nh.dev.adminUp && isLinkdown(r)) s += 'linkdown ';
  return s;
}

/** Route texts by route, with what they depend on besides the (never changed) route itself. */
const routeTexts = new WeakMap<FibRoute, { dev: string | undefined; up: boolean; linkdown: boolean; text: string }>();

/** The route as `ip route` prints it, for the trace (memoized: a packet meets the same few routes again and again). */
export function routeText(r: FibRoute): string {
  const dev = r.nh?.dev;
  const up = !!dev && dev.adminUp;
  const linkdown = up && isLinkdown(r);
  const c = routeTexts.get(r);
  if (c !== undefined && c.dev === dev?.name && c.up === up && c.linkdown === linkdown) return c.text;
  const text = formatRoute(r, { showTable: r.table !== 254 }).trim();
  routeTexts.set(r, { dev: dev?.name, up, linkdown, text });
  return text;
}
