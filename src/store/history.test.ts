import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, emptyHistory, record, redo, undo } from './history';

describe('history', () => {
  it('undoes to the previous document and redoes back', () => {
    let h = emptyHistory<string>();
    h = record(h, 'a'); // a → b
    h = record(h, 'b'); // b → c
    const u1 = undo(h, 'c')!;
    expect(u1.doc).toBe('b');
    const u2 = undo(u1.history, u1.doc)!;
    expect(u2.doc).toBe('a');
    expect(canUndo(u2.history)).toBe(false);
    expect(undo(u2.history, u2.doc)).toBeNull();
    const r1 = redo(u2.history, u2.doc)!;
    expect(r1.doc).toBe('b');
    const r2 = redo(r1.history, r1.doc)!;
    expect(r2.doc).toBe('c');
    expect(canRedo(r2.history)).toBe(false);
    expect(redo(r2.history, r2.doc)).toBeNull();
  });

  it('a new change after undo clears redo', () => {
    let h = record(record(emptyHistory<string>(), 'a'), 'b');
    const u = undo(h, 'c')!;
    h = record(u.history, u.doc); // b → d
    expect(canRedo(h)).toBe(false);
    expect(undo(h, 'd')!.doc).toBe('b');
  });

  it('keeps at most `limit` steps, dropping the oldest', () => {
    let h = emptyHistory<number>();
    for (let i = 0; i < 10; i++) h = record(h, i, 4);
    expect(h.past).toEqual([6, 7, 8, 9]);
  });
});
