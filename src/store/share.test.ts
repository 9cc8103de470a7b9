import { describe, expect, it } from 'vitest';
import { createAppStore } from './index';
import { presetDoc } from './replay';
import { decodeLab, encodeLab, readShareHash, shareHash } from './share';

describe('share links', () => {
  it('carry the whole lab, compressed, and bring the same lab back', async () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    store.getState().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    store.getState().moveNode('host:node02', { x: 10, y: 20 });
    const doc = store.getState().doc;
    const payload = await encodeLab(doc);
    expect(payload).toMatch(/^z[A-Za-z0-9_-]+$/);
    expect(payload.length).toBeLessThan(JSON.stringify(doc).length);
    const back = await decodeLab(payload);
    expect(back).toEqual({ ok: true, doc });
    expect(readShareHash(shareHash(payload, { readonly: true }))).toEqual({ lab: payload, lesson: null, readonly: true });
    expect(readShareHash('#lab=routed|lesson=static-routes')).toEqual({ lab: 'routed', lesson: 'static-routes', readonly: false });
  });

  it('a link that does not decode says so', async () => {
    const good = await encodeLab(presetDoc('routed'));
    for (const bad of [good.slice(0, good.length / 2), 'z!!!', 'hello', 'z' + btoa('not deflate').replace(/=/g, '')]) {
      const r = await decodeLab(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^This link does not decode/);
    }
  });

  it('a link to something that is not a lab is refused with the lab file error', async () => {
    const json = new TextEncoder().encode('{"format": "hoplab-lab", "version": 1, "title": 3}');
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    const payload = 'z' + Buffer.from(bytes).toString('base64url');
    const r = await decodeLab(payload);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/does not hold a lab Hoplab can read: This lab file is damaged: title/);
  });
});
