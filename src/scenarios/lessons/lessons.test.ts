import { describe, expect, it } from 'vitest';
import { World } from '../../engine/world';
import { runCommand } from '../../commands';
import { buildWorld } from '../runner';
import { builtinLessons, builtinLesson } from './builtin';
import { parseLesson, formatIssues } from './schema';
import { checkLesson, freshProgress, predict, revealHint, type LessonProgress } from './progress';
import { observePing, type PingObservation } from './observe';
import { checkGoal, goalContext, goalIssues, registerGoalKind } from './goals';
import type { Goal, Lesson } from './types';

/** A student in a terminal: runs lines, observes pings, checks the lesson after each change. */
class Student {
  world: World;
  progress: LessonProgress = freshProgress();
  pings: PingObservation[] = [];
  seq = 0;
  completed: string[] = [];
  constructor(readonly lesson: Lesson) {
    const lab = lesson.lab;
    this.world = 'preset' in lab ? buildWorld({ name: 'x', preset: lab.preset, steps: [] }) : buildWorld(lab.scenario);
    // an inline lab's setup, as the app's replay runs it
    if ('scenario' in lab) for (const st of lab.scenario.steps) runCommand(this.world, st.on, st.run, { shell: 'sh', stdin: st.stdin });
    this.check();
  }
  run(on: string, line: string) {
    const r = runCommand(this.world, on, line);
    const seen = observePing(line, r.trace, ++this.seq);
    if (seen) this.pings.push(seen);
    // a second passes before the next line, as the app's clock runs: pods start, endpoints follow
    this.world.advance(1000);
    this.check();
    return r;
  }
  predict(answer: string) {
    const step = this.lesson.steps[this.progress.step];
    this.progress = predict(this.lesson, this.progress, step.id, answer);
    this.pings = [];
  }
  check() {
    const a = checkLesson(this.world, this.lesson, this.progress, this.pings);
    if (a.completed.length) this.pings = [];
    this.completed.push(...a.completed);
    this.progress = a.progress;
    return a;
  }
  get current() {
    return this.lesson.steps[this.progress.step]?.id;
  }
}

describe('the built-in lessons', () => {
  it('all validate, ids are unique, and `next` names a lesson', () => {
    const all = builtinLessons();
    expect(all.length).toBeGreaterThanOrEqual(9);
    const ids = all.map((b) => b.lesson.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of all) if (b.lesson.next) expect(ids).toContain(b.lesson.next);
  });

  it('each can be finished by applying its solutions (and UI steps by their topology)', () => {
    for (const { lesson } of builtinLessons()) {
      const s = new Student(lesson);
      for (const step of lesson.steps) {
        expect(s.current, `${lesson.id}: ${step.id} is current`).toBe(step.id);
        if (step.predict) s.predict(step.predict.kind === 'where' ? 'node01' : step.predict.options![0]);
        if (step.id === 'machines') {
          for (const n of ['node01', 'node02', 'node03']) s.world.addHost(n);
          s.world.addLan('lan0', ['node01:eth0', 'node02:eth0', 'node03:eth0']);
          s.check();
        } else if (step.id === 'router') {
          s.world.addHost('router');
          s.world.addLanMember('lan0', 'router:eth0');
          s.run('router', 'ip addr add 192.168.1.1/24 dev eth0');
        }
        for (const line of step.solution ?? []) {
          expect(s.current, `${lesson.id}: ${step.id} not done before its last line`).toBe(step.id);
          const r = s.run(line.on, line.run);
          // probes may fail on purpose (the lesson's goal says how); everything else must work
          if (!/\b(ping|curl)\b/.test(line.run)) expect(r.exit, `${line.on}: ${line.run}: ${r.stderr}`).toBe(0);
        }
        expect(s.progress.done, `${lesson.id}: ${step.id} done`).toContain(step.id);
      }
      expect(s.progress.step).toBe(lesson.steps.length);
    }
  });
});

