import { describe, expect, it } from 'vitest';
import { formatLabelSelector, matchesSelector, matchesServiceSelector } from './selector';

describe('label selectors (apimachinery labels)', () => {
  it('an empty selector selects every pod', () => {
    expect(matchesSelector({}, { app: 'web' })).toBe(true);
    expect(matchesSelector({}, undefined)).toBe(true);
  });
  it('matchLabels and matchExpressions are ANDed', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a', 'b'] }] };
    expect(matchesSelector(sel, { app: 'web', tier: 'a' })).toBe(true);
    expect(matchesSelector(sel, { app: 'web', tier: 'c' })).toBe(false);
    expect(matchesSelector(sel, { app: 'db', tier: 'a' })).toBe(false);
  });
  it('NotIn is satisfied by a missing key; DoesNotExist and Exists look at the key only', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['1'] }] }, {})).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['1'] }] }, { x: '1' })).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, { x: '' })).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, { x: '' })).toBe(false);
  });
  it('a Service with an empty selector selects nothing', () => {
    expect(matchesServiceSelector({}, { app: 'web' })).toBe(false);
    expect(matchesServiceSelector({ app: 'web' }, { app: 'web', v: '1' })).toBe(true);
  });
  it('formats as kubectl does', () => {
    expect(formatLabelSelector({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 't', operator: 'NotIn', values: ['y', 'x'] }, { key: 'z', operator: 'DoesNotExist' }] })).toBe('a=1,b=2,t notin (x,y),!z');
    expect(formatLabelSelector({})).toBe('<none>');
  });
});
