import { describe, expect, it } from 'vitest';
import { createAppStore } from './index';
import { presetDoc } from './replay';
import { lessonProgress } from './lesson';

const done = (s: ReturnType<ReturnType<typeof createAppStore>['getState']>) =>
  lessonProgress(s.snapshot, s.lessonSeen).filter((x) => x.done).map((x) => x.id);

describe('the lesson checklist', () => {
  it('follows the student from the empty lab to a pod-to-pod reply', () => {
    const store = createAppStore({ initial: presetDoc('fresh') });
    const st = () => store.getState();
    expect(done(st())).toEqual([]);

    st().loadPreset('before-routes');
    expect(done(st())).toEqual(['built']);

    st().run('node01', 'ping -c 1 10.244.2.2');
    expect(done(st())).toEqual(['built', 'unreachable']);

    st().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12; ip route add 10.244.3.2 via 192.168.1.13');
    st().run('node02', 'ip route add 10.244.1.0/24 via 192.168.1.11; ip route add 10.244.3.2 via 192.168.1.13');
    expect(done(st())).not.toContain('routes');
    expect(lessonProgress(st().snapshot, st().lessonSeen)[2].next).toBe('node03');
    expect(lessonProgress(st().snapshot, st().lessonSeen)[3].next).toBe('node01');
    st().run('node03', 'ip route add 10.244.0.0/16 via 192.168.1.11');
    expect(done(st())).toContain('routes');

    for (const node of ['node01', 'node02', 'node03']) st().run(node, 'sysctl -w net.ipv4.ip_forward=1');
    expect(done(st())).toContain('forwarding');

    st().run('pod1', 'ping -c 1 10.244.2.2');
    expect(done(st())).toEqual(['built', 'unreachable', 'routes', 'forwarding', 'crossed']);
  });

  it('a failing pod-to-pod ping is not the crossing', () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    store.getState().run('pod1', 'ping -c 1 -W 1 10.244.2.2');
    expect(store.getState().lessonSeen.crossed).toBeUndefined();
  });
});

describe('lesson ticks survive a reload', () => {
  it('saves and restores the moments seen', async () => {
    const { persistLesson, LESSON_KEY } = await import('./index');
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
    const a = createAppStore({ initial: presetDoc('before-routes') });
    persistLesson(a, storage);
    a.getState().run('node01', 'ping -c 1 10.244.2.2');
    expect(JSON.parse(data.get(LESSON_KEY)!)).toEqual({ unreachable: true });
    const b = createAppStore({ initial: presetDoc('before-routes') });
    persistLesson(b, storage);
    expect(b.getState().lessonSeen).toEqual({ unreachable: true });
    data.set(LESSON_KEY, '{"unreachable": "yes", "hack": true}');
    const c = createAppStore({ initial: presetDoc('before-routes') });
    persistLesson(c, storage);
    expect(c.getState().lessonSeen).toEqual({});
  });
});
