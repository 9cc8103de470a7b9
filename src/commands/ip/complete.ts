import type { Completer } from '../registry/types';

const IP_OBJECTS = ['address', 'link', 'neighbour', 'netns', 'route'];
const IP_VERBS: Record<string, string[]> = {
  link: ['add', 'delete', 'set', 'show'],
  address: ['add', 'del', 'flush', 'show'],
  route: ['add', 'del', 'flush', 'get', 'replace', 'show'],
  neighbour: ['add', 'del', 'flush', 'show'],
  netns: ['add', 'del', 'exec', 'list'],
};
/** `ip` object abbreviations, as iproute2 matches them (table order decides: "a" is address). */
const IP_ALIASES: [string, string][] = [
  ['address', 'address'],
  ['addr', 'address'],
  ['a', 'address'],
  ['link', 'link'],
  ['l', 'link'],
  ['neighbour', 'neighbour'],
  ['neighbor', 'neighbour'],
  ['neigh', 'neighbour'],
  ['n', 'neighbour'],
  ['netns', 'netns'],
  ['route', 'route'],
  ['r', 'route'],
  ['ro', 'route'],
];
const ipObject = (w: string | undefined): string | undefined => IP_ALIASES.find(([a]) => a === w)?.[1];

/** Tab completion for `ip`: objects, verbs, and the names each verb takes. */
export const completeIp: Completer = (rest, env, sub) => {
  if (rest[0] === '-n' || rest[0] === '-netns') {
    if (rest.length === 1) return env.netns;
    return completeIp(rest.slice(2), env, sub);
  }
  if (rest.length === 0) return IP_OBJECTS;
  const obj = ipObject(rest[0]);
  if (!obj) return [];
  if (rest.length === 1) return IP_VERBS[obj];
  const verb = rest[1];
  const last = rest[rest.length - 1];
  if (obj === 'netns') {
    // `ip netns exec NAME cmd …` runs a command in another namespace
    if (verb === 'exec' && rest.length >= 3) return sub(rest.slice(3));
    return verb === 'del' || verb === 'delete' || verb === 'exec' ? (rest.length === 2 ? env.netns : []) : [];
  }
  if (obj === 'link') {
    if (verb === 'set' || verb === 'del' || verb === 'delete' || verb === 'show') {
      if (rest.length === 2) return ['dev', ...env.devices];
      if (verb === 'set' && last === 'netns') return env.netns;
      if (last === 'dev' || last === 'master') return env.devices;
      if (verb === 'set') return ['up', 'down', 'master', 'nomaster', 'netns', 'name', 'address', 'mtu'];
      return [];
    }
    if (verb === 'add') {
      if (last === 'type') return ['bridge', 'veth'];
      if (last === 'netns') return env.netns;
      return rest.length === 2 ? [] : ['type', 'peer', 'name', 'netns'];
    }
    return [];
  }
  if (last === 'dev') return env.devices;
  if (last === 'via' || last === 'to' || last === 'from') return env.addresses;
  if (obj === 'address' && (verb === 'show' || verb === 'flush')) return ['dev', ...env.devices];
  if (obj === 'route' && (verb === 'add' || verb === 'del' || verb === 'replace')) {
    return rest.length === 2 ? ['default', ...env.addresses] : ['via', 'dev', 'src', 'metric', 'table'];
  }
  if (obj === 'route' && verb === 'get') return env.addresses;
  if (obj === 'address' && (verb === 'add' || verb === 'del')) return rest.length === 2 ? [] : ['dev'];
  if (obj === 'neighbour') return ['dev', ...env.addresses];
  return [];
};
