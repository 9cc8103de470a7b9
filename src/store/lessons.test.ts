import { describe, expect, it } from 'vitest';
import { createAppStore } from './index';
import { presetDoc } from './replay';
import { builtinLesson } from '../scenarios/lessons/builtin';
import { CURRENT_LESSON_KEY, LESSON_PROGRESS_PREFIX, loadCurrentLesson, loadProgress, persistLessons, type LessonEvent } from './lessons';

function memory() {
  const data = new Map<string, string>();
  return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
}

describe('the lesson slice', () => {
  it('opens a lesson on its lab, ticks steps from what the lab shows, and announces them', () => {
    const store = createAppStore({ initial: presetDoc('empty') });
    const events: LessonEvent[] = [];
    // listeners may see one change twice (a set inside a listener): events carry a seq to tell
    store.subscribe((s) => s.lessonEvent && s.lessonEvent.seq !== events.at(-1)?.seq && events.push(s.lessonEvent));
    const st = () => store.getState();
    st().openLesson(builtinLesson('static-routes')!, { builtin: true });
    expect(st().doc.preset).toBe('before-routes');
    expect(st().lessonProgress.step).toBe(0);
    expect(st().lessonDetail).toMatch(/sends 10.244.2.2|Network is unreachable/);

    // the inspector's way (an atomic edit) counts as much as a terminal
    st().edit('node01', ['ip route add 10.244.2.2 via 192.168.1.12', 'ip route add 10.244.3.2 via 192.168.1.13']);
    expect(st().lessonProgress.done).toEqual(['routes-node01']);
    expect(events.map((e) => e.kind), JSON.stringify(events)).toEqual(['stepCompleted']);

    for (const step of st().lesson!.steps.slice(1, 3)) for (const l of step.solution!) st().run(l.on, l.run);
    expect(st().lessonProgress.step).toBe(3);
    st().predictLesson('silent-drop', 'node02');
    st().run('pod1', 'ping -c 1 -W 1 10.244.2.2');
    expect(events.at(-2)).toMatchObject({ kind: 'answered', answer: 'node02', actual: 'node02', correct: true });
    expect(events.at(-1)).toMatchObject({ kind: 'stepCompleted', stepId: 'silent-drop', index: 3 });
    expect(st().lastCommand).toMatchObject({ on: 'pod1', exit: 1, ping: { from: 'pod1', outcome: 'IP_FORWARDING_DISABLED', stoppedAt: 'node02' } });

    for (const l of st().lesson!.steps[4].solution!) st().run(l.on, l.run);
    st().run('node01', 'ip netns exec pod1 ping -c 2 10.244.2.2');
    expect(events.slice(-2).map((e) => e.kind)).toEqual(['stepCompleted', 'lessonCompleted']);
  });

  it('undo takes a step’s condition away, but a done step stays done', () => {
    const store = createAppStore({ initial: presetDoc('empty') });
    const st = () => store.getState();
    st().openLesson(builtinLesson('static-routes')!);
    st().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    st().run('node01', 'ip route add 10.244.3.2 via 192.168.1.13');
    expect(st().lessonProgress.step).toBe(1);
    st().undo();
    expect(st().lessonProgress.done).toEqual(['routes-node01']);
  });

  it('saves progress per lesson and the open lesson, and resets', () => {
    const storage = memory();
    const store = createAppStore({ initial: presetDoc('empty') });
    persistLessons(store, storage);
    const st = () => store.getState();
    st().openLesson(builtinLesson('static-routes')!, { builtin: true });
    st().revealLessonHint('routes-node01');
    st().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12; ip route add 10.244.3.2 via 192.168.1.13');
    expect(loadCurrentLesson(storage)).toEqual({ builtin: 'static-routes' });
    expect(loadProgress(storage, 'static-routes')).toMatchObject({ done: ['routes-node01'], hints: { 'routes-node01': 1 } });

    const again = createAppStore({ initial: st().doc });
    again.getState().openLesson(builtinLesson('static-routes')!, { loadLab: false, progress: loadProgress(storage, 'static-routes') });
    expect(again.getState().lessonProgress).toMatchObject({ step: 1, done: ['routes-node01'] });

    st().resetLesson();
    expect(st().lessonProgress.done).toEqual([]);
    expect(st().doc.ops).toEqual([]);
    expect(JSON.parse(storage.data.get(LESSON_PROGRESS_PREFIX + 'static-routes')!).done).toEqual([]);
    st().closeLesson();
    expect(storage.data.has(CURRENT_LESSON_KEY)).toBe(false);
    storage.data.set(LESSON_PROGRESS_PREFIX + 'x', '{"done": "everything"}');
    expect(loadProgress(storage, 'x')).toBeNull();
  });
});
