/** The one event queue: schedule(at, fn), run in time order (FIFO among equal times). */
interface Scheduled {
  at: number;
  seq: number;
  /** called as fn(a, b): the packet path passes its arguments instead of allocating a closure per hop */
  fn: (a: unknown, b: unknown) => void;
  a: unknown;
  b: unknown;
  netns?: string;
  /** who the event works for (the trace of the command that caused it): World.traceTarget when it was scheduled */
  ctx: unknown;
  /** the CPU it runs on: the one that scheduled it (a veth's softirq runs where the sender runs) */
  cpu: number;
}

export class EventQueue {
  private heap: Scheduled[] = [];
  private seq = 0;
  /** carried from the event being run to the events it schedules (World sets it, see traceTarget) */
  context: unknown = null;
  /** the CPU the running event (or task step) is on, carried the same way (World.cpu) */
  cpu = 0;

  get size(): number {
    return this.heap.length;
  }

  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  push<A, B>(at: number, fn: (a: A, b: B) => void, a?: A, b?: B): void {
    const e: Scheduled = { at, seq: this.seq++, fn: fn as (a: unknown, b: unknown) => void, a, b, ctx: this.context, cpu: this.cpu };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], e)) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  pop(): Readonly<Scheduled> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && less(h[r], h[l]) ? r : l;
        if (less(last, h[c])) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  save(): { heap: Scheduled[]; seq: number } {
    return { heap: [...this.heap], seq: this.seq };
  }

  restore(s: { heap: Scheduled[]; seq: number }): void {
    this.heap = s.heap;
    this.seq = s.seq;
  }

  clear(): void {
    this.heap = [];
  }
}

const less = (a: Scheduled, b: Scheduled): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