describe('what the old checklist got wrong', () => {
  it('the crossing ticks on what the packet did, whichever terminal typed the ping', () => {
    const s = new Student(builtinLesson('static-routes')!);
    for (const step of s.lesson.steps.slice(0, 5)) {
      if (step.predict) s.predict('node02');
      for (const l of step.solution ?? []) s.run(l.on, l.run);
    }
    expect(s.current).toBe('crossed');
    s.run('node01', 'ping -c 1 10.244.2.2'); // node01 reaching pod2 is not pod1 reaching it
    expect(s.current).toBe('crossed');
    s.run('node01', 'ip netns exec pod1 ping -c 2 10.244.2.2');
    expect(s.progress.done).toContain('crossed');
  });

  it('the unreachable ping needs the pods: a bare three-node lab does not tick it', () => {
    const s = new Student(builtinLesson('unreachable-ping')!);
    s.world = buildWorld({ name: 'x', preset: 'fresh', steps: [] });
    s.predict('node01');
    s.run('node01', 'ping -c 1 10.244.2.2');
    // node01 did refuse it, but there is no pod2 to reach yet
    expect(s.progress.predictions['node-ping'].actual).toBe('node01');
    expect(s.current).toBe('node-ping');
    expect(s.check().detail).toBe('there is no pod2 yet');
  });

  it('a step waits for the prediction, then the trace confirms or corrects it', () => {
    const s = new Student(builtinLesson('static-routes')!);
    for (const step of s.lesson.steps.slice(0, 3)) for (const l of step.solution ?? []) s.run(l.on, l.run);
    expect(s.current).toBe('silent-drop');
    s.run('pod1', 'ping -c 1 -W 1 10.244.2.2');
    expect(s.current).toBe('silent-drop'); // no prediction yet: the ping does not count
    expect(s.check().detail).toMatch(/prediction/);
    s.predict('node01');
    s.run('pod1', 'ping -c 1 -W 1 10.244.2.2');
    expect(s.progress.predictions['silent-drop']).toEqual({ answer: 'node01', actual: 'node02' });
    expect(s.progress.done).toContain('silent-drop');
  });

  it('pings from before a step began do not count for it', () => {
    const s = new Student(builtinLesson('bridges-and-pods')!);
    expect(s.current).toBe('machines');
    // an empty lab: nothing ticks
    expect(s.progress.done).toEqual([]);
  });

  it('hints are revealed one at a time, up to the last', () => {
    const lesson = builtinLesson('bridges-and-pods')!;
    let p = freshProgress();
    p = revealHint(lesson, p, 'addresses');
    p = revealHint(lesson, p, 'addresses');
    p = revealHint(lesson, p, 'addresses');
    expect(p.hints.addresses).toBe(2);
  });
});

/** A lesson file with a mistake on nearly every line that has one to make. */
const badLesson = (id: string) =>
  [
    `id: ${id}`,
    'title: A lesson',
    'lab: { preset: nowhere }',
    'steps:',
    '  - id: one',
    '    title: First',
    '    text: Do it',
    '    goal:',
    '      route: { on: node01, to: 10.244.2, via: 192.168.1.12, colour: red }',
    '  - id: one',
    '    title: Second',
    '    text: Again',
    '    goal: { all: [ { tcp: { from: a } } ] }',
  ].join('\n');

