import { describe, expect, it } from 'vitest';
import { World } from '../world';
import { Signaled, sleepUntil, waitUntil, type Proc } from './task';

function lab(): World {
  const w = new World();
  w.addHost('h1');
  w.addHost('h2');
  return w;
}

describe('tasks on the virtual clock', () => {
  it('a task runs its first step at once, then sleeps on the event queue', () => {
    const w = lab();
    const log: string[] = [];
    const t = w.tasks.spawn(w.netns('h1')!, 'sleeper', function* (): Proc {
      log.push(`start ${w.now}`);
      yield sleepUntil(w.now + 1000);
      log.push(`woke ${w.now}`);
      return 3;
    });
    expect(log).toEqual(['start 0']);
    expect(t.state).toBe('sleeping');
    expect(t.pid).toBeGreaterThanOrEqual(100);
    w.runUntil(999);
    expect(t.exited).toBe(false);
    w.runUntil(1000);
    expect(log).toEqual(['start 0', 'woke 1000']);
    expect(t.exitCode).toBe(3);
    expect(w.tasks.size).toBe(0);
  });

  it('wait: a wake-up resumes it now, else its deadline does; stale timers are ignored', () => {
    const w = lab();
    const seen: string[] = [];
    const t = w.tasks.spawn(w.netns('h1')!, 'poller', function* (): Proc {
      seen.push(yield waitUntil(500));
      seen.push(yield waitUntil(800));
      return 0;
    });
    w.schedule(100, () => t.wake());
    w.runUntil(10_000);
    expect(seen).toEqual(['wake', 'timer']);
    expect(t.exited).toBe(true);
    expect(w.now).toBe(10_000);
  });

  it('sleep is not cut short by a wake-up', () => {
    const w = lab();
    let at = -1;
    const t = w.tasks.spawn(w.netns('h1')!, 's', function* (): Proc {
      yield sleepUntil(300);
      at = w.now;
      return 0;
    });
    t.wake();
    w.runUntil(1000);
    expect(at).toBe(300);
  });

  it('SIGINT is thrown at the yield: a handler runs and chooses the status', () => {
    const w = lab();
    const t = w.tasks.spawn(w.netns('h1')!, 'ping', function* (): Proc {
      try {
        yield waitUntil();
        return 0;
      } catch (e) {
        return e instanceof Signaled && e.signal === 'SIGINT' ? 42 : 99;
      }
    });
    t.signal('SIGINT');
    expect(t.exitCode).toBe(42);
    expect(t.killedBy).toBeNull();
  });

  it('an uncaught signal kills with 128+N; SIGKILL skips the handlers', () => {
    const w = lab();
    const a = w.tasks.spawn(w.netns('h1')!, 'a', function* (): Proc {
      yield waitUntil();
      return 0;
    });
    a.signal('SIGTERM');
    expect([a.exitCode, a.killedBy]).toEqual([143, 'SIGTERM']);
    let handled = false;
    const b = w.tasks.spawn(w.netns('h1')!, 'b', function* (): Proc {
      try {
        yield waitUntil();
      } catch {
        handled = true;
      }
      return 0;
    });
    b.signal('SIGKILL');
    expect([b.exitCode, b.killedBy, handled]).toEqual([137, 'SIGKILL', false]);
  });

  it('a task that throws is a fault (status 70), not an exception out of the world', () => {
    const w = lab();
    const t = w.tasks.spawn(w.netns('h1')!, 'buggy', function* (): Proc {
      yield sleepUntil(10);
      throw new TypeError('oops');
    });
    expect(() => w.runUntil(100)).not.toThrow();
    expect(t.exitCode).toBe(70);
    expect(t.fault?.message).toBe('oops');
  });

  it('resident tasks live on; deleting their namespace kills them', () => {
    const w = lab();
    const server = w.tasks.spawn(
      w.netns('h2')!,
      'server',
      function* (): Proc {
        for (;;) yield waitUntil();
      },
      { resident: true },
    );
    w.runUntil(60_000);
    expect(server.exited).toBe(false);
    expect(w.tasks.list()).toEqual([server]);
    w.deleteNetns('h2');
    expect(server.killedBy).toBe('SIGKILL');
    expect(w.tasks.size).toBe(0);
  });

  it('a signal a task sends itself waits for its next yield', () => {
    const w = lab();
    const t = w.tasks.spawn(w.netns('h1')!, 'self', (task) =>
      (function* (): Proc {
      task.signal('SIGINT');
      try {
        yield waitUntil();
      } catch (e) {
        return (e as Signaled).signal === 'SIGINT' ? 5 : 6;
      }
      return 0;
      })(),
    );
    expect(t.exitCode).toBe(5);
  });

  it('after Hoplab empties the queue (a storm), sleeping tasks get their timers back', () => {
    const w = lab();
    let woke = -1;
    w.tasks.spawn(w.netns('h1')!, 's', function* (): Proc {
      yield sleepUntil(5000);
      woke = w.now;
      return 0;
    });
    w.queue.clear();
    w.tasks.rearm();
    w.runUntil(6000);
    expect(woke).toBe(5000);
  });
});
