import type { Proc, Waker } from '../../engine/proc/task';
import type { World } from '../../engine/world';

/**
 * Drive a program's coroutine to its end right now, outside any task, running the world's clock
 * while it waits (a wake-up resumes it, else its deadline); one that nothing can ever wake is
 * stopped with status 137.
 */
export function driveNow(w: World, start: (task: Waker) => Proc): number {
  let woken = false;
  const proc = start({
    wake: () => {
      woken = true;
    },
  });
  let r = proc.next('timer');
  while (!r.done) {
    const wait = r.value;
    woken = false;
    w.runUntil(wait.until, () => (wait.kind === 'wait' && woken) || w.queue.size === 0);
    if (!woken && w.now < wait.until && w.queue.size === 0) {
      if (wait.until === Infinity) {
        proc.return(137);
        return 137;
      }
      w.runUntil(wait.until);
    }
    r = proc.next(woken ? 'wake' : 'timer');
  }
  return r.value;
}
