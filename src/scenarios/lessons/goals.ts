/**
 * Goals: declarative checks over the live lab, combined with all/any/not.
 *
 * A goal kind is registered data: the fields it takes (so lesson files are validated with paths),
 * a sentence for people, and a check. The checks read the lab the way a student would: with the
 * read-only tools (`ip link show`, `ip route get`, `sysctl -n`, run in a rollback so nothing moves),
 * with the engine's probe for "a ping from A to B succeeds" (what would happen, the lab untouched),
 * and with the observed traces for "the last ping from A ended with VERDICT" (what did happen).
 *
 * Other layers add kinds with `registerGoalKind` as they land (Services, NetworkPolicy, DNS): a
 * lesson that names a kind nobody registered gets a validation error at that path.
 */
import type { World } from '../../engine/world';
import type { WorldSnapshot } from '../../engine/snapshot';
import { probe } from '../../engine/ipv4/probe';
import { runCommand, type CommandResult } from '../../commands';
import type { Goal, GoalArgs, LessonIssue } from './types';
import type { PingObservation } from './observe';
import { hostNetns, IPV4, targetAddress } from './refs';

/** `target`: an IPv4 address, a host, a pod `ns/name` or a Service `svc/[ns/]name` (refs.ts) */
export type FieldType = 'name' | 'string' | 'ipv4' | 'target' | 'boolean' | 'number' | 'names' | 'command';

export interface FieldSpec {
  type: FieldType;
  required?: boolean;
  /** for `string`: the allowed values */
  oneOf?: readonly string[];
}

export interface GoalContext {
  world: World;
  snapshot: WorldSnapshot;
  /** pings observed since the step began, oldest first */
  pings: readonly PingObservation[];
  /** run a read-only command; the lab is left exactly as it was */
  query(on: string, line: string): CommandResult;
  /** run a probe (a connection, a lookup) in a rollback, untraced: what would happen, the lab untouched */
  probe(netns: string, line: string): CommandResult;
}

export interface GoalResult {
  ok: boolean;
  /** what is missing, for the student (empty when ok) */
  detail: string;
}

export interface GoalKind {
  kind: string;
  fields: Record<string, FieldSpec>;
  /** a sentence: "v-net-0 on node01 is UP" */
  describe(args: GoalArgs): string;
  check(args: GoalArgs, ctx: GoalContext): GoalResult;
}

const registry = new Map<string, GoalKind>();

/** Add a goal kind (Kubernetes packages register theirs here as they land). */
export function registerGoalKind(kind: GoalKind): void {
  registry.set(kind.kind, kind);
}

export function goalKinds(): string[] {
  return [...registry.keys()].sort();
}

