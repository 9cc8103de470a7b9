import { describe, expect, it } from 'vitest';
import { parseEmbedParams } from './params';

describe('embed URL', () => {
  it('reads lab, host and readonly', () => {
    expect(parseEmbedParams('?lab=routed&host=node02&readonly=1')).toEqual({ lab: 'routed', host: 'node02', readonly: true });
  });
  it('defaults to the lesson’s failing stage, editable, host chosen later', () => {
    expect(parseEmbedParams('')).toEqual({ lab: 'before-routes', host: null, readonly: false });
    expect(parseEmbedParams('?readonly=0').readonly).toBe(false);
    expect(parseEmbedParams('?readonly=false').readonly).toBe(false);
    expect(parseEmbedParams('?readonly').readonly).toBe(true);
  });
});
