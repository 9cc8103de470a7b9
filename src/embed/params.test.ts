import { describe, expect, it } from 'vitest';
import { parseEmbedParams } from './params';
import { parseOrigins, readCommand } from './protocol';

describe('embed URL', () => {
  it('reads lab, host and readonly from the query, as older embeds wrote them', () => {
    expect(parseEmbedParams('?lab=routed&host=node02&readonly=1')).toMatchObject({ lab: 'routed', host: 'node02', readonly: true, lesson: null, origins: [] });
  });
  it('reads the hash: lab|lesson, origins; the hash wins over the query', () => {
    const p = parseEmbedParams('?lab=fresh', '#lab=routed|lesson=static-routes&origins=https://course.example,http://127.0.0.1:8080,javascript:alert(1),https://x.example/path');
    expect(p).toMatchObject({ lab: 'routed', lesson: 'static-routes', origins: ['https://course.example', 'http://127.0.0.1:8080'] });
  });
  it('defaults to the lesson’s failing stage, editable, host chosen later', () => {
    expect(parseEmbedParams('')).toMatchObject({ lab: 'before-routes', host: null, readonly: false });
    expect(parseEmbedParams('?readonly=0').readonly).toBe(false);
    expect(parseEmbedParams('?readonly=false').readonly).toBe(false);
    expect(parseEmbedParams('?readonly').readonly).toBe(true);
  });
});

describe('the message envelope', () => {
  it('accepts version 1 commands and explains the rest', () => {
    expect(readCommand({ protocol: 'hoplab', version: 1, kind: 'command', name: 'runCommand', id: 7, data: { on: 'node01', line: 'ip r' } })).toMatchObject({ ok: true, cmd: { name: 'runCommand', id: 7 } });
    expect(readCommand({ protocol: 'hoplab', version: 2, kind: 'command', name: 'getLab', id: 1 })).toMatchObject({ ok: false, id: 1, error: expect.stringMatching(/version 1/) });
    expect(readCommand({ protocol: 'hoplab', version: 1, kind: 'command', name: 'format-disk', id: 'a' })).toMatchObject({ ok: false, error: expect.stringMatching(/unknown command/) });
    expect(readCommand({ type: 'something else' })).toBeNull();
    expect(readCommand('hello')).toBeNull();
    expect(parseOrigins('https://a.example/, https://b.example:8443')).toEqual(['https://a.example', 'https://b.example:8443']);
  });
});