const COMBINATORS = ['all', 'any', 'not'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;

/** Read-only tools a `shows` goal may run: they print state and change nothing. */
const READ_ONLY = [
  /^ip( -\S+)* (l|link|a|addr|address|r|route|n|neigh|neighbour|netns)( (show|list|lst|get|ls)( .*)?)?$/,
  /^bridge( -\S+)* (fdb|link)( show( .*)?)?$/,
  /^sysctl( -[nea]+)* [\w.]+$/,
  /^cat \/proc\/sys\/\S+$/,
  /^kubectl( -\S+( \S+)?)* (get|describe)( [\w./=,:@-]+| -\S+)*$/,
  /^iptables-save( -t \w+| -c)*$/,
  /^iptables( -t \w+)? -[SL]( [A-Za-z0-9][\w.-]*)?( -(n|v|x|nv|vn|nvx)| --line-numbers)*$/,
];
const isReadOnly = (line: string) => !/[;&|><`$]/.test(line) && READ_ONLY.some((r) => r.test(line.trim()));

function fieldIssues(args: unknown, kind: GoalKind, path: string): LessonIssue[] {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return [{ path, message: `"${kind.kind}" takes an object with ${Object.keys(kind.fields).join(', ')}` }];
  const issues: LessonIssue[] = [];
  const o = args as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!(key in kind.fields)) issues.push({ path: `${path}.${key}`, message: `unknown field (allowed: ${Object.keys(kind.fields).join(', ')})` });
  for (const [key, spec] of Object.entries(kind.fields)) {
    const v = o[key];
    const at = `${path}.${key}`;
    if (v === undefined) {
      if (spec.required) issues.push({ path: at, message: 'is required' });
      continue;
    }
    const bad = (what: string) => issues.push({ path: at, message: `must be ${what}` });
    switch (spec.type) {
      case 'name':
        if (typeof v !== 'string' || !NAME.test(v)) bad('a name');
        break;
      case 'string':
        if (typeof v !== 'string' || v === '') bad('a non-empty string');
        else if (spec.oneOf && !spec.oneOf.includes(v)) bad(`one of ${spec.oneOf.join(', ')}`);
        break;
      case 'ipv4':
        if (typeof v !== 'string' || !IPV4.test(v)) bad('an IPv4 address like 10.244.2.2');
        break;
      case 'target':
        if (typeof v !== 'string' || !(IPV4.test(v) || NAME.test(v))) bad('an IPv4 address, a host, a pod (namespace/name) or a Service (svc/name)');
        break;
      case 'boolean':
        if (typeof v !== 'boolean') bad('true or false');
        break;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) bad('a number');
        break;
      case 'names':
        if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && NAME.test(x))) bad('a list of names');
        break;
      case 'command':
        if (typeof v !== 'string' || !isReadOnly(v)) bad('a read-only command (ip … show/get, bridge … show, sysctl KEY)');
        break;
    }
  }
  return issues;
}

/** Problems with a goal as written, each with its path (`steps[1].goal.all[0].route.via`). */
export function goalIssues(goal: unknown, path: string): LessonIssue[] {
  if (typeof goal !== 'object' || goal === null || Array.isArray(goal)) return [{ path, message: 'a goal is an object with one key: a check (link, route, ping, …) or all/any/not' }];
  const keys = Object.keys(goal);
  if (keys.length !== 1) return [{ path, message: `a goal has exactly one key, not ${keys.length === 0 ? 'none' : keys.join(', ')} (combine goals with all/any)` }];
  const key = keys[0];
  const value = (goal as Record<string, unknown>)[key];
  const at = `${path}.${key}`;
  if (key === 'all' || key === 'any') {
    if (!Array.isArray(value) || value.length === 0) return [{ path: at, message: 'must be a non-empty list of goals' }];
    return value.flatMap((g, i) => goalIssues(g, `${at}[${i}]`));
  }
  if (key === 'not') return goalIssues(value, at);
  const kind = registry.get(key);
  if (!kind) return [{ path: at, message: `unknown goal "${key}" (known: ${[...COMBINATORS, ...goalKinds()].join(', ')})` }];
  return fieldIssues(value, kind, at);
}

function unpack(goal: Goal): [string, unknown] {
  const key = Object.keys(goal)[0];
  return [key, (goal as Record<string, unknown>)[key]];
}

/** A sentence for a goal, for the checklist. */
export function describeGoal(goal: Goal): string {
  const [key, value] = unpack(goal);
  if (key === 'all') return (value as Goal[]).map(describeGoal).join('; and ');
  if (key === 'any') return `one of: ${(value as Goal[]).map(describeGoal).join('; or ')}`;
  if (key === 'not') return `not (${describeGoal(value as Goal)})`;
  return registry.get(key)?.describe(value as GoalArgs) ?? key;
}

/** Check a goal against the lab. Never throws: a failing check is a goal not met. */
export function checkGoal(goal: Goal, ctx: GoalContext): GoalResult {
  const [key, value] = unpack(goal);
  if (key === 'all') {
    for (const g of value as Goal[]) {
      const r = checkGoal(g, ctx);
      if (!r.ok) return r;
    }
    return { ok: true, detail: '' };
  }
  if (key === 'any') {
    const results = (value as Goal[]).map((g) => checkGoal(g, ctx));
    return results.some((r) => r.ok) ? { ok: true, detail: '' } : { ok: false, detail: results.map((r) => r.detail).join(' — or — ') };
  }
  if (key === 'not') {
    const r = checkGoal(value as Goal, ctx);
    return r.ok ? { ok: false, detail: `not yet: ${describeGoal(value as Goal)} still holds` } : { ok: true, detail: '' };
  }
  const kind = registry.get(key);
  if (!kind) return { ok: false, detail: `no check for "${key}" in this Hoplab` };
  try {
    return kind.check(value as GoalArgs, ctx);
  } catch (e) {
    return { ok: false, detail: `the check failed: ${(e as Error).message}` };
  }
}

/** A GoalContext over a World: read-only commands run in a rollback. */
export function goalContext(world: World, snapshot: WorldSnapshot, pings: readonly PingObservation[]): GoalContext {
  return {
    world,
    snapshot,
    pings,
    query(on, line) {
      const saved = world.beginRollback();
      const version = world.version;
      try {
        const r = runCommand(world, on, line);
        if (world.version !== version) return { stdout: '', stderr: 'not a read-only command', exit: 1, trace: [] };
        return r;
      } finally {
        world.endRollback(saved);
      }
    },
    probe(netns, line) {
      const saved = world.beginRollback();
      const tracing = world.tracing;
      try {
        world.tracing = false;
        return runCommand(world, netns, line);
      } finally {
        world.endRollback(saved);
        world.tracing = tracing;
      }
    },
  };
}

/* ---------------- the built-in kinds ---------------- */

const s = (v: unknown) => String(v);
const ok = (): GoalResult => ({ ok: true, detail: '' });
const no = (detail: string): GoalResult => ({ ok: false, detail });
/** The namespace of a host the goal names (a machine, a pod, or a cluster's pod as `ns/name`). */
const hostOf = (ctx: GoalContext, ref: unknown): string | null => {
  const ns = hostNetns(ctx.world, s(ref));
  return ns && ctx.snapshot.netns.some((n) => n.name === ns && n.role === 'host') ? ns : null;
};
const absent = (ref: unknown) => (s(ref).includes('/') ? `pod ${s(ref)} is not running` : `there is no ${s(ref)} yet`);

registerGoalKind({
  kind: 'host',
  fields: { name: { type: 'name', required: true } },
  describe: (a) => `there is a machine or pod called ${s(a.name)}`,
  check: (a, ctx) => (hostOf(ctx, a.name) ? ok() : no(absent(a.name))),
});

registerGoalKind({
  kind: 'lan',
  fields: { members: { type: 'names', required: true } },
  describe: (a) => `${(a.members as string[]).join(', ')} are plugged into one LAN`,
  check: (a, ctx) => {
    const want = a.members as string[];
    const lan = ctx.snapshot.lans.find((l) => want.every((m) => l.members.some((x) => `${x.netns}:${x.dev}` === m)));
    if (lan) return ok();
    const missing = want.filter((m) => !ctx.snapshot.lans.some((l) => l.members.some((x) => `${x.netns}:${x.dev}` === m)));
    return no(missing.length ? `not plugged into a LAN: ${missing.join(', ')}` : 'they are on different LANs');
  },
});

registerGoalKind({
  kind: 'link',
  fields: { on: { type: 'name', required: true }, dev: { type: 'name', required: true }, up: { type: 'boolean' }, state: { type: 'string', oneOf: ['UP', 'DOWN', 'UNKNOWN', 'LOWERLAYERDOWN'] }, master: { type: 'name' } },
  describe: (a) =>
    `\`ip link show ${s(a.dev)}\` on ${s(a.on)} shows ${[a.up === false ? 'it down' : 'UP', a.state ? `state ${s(a.state)}` : '', a.master ? `master ${s(a.master)}` : ''].filter(Boolean).join(', ')}`,
  check: (a, ctx) => {
    const on = hostOf(ctx, a.on);
    if (!on) return no(absent(a.on));
    const r = ctx.query(on, `ip link show dev ${s(a.dev)}`);
    if (r.exit !== 0) return no(`${s(a.on)} has no device ${s(a.dev)} yet`);
    const flags = /<([^>]*)>/.exec(r.stdout)?.[1].split(',') ?? [];
    const up = flags.includes('UP');
    if ((a.up ?? true) !== up) return no(`${s(a.dev)} on ${s(a.on)} is ${up ? 'up' : 'down'}`);
    const state = / state (\S+)/.exec(r.stdout)?.[1];
    if (a.state && state !== a.state) return no(`${s(a.dev)} on ${s(a.on)} is in state ${state}`);
    const master = / master (\S+)/.exec(r.stdout)?.[1];
    if (a.master && master !== a.master) return no(`${s(a.dev)} on ${s(a.on)} is ${master ? `a port of ${master}` : 'not a bridge port'}`);
    return ok();
  },
});

