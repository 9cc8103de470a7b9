import { World } from '../engine/world';
import { validateClusterConfig, type ClusterConfigInput } from '../kube/config';

/** A lab as data: the oracle's scenario format (topology + steps), optionally on top of a preset. */
export interface Step {
  on: string;
  run: string;
  timeout?: number;
  /** what the command reads on standard input (`kubectl apply -f -`) */
  stdin?: string;
}

export interface Scenario {
  name: string;
  description?: string;
  preset?: string;
  hosts?: string[];
  lans?: Record<string, string[]>;
  links?: [string, string][];
  /** with `"preset": "cluster"`: the cluster's shape (nodes, networks, pools) */
  cluster?: ClusterConfigInput;
  /** each host a separate machine (its namespaces its own) */
  machines?: boolean;
  steps: Step[];
}

const HOST_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const IFNAME_RE = /^[A-Za-z0-9_.-]{1,15}$/;
const KEYS = ['name', 'description', 'preset', 'hosts', 'lans', 'links', 'cluster', 'machines', 'steps'];

/** The preset that builds a Kubernetes cluster (src/kube) instead of running setup steps. */
export const CLUSTER_PRESET = 'cluster';

/** Parse and validate, listing every problem the way the oracle's --validate does. */
export function parseScenario(jsonText: string, knownPresets: string[] = []): Scenario {
  let sc: unknown;
  try {
    sc = JSON.parse(jsonText);
  } catch (e) {
    throw new Error(`invalid JSON: ${(e as Error).message}`);
  }
  const errs = validateScenario(sc, knownPresets);
  if (errs.length) throw new Error(`invalid scenario:\n${errs.map((e) => `  - ${e}`).join('\n')}`);
  return sc as Scenario;
}

export function validateScenario(sc: unknown, knownPresets: string[] = []): string[] {
  const errs: string[] = [];
  if (typeof sc !== 'object' || sc === null || Array.isArray(sc)) return ['a scenario must be a JSON object'];
  const o = sc as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) errs.push(`unknown key "${k}" (allowed: ${KEYS.join(', ')})`);
  if (typeof o.name !== 'string' || !o.name) errs.push('"name" must be a non-empty string');
  if (o.preset !== undefined && (typeof o.preset !== 'string' || (knownPresets.length && !knownPresets.includes(o.preset) && o.preset !== CLUSTER_PRESET))) {
    errs.push(`"preset" must be one of: ${[...knownPresets, CLUSTER_PRESET].join(', ')}`);
  }
  if (o.cluster !== undefined && o.preset !== CLUSTER_PRESET) errs.push(`"cluster" needs "preset": "${CLUSTER_PRESET}"`);
  errs.push(...validateClusterConfig(o.cluster));
  if (o.machines !== undefined && typeof o.machines !== 'boolean') errs.push('"machines" must be true or false');
  const hosts = new Set<string>();
  if (o.hosts !== undefined) {
    if (!Array.isArray(o.hosts)) errs.push('"hosts" must be an array of names');
    else
      o.hosts.forEach((h, i) => {
        if (typeof h !== 'string' || !HOST_RE.test(h)) errs.push(`hosts[${i}]: invalid host name ${JSON.stringify(h)}`);
        else if (hosts.has(h)) errs.push(`hosts[${i}]: duplicate host name "${h}"`);
        else hosts.add(h);
      });
  }
  if (o.preset === undefined && o.hosts === undefined) errs.push('"hosts" or "preset" is required');
  const ifaces = new Set<string>();
  const endpoint = (ref: unknown, where: string) => {
    if (typeof ref !== 'string') return errs.push(`${where}: expected "host:ifname", got ${JSON.stringify(ref)}`);
    const parts = ref.split(':');
    if (parts.length !== 2) return errs.push(`${where}: expected "host:ifname", got "${ref}"`);
    const [h, ifn] = parts;
    if (!hosts.has(h) && o.preset === undefined) errs.push(`${where}: unknown host "${h}" in "${ref}"`);
    if (!IFNAME_RE.test(ifn)) errs.push(`${where}: invalid interface name "${ifn}"`);
    else if (ifn === 'lo') errs.push(`${where}: "lo" already exists in every host`);
    if (ifaces.has(ref)) errs.push(`${where}: duplicate interface "${ref}"`);
    ifaces.add(ref);
  };
  if (o.lans !== undefined) {
    if (typeof o.lans !== 'object' || o.lans === null || Array.isArray(o.lans)) errs.push('"lans" must be an object');
    else
      for (const [lan, members] of Object.entries(o.lans)) {
        if (!HOST_RE.test(lan)) errs.push(`lans: invalid LAN name "${lan}"`);
        if (!Array.isArray(members) || members.length === 0) errs.push(`lans.${lan}: must be a non-empty array of "host:ifname"`);
        else members.forEach((m, i) => endpoint(m, `lans.${lan}[${i}]`));
      }
  }
  if (o.links !== undefined) {
    if (!Array.isArray(o.links)) errs.push('"links" must be an array of pairs');
    else
      o.links.forEach((l, i) => {
        if (!Array.isArray(l) || l.length !== 2) return errs.push(`links[${i}]: must be a pair ["hostA:ifname", "hostB:ifname"]`);
        endpoint(l[0], `links[${i}][0]`);
        endpoint(l[1], `links[${i}][1]`);
      });
  }
  if (!Array.isArray(o.steps)) errs.push('"steps" must be an array');
  else
    o.steps.forEach((s, i) => {
      const w = `steps[${i}]`;
      if (typeof s !== 'object' || s === null) return errs.push(`${w}: must be an object {"on": host, "run": command}`);
      const st = s as Record<string, unknown>;
      for (const k of Object.keys(st)) if (!['on', 'run', 'timeout', 'stdin'].includes(k)) errs.push(`${w}: unknown key "${k}" (allowed: on, run, timeout, stdin)`);
      if ('stdin' in st && typeof st.stdin !== 'string') errs.push(`${w}: "stdin" must be a string`);
      if (typeof st.on !== 'string') errs.push(`${w}: "on" must be a host name`);
      if (typeof st.run !== 'string' || st.run.trim() === '') errs.push(`${w}: "run" must be a non-empty command string`);
      if ('timeout' in st && !(typeof st.timeout === 'number' && st.timeout > 0 && st.timeout <= 120)) errs.push(`${w}: "timeout" must be a number of seconds in (0, 120]`);
    });
  return errs;
}

/** The topology part: hosts (lo up), LANs as bridges in hidden namespaces, then cables. */
export function buildTopology(sc: Pick<Scenario, 'hosts' | 'lans' | 'links'>, world = new World()): World {
  for (const h of sc.hosts ?? []) if (!world.hasNetns(h)) world.addHost(h);
  for (const [lan, members] of Object.entries(sc.lans ?? {})) {
    // naming an existing LAN (the cluster's) adds the members to it
    if (world.lans.some((l) => l.name === lan)) for (const m of members) world.addLanMember(lan, m);
    else world.addLan(lan, members);
  }
  for (const [a, b] of sc.links ?? []) world.addLink(a, b);
  return world;
}