describe('lesson files', () => {
  it('a bad file gets every problem with its path and line', () => {
    // a bad frame (the id) is reported first: the steps are read once the frame is right
    const r = parseLesson(badLesson('Bad Id'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssues(r.issues)).toEqual(['line 1, id: must be lower-case letters, digits and dashes (at most 64)']);
  });

  it('goal and step problems are reported once the frame is right', () => {
    const r = parseLesson(badLesson('bad'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssues(r.issues)).toEqual([
      expect.stringMatching(/^line 3, lab\.preset: unknown preset "nowhere"/),
      'line 9, steps[0].goal.route.colour: unknown field (allowed: on, to, via, dev)',
      'line 9, steps[0].goal.route.to: must be an IPv4 address like 10.244.2.2',
      'line 10, steps[1].id: duplicate step id "one"',
      expect.stringMatching(/^line 13, steps\[1\]\.goal\.all\[0\]\.tcp: unknown goal "tcp"/),
    ]);
  });

  it('JSON reads like YAML, and syntax errors say where', () => {
    const json = JSON.stringify({ id: 'j', title: 'T', lab: { preset: 'routed' }, steps: [{ id: 's', title: 'S', text: 'x', goal: { ping: { from: 'pod1', to: '10.244.2.2' } } }] });
    expect(parseLesson(json).ok).toBe(true);
    const bad = parseLesson('id: x\ntitle: [unclosed\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0].line).toBeGreaterThan(0);
  });

  it('shows goals accept read-only commands only', () => {
    expect(goalIssues({ shows: { on: 'n', run: 'ip route add 1.2.3.4 dev eth0', contains: 'x' } }, 'g')[0].path).toBe('g.shows.run');
    expect(goalIssues({ shows: { on: 'n', run: 'ip route show; ip link del eth0', contains: 'x' } }, 'g')).toHaveLength(1);
    expect(goalIssues({ shows: { on: 'n', run: 'ip -4 addr show dev eth0', contains: 'x' } }, 'g')).toEqual([]);
    for (const run of ['kubectl get endpointslices -l kubernetes.io/service-name=web', 'kubectl -n x describe pod a', 'iptables-save -t nat', 'iptables -t nat -S KUBE-SERVICES', 'iptables -L FORWARD -n --line-numbers'])
      expect(goalIssues({ shows: { on: 'node01', run, contains: 'x' } }, 'g'), run).toEqual([]);
    for (const run of ['kubectl delete pod a', 'kubectl get pods; kubectl delete pod a', 'iptables -t nat -F', 'iptables -S -F', 'iptables -A INPUT -j DROP'])
      expect(goalIssues({ shows: { on: 'node01', run, contains: 'x' } }, 'g'), run).toHaveLength(1);
  });
});

describe('goals on the live lab', () => {
  const routed = () => buildWorld({ name: 'x', preset: 'routed', steps: [] });
  const check = (w: World, goal: Goal, pings: PingObservation[] = []) => checkGoal(goal, goalContext(w, w.snapshot(), pings));

  it('reads links, routes, sysctls and probes, and leaves the lab as it was', () => {
    const w = routed();
    const version = w.version;
    const now = w.now;
    expect(check(w, { link: { on: 'node01', dev: 'v-net-0', up: true } }).ok).toBe(true);
    expect(check(w, { link: { on: 'node01', dev: 'v-net-0', state: 'DOWN' } }).detail).toMatch(/state UP/);
    expect(check(w, { route: { on: 'node01', to: '10.244.2.2', via: '192.168.1.12' } }).ok).toBe(true);
    expect(check(w, { route: { on: 'node01', to: '10.244.2.2', via: '192.168.1.13' } }).detail).toMatch(/via 192.168.1.12, not via 192.168.1.13/);
    expect(check(w, { sysctl: { on: 'node02', key: 'net.ipv4.ip_forward', value: '1' } }).ok).toBe(true);
    expect(check(w, { ping: { from: 'pod1', to: '10.244.3.2' } }).ok).toBe(true);
    expect(check(w, { not: { ping: { from: 'pod1', to: '10.244.3.2' } } }).ok).toBe(false);
    expect(check(w, { any: [{ host: { name: 'pod9' } }, { host: { name: 'pod3' } }] }).ok).toBe(true);
    expect(w.version).toBe(version);
    expect(w.now).toBe(now);
    runCommand(w, 'node02', 'sysctl -w net.ipv4.ip_forward=0');
    expect(check(w, { ping: { from: 'pod1', to: '10.244.2.2' } }).detail).toMatch(/IP_FORWARDING_DISABLED/);
  });

  it('kinds from other layers plug in through the registry', () => {
    expect(goalIssues({ mesh: { service: 'web', sidecars: 3 } }, 'g')[0].message).toMatch(/unknown goal/);
    registerGoalKind({
      kind: 'mesh',
      fields: { service: { type: 'name', required: true }, sidecars: { type: 'number', required: true } },
      describe: (a) => `Service ${String(a.service)} has ${String(a.sidecars)} sidecars`,
      check: (a, ctx) => ({ ok: ctx.snapshot.netns.length >= Number(a.sidecars), detail: 'not enough' }),
    });
    expect(goalIssues({ mesh: { service: 'web', sidecars: 3 } }, 'g')).toEqual([]);
    expect(goalIssues({ mesh: { service: 'web', sidecars: 'three' } }, 'g')[0].path).toBe('g.mesh.sidecars');
    expect(check(routed(), { mesh: { service: 'web', sidecars: 3 } }).ok).toBe(true);
  });
});

describe('the overlays lesson', () => {
  const lesson = () => builtinLesson('overlays')!;
  /** Play the steps before `id` from their solutions. */
  const upTo = (id: string) => {
    const s = new Student(lesson());
    for (const step of s.lesson.steps) {
      if (step.id === id) break;
      if (step.predict) s.predict('node01');
      for (const l of step.solution ?? []) s.run(l.on, l.run);
    }
    expect(s.current).toBe(id);
    return s;
  };

  it('its solution meets every goal, each at the line that does it', () => {
    const s = upTo('device');
    for (const l of lesson().steps[0].solution!.slice(0, -1)) s.run(l.on, l.run);
    // node02's vxlan0 is still down: the device step waits for it
    expect(s.current).toBe('device');
    expect(s.check().detail).toBe('vxlan0 on node02 is down');
    s.run('node02', 'ip link set vxlan0 up');
    expect(s.current).toBe('no-remote');
    s.predict('node02');
    s.run('node01', 'ping -c 1 -W 1 10.42.0.2');
    // nothing left node01: its vxlan0 had nowhere to send the ARP broadcast
    expect(s.progress.predictions['no-remote']).toEqual({ answer: 'node02', actual: 'node01' });
    s.run('node01', 'bridge fdb append 00:00:00:00:00:00 dst 192.168.1.12 dev vxlan0');
    expect(s.check().detail).toMatch(/^from node02, 10\.42\.0\.1: /);
    s.run('node02', 'bridge fdb append 00:00:00:00:00:00 dst 192.168.1.11 dev vxlan0');
    expect(s.current).toBe('encapsulation');
    s.run('node02', 'ping -c 1 10.42.0.1');
    expect(s.current).toBe('flannel');
    s.run('node01', 'kubectl exec a -- ping -c 1 $(kubectl get pod b -o jsonpath={.status.podIP})');
    expect(s.progress.step).toBe(lesson().steps.length);
  });

  it('a student ahead of the lesson: a ping that crosses is not the tunnel to nowhere, until vxlan0 is made again as the hint says', () => {
    const s = upTo('no-remote');
    s.run('node01', 'bridge fdb append 00:00:00:00:00:00 dst 192.168.1.12 dev vxlan0');
    s.run('node02', 'bridge fdb append 00:00:00:00:00:00 dst 192.168.1.11 dev vxlan0');
    s.predict('node01');
    s.run('node01', 'ping -c 1 -W 1 10.42.0.2');
    expect(s.progress.predictions['no-remote'].actual).toBe('node02');
    expect(s.current).toBe('no-remote');
    expect(s.check().detail).toBe('the last ping from node01 to 10.42.0.2 ended with reply');
    // the hint: what vxlan0 learned from the reply goes with it
    s.run('node01', 'ip link del vxlan0');
    for (const l of s.lesson.steps[0].solution!.filter((x) => x.on === 'node01')) s.run(l.on, l.run);
    s.run('node01', 'ping -c 1 -W 1 10.42.0.2');
    expect(s.current).toBe('fdb');
  });

  it('a device that is not the VXLAN asked for does not count', () => {
    for (const made of ['ip link add vxlan0 type vxlan id 43 dstport 4789 dev eth0', 'ip link add vxlan0 type vxlan id 42 dstport 8472 dev eth0', 'ip link add vxlan0 type bridge']) {
      const s = upTo('device');
      s.run('node01', made);
      s.run('node02', 'ip link add vxlan0 type vxlan id 42 dstport 4789 dev eth0');
      for (const on of ['node01', 'node02']) s.run(on, 'ip link set vxlan0 up');
      s.run('node01', 'ip addr add 10.42.0.1/24 dev vxlan0');
      s.run('node02', 'ip addr add 10.42.0.2/24 dev vxlan0');
      expect(s.current, made).toBe('device');
      expect(s.check().detail).toMatch(/^`ip -d link show vxlan0` on node01 does not show/);
    }
  });

  it('a tunnel to the wrong node, or to one side only, does not reach', () => {
    const s = upTo('fdb');
    s.run('node01', 'bridge fdb append 00:00:00:00:00:00 dst 192.168.1.13 dev vxlan0');
    s.run('node02', 'bridge fdb append 00:00:00:00:00:00 dst 192.168.1.11 dev vxlan0');
    expect(s.current).toBe('fdb');
    expect(s.check().detail).toMatch(/^from node01, 10\.42\.0\.2: /);
  });

  it('a ping that reaches 10.42.0.2 around the tunnel is not the encapsulation', () => {
    const s = upTo('encapsulation');
    // a host route over the LAN: node02 answers for its vxlan0 address, unencapsulated
    s.run('node01', 'ip route add 10.42.0.2/32 via 192.168.1.12 dev eth0');
    const r = s.run('node01', 'ping -c 1 10.42.0.2');
    expect(r.exit).toBe(0);
    expect(s.current).toBe('encapsulation');
    expect(s.check().detail).toBe('the last ping from node01 to 10.42.0.2 was not encapsulated, not in vxlan0 — or — run a ping from node02 to 10.42.0.1');
  });

  it('flannel.1 must carry a ping from pod a itself: a node pinging pod b does not count', () => {
    const s = upTo('flannel');
    s.run('node01', 'ping -c 1 $(kubectl get pod b -o jsonpath={.status.podIP})');
    expect(s.current).toBe('flannel');
    s.run('node01', 'kubectl exec a -- ping -c 1 $(kubectl get pod b -o jsonpath={.status.podIP})');
    expect(s.progress.step).toBe(lesson().steps.length);
  });
});