registerGoalKind({
  kind: 'addr',
  fields: { on: { type: 'name', required: true }, dev: { type: 'name', required: true }, addr: { type: 'string', required: true } },
  describe: (a) => `${s(a.dev)} on ${s(a.on)} has ${s(a.addr)}`,
  check: (a, ctx) => {
    const on = hostOf(ctx, a.on);
    if (!on) return no(absent(a.on));
    const r = ctx.query(on, `ip -4 addr show dev ${s(a.dev)}`);
    if (r.exit !== 0) return no(`${s(a.on)} has no device ${s(a.dev)} yet`);
    const want = s(a.addr);
    const has = r.stdout.split('\n').some((l) => {
      const m = /^\s*inet (\S+)/.exec(l);
      return !!m && (m[1] === want || (!want.includes('/') && m[1].split('/')[0] === want));
    });
    return has ? ok() : no(`${s(a.dev)} on ${s(a.on)} does not have ${want}`);
  },
});

registerGoalKind({
  kind: 'route',
  fields: { on: { type: 'name', required: true }, to: { type: 'ipv4', required: true }, via: { type: 'ipv4' }, dev: { type: 'name' } },
  describe: (a) => `${s(a.on)} has a route covering ${s(a.to)}${a.via ? ` via ${s(a.via)}` : ''}${a.dev ? ` dev ${s(a.dev)}` : ''}`,
  check: (a, ctx) => {
    const on = hostOf(ctx, a.on);
    if (!on) return no(absent(a.on));
    // the route the kernel would pick, as `ip route get` prints it
    const r = ctx.query(on, `ip route get ${s(a.to)}`);
    if (r.exit !== 0) return no(`${s(a.on)}: ${(r.stderr || r.stdout).trim() || 'no route'} (to ${s(a.to)})`);
    const via = / via (\S+)/.exec(r.stdout)?.[1];
    const dev = / dev (\S+)/.exec(r.stdout)?.[1];
    if (a.via && via !== a.via) return no(`${s(a.on)} sends ${s(a.to)} ${via ? `via ${via}` : `straight out of ${dev}`}, not via ${s(a.via)}`);
    if (a.dev && dev !== a.dev) return no(`${s(a.on)} sends ${s(a.to)} out of ${dev}, not ${s(a.dev)}`);
    return ok();
  },
});

