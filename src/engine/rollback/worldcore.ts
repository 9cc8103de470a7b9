/**
 * The world's own soft state, registered once like every other kind (rollback/softstate.ts): the
 * clock, the trace recorder, the id counters and the generator.
 */
import type { Clock } from '../sim/clock';
import type { DropNote } from '../sim/tracelog';
import { TraceLog } from '../sim/trace';
import { registerSoftState } from './softstate';

// The world's own soft state: a probe runs on the virtual clock, records its own trace and draws
// ids; all of it goes back (in one object: a probe opens a rollback per verdict), so a lab that was
// probed goes on exactly as one that never was.
interface WorldCore {
  now: number;
  queue: ReturnType<Clock['queue']['save']>;
  budgetUsed: number;
  own: TraceLog;
  target: TraceLog | null;
  firstDrop: DropNote | null;
  seq: number;
  tracing: boolean;
  changes: number;
  pidSeq: number;
  ipIdSeq: number;
  pingIdentSeq: number;
  udpPortSeq: number;
}

registerSoftState<WorldCore, never>({
  name: 'clock, trace and counters',
  world: {
    save: (w) => {
      const c = w.clock;
      const t = w.trace;
      const s: WorldCore = { now: c.now, queue: c.queue.save(), budgetUsed: c.budgetUsed, own: t.own, target: t.target, firstDrop: t.firstDrop, seq: t.seq, tracing: t.tracing, changes: w.changes, pidSeq: w.pidSeq, ipIdSeq: w.ipIdSeq, pingIdentSeq: w.pingIdentSeq, udpPortSeq: w.udpPortSeq };
      // a probe's own events go to a fresh log, whoever asked for it
      t.own = new TraceLog();
      t.target = null;
      t.firstDrop = null;
      return s;
    },
    restore: (w, s) => {
      w.clock.now = s.now;
      w.clock.queue.restore(s.queue);
      w.clock.budgetUsed = s.budgetUsed;
      w.trace.own = s.own;
      w.trace.target = s.target;
      w.trace.firstDrop = s.firstDrop;
      w.trace.seq = s.seq;
      w.trace.tracing = s.tracing;
      w.changes = s.changes;
      w.pidSeq = s.pidSeq;
      w.ipIdSeq = s.ipIdSeq;
      w.pingIdentSeq = s.pingIdentSeq;
      w.udpPortSeq = s.udpPortSeq;
    },
  },
  worldDigest: (w) => [w.now, w.queue.size, w.pidSeq, w.ipIdSeq, w.pingIdentSeq, w.udpPortSeq],
});

registerSoftState<number, never>({
  name: 'rng',
  world: {
    save: (w) => w.rng.state,
    restore: (w, s) => {
      w.rng.state = s;
    },
  },
  worldDigest: (w) => w.rng.state,
});