registerGoalKind({
  kind: 'sysctl',
  fields: { on: { type: 'name', required: true }, key: { type: 'string', required: true }, value: { type: 'string', required: true } },
  describe: (a) => `\`${s(a.key)}\` is ${s(a.value)} on ${s(a.on)}`,
  check: (a, ctx) => {
    const on = hostOf(ctx, a.on);
    if (!on) return no(absent(a.on));
    const r = ctx.query(on, `sysctl -n ${s(a.key)}`);
    if (r.exit !== 0) return no(`${s(a.on)}: ${r.stderr.trim()}`);
    const got = r.stdout.trim();
    return got === s(a.value) ? ok() : no(`${s(a.key)} is ${got} on ${s(a.on)}`);
  },
});

registerGoalKind({
  kind: 'shows',
  fields: { on: { type: 'name', required: true }, run: { type: 'command', required: true }, contains: { type: 'string' }, matches: { type: 'string' } },
  describe: (a) => `\`${s(a.run)}\` on ${s(a.on)} shows ${a.contains ? `“${s(a.contains)}”` : `/${s(a.matches)}/`}`,
  check: (a, ctx) => {
    const on = hostOf(ctx, a.on);
    if (!on) return no(absent(a.on));
    const r = ctx.query(on, s(a.run));
    const out = r.stdout + r.stderr;
    if (a.contains !== undefined && !out.includes(s(a.contains))) return no(`\`${s(a.run)}\` on ${s(a.on)} does not show “${s(a.contains)}” yet`);
    if (a.matches !== undefined && !new RegExp(s(a.matches), 'm').test(out)) return no(`\`${s(a.run)}\` on ${s(a.on)} does not show /${s(a.matches)}/ yet`);
    return ok();
  },
});

registerGoalKind({
  kind: 'ping',
  fields: { from: { type: 'name', required: true }, to: { type: 'target', required: true }, succeeds: { type: 'boolean' } },
  describe: (a) => `a ping from ${s(a.from)} to ${s(a.to)} ${a.succeeds === false ? 'fails' : 'succeeds'}`,
  check: (a, ctx) => {
    const from = hostOf(ctx, a.from);
    if (!from) return no(absent(a.from));
    const to = targetAddress(ctx.world, ctx.snapshot, s(a.to));
    if ('missing' in to) return no(to.missing);
    if (probe(ctx.world, from, to.ip, { trace: false }).ok === (a.succeeds ?? true)) return ok();
    // not met: probe again with the trace, whose drop says why
    const r = probe(ctx.world, from, to.ip, { trace: true });
    return no(r.ok ? `${s(a.from)} still reaches ${s(a.to)}` : `from ${s(a.from)}, ${s(a.to)}: ${r.summary}`);
  },
});

/** A host reference as the namespace an observation names (a pod `ns/name` → its `cni-…` netns). */
const observed = (ctx: GoalContext, ref: unknown): string => hostNetns(ctx.world, s(ref)) ?? s(ref);

registerGoalKind({
  kind: 'traced',
  fields: {
    from: { type: 'name', required: true },
    to: { type: 'target' },
    port: { type: 'number' },
    protocol: { type: 'string', oneOf: ['ICMP', 'TCP', 'UDP'] },
    outcome: { type: 'string' },
    stopsAt: { type: 'name' },
    crosses: { type: 'names' },
    tunnel: { type: 'name' },
  },
  describe: (a) =>
    `the last traced ${a.protocol && a.protocol !== 'ICMP' ? `${s(a.protocol)} connection` : a.port ? 'connection' : 'ping'} from ${s(a.from)}${a.to ? ` to ${s(a.to)}` : ''}${a.port ? ` port ${s(a.port)}` : ''} ${[
      a.outcome ? (a.outcome === 'reply' ? 'got a reply' : `ended with ${s(a.outcome)}`) : '',
      a.stopsAt ? `stopped at ${s(a.stopsAt)}` : '',
      a.crosses ? `went through ${(a.crosses as string[]).join(' → ')}` : '',
      a.tunnel ? `was carried in ${s(a.tunnel)}` : '',
    ]
      .filter(Boolean)
      .join(', ') || 'was run'}`,
  check: (a, ctx) => {
    const from = observed(ctx, a.from);
    const to = a.to === undefined ? undefined : targetAddress(ctx.world, ctx.snapshot, s(a.to));
    if (to && 'missing' in to) return no(to.missing);
    const protocol = a.protocol ?? (a.port !== undefined ? undefined : 'ICMP');
    const what = `${protocol === 'ICMP' ? 'ping' : 'connection'} from ${s(a.from)}${a.to ? ` to ${s(a.to)}` : ''}${a.port ? ` port ${s(a.port)}` : ''}`;
    const last = ctx.pings.findLast((p) => p.from === from && (!to || p.to === to.ip) && (!protocol || p.protocol === protocol) && (a.port === undefined || p.port === a.port));
    if (!last) return no(`run a ${what}`);
    if (a.outcome && last.outcome !== a.outcome) return no(`the last ${what} ended with ${last.outcome}`);
    if (a.stopsAt && last.stoppedAt !== observed(ctx, a.stopsAt)) return no(`the last ${what} stopped at ${last.stoppedAt}`);
    if (a.crosses) {
      const want = (a.crosses as string[]).map((r) => observed(ctx, r));
      let i = 0;
      for (const ns of last.path) if (ns === want[i]) i++;
      if (i < want.length) return no(`the last ${what} went ${last.path.join(' → ')}`);
    }
    if (a.tunnel && !last.tunnels.includes(s(a.tunnel))) return no(`the last ${what} was ${last.tunnels.length ? `carried in ${last.tunnels.join(', ')}` : 'not encapsulated'}, not in ${s(a.tunnel)}`);
    return ok();
  },
});
