import { describe, expect, it } from 'vitest';
import { createAppStore } from '../store';
import { presetDoc } from '../store/replay';
import { builtinLesson } from '../scenarios/lessons/builtin';
import { startBridge, type BridgeWindow } from './bridge';

const HOST = 'https://course.example';

function fakeWindow() {
  const sent: { msg: { kind: string; name: string; id?: number; ok?: boolean; data?: Record<string, unknown>; error?: string }; origin: string }[] = [];
  const parent = { postMessage: (msg: unknown, origin: string) => void sent.push({ msg: msg as (typeof sent)[0]['msg'], origin }) };
  let listener: ((e: MessageEvent) => void) | null = null;
  const win: BridgeWindow = { parent, addEventListener: (_t, fn) => void (listener = fn), removeEventListener: () => void (listener = null), location: { href: 'https://hoplab.example/embed.html#lab=routed' } };
  const send = (data: unknown, origin = HOST, source: unknown = parent) => listener!({ data, origin, source } as MessageEvent);
  return { win, sent, send };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const cmd = (name: string, data?: object, id = 1) => ({ protocol: 'hoplab', version: 1, kind: 'command', name, id, data });

function setup() {
  const store = createAppStore({ initial: presetDoc('before-routes') });
  const f = fakeWindow();
  const calls: string[] = [];
  const bridge = startBridge({
    store,
    origins: [HOST],
    win: f.win,
    initialDoc: () => presetDoc('before-routes'),
    openLab: async (lab) => store.getState().loadPreset(lab),
    openLesson: async (ref) => {
      calls.push(String(ref));
      const l = builtinLesson(ref!);
      if (l) store.getState().openLesson(l);
      return !!l;
    },
  });
  return { store, bridge, ...f, calls };
}

describe('the widget API', () => {
  it('says ready to the named origin only, and answers hello again', async () => {
    const { bridge, sent, send } = setup();
    bridge.ready();
    expect(sent).toEqual([{ msg: expect.objectContaining({ kind: 'event', name: 'ready', data: expect.objectContaining({ version: 1, title: '4. Before the routes' }) }), origin: HOST }]);
    send(cmd('hello'));
    await settle();
    expect(sent.map((s) => s.msg.name)).toEqual(['ready', 'ready', 'hello']);
  });

  it('ignores another origin, or another window, and sends it nothing', async () => {
    const { store, bridge, sent, send } = setup();
    bridge.ready();
    const before = store.getState().doc;
    send(cmd('runCommand', { on: 'node01', line: 'ip route add 10.244.2.2 via 192.168.1.12' }), 'https://evil.example');
    send(cmd('runCommand', { on: 'node01', line: 'ip route add 10.244.2.2 via 192.168.1.12' }), HOST, { postMessage() {} });
    await settle();
    expect(store.getState().doc).toBe(before);
    expect(sent.map((s) => s.msg.name)).toEqual(['ready']);
  });

  it('runs commands from the host and reports what they did', async () => {
    const { store, bridge, sent, send } = setup();
    bridge.ready();
    send(cmd('runCommand', { on: 'node01', line: 'ping -c 1 10.244.2.2' }, 5));
    await settle();
    const names = sent.map((s) => s.msg.name);
    expect(names).toContain('commandRun');
    expect(sent.find((s) => s.msg.name === 'pingResult')!.msg.data).toMatchObject({ from: 'node01', to: '10.244.2.2', ok: false, outcome: 'IP_OUTNOROUTES' });
    expect(sent.find((s) => s.msg.kind === 'response')!.msg).toMatchObject({ id: 5, ok: true, data: { exit: 2, stderr: 'ping: connect: Network is unreachable\n' } });
    send(cmd('runCommand', { on: 'nowhere', line: 'ip r' }, 6));
    send(cmd('getLab', undefined, 7));
    send({ protocol: 'hoplab', version: 9, kind: 'command', name: 'getLab', id: 8 });
    await settle();
    const reply = (id: number) => sent.find((s) => s.msg.kind === 'response' && s.msg.id === id)!.msg;
    expect(reply(6)).toMatchObject({ ok: false, error: 'there is no machine or pod called "nowhere"' });
    expect(reply(7).data!.lab).toMatchObject({ format: 'hoplab-lab', preset: 'before-routes' });
    expect(reply(8)).toMatchObject({ ok: false, error: expect.stringMatching(/version 1/) });
    expect(store.getState().terminals.node01.chunks.at(-1)!.echo).toContain('ping -c 1 10.244.2.2');
  });

  it('loads a lesson, and tells the host each step the student completes; xAPI statements go to the LRS', async () => {
    const { store, bridge } = setup();
    const posted: { url: string; body: { verb: { id: string }; object: { id: string }; result?: object } }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      posted.push({ url, body: JSON.parse(String(init.body)) });
      return new Response('[]', { status: 200 });
    }) as unknown as typeof fetch;
    bridge.stop();
    const f2 = fakeWindow();
    const b2 = startBridge({ store, origins: [HOST], win: f2.win, initialDoc: () => presetDoc('before-routes'), openLab: async () => true, openLesson: async (ref) => (store.getState().openLesson(builtinLesson(ref!)!), true), fetcher });
    b2.ready();
    f2.send(cmd('configureXapi', { endpoint: 'https://lrs.example/xapi/', actor: { mbox: 'mailto:student@example.com' } }, 1));
    f2.send(cmd('loadLesson', { lesson: 'unreachable-ping' }, 2));
    await settle();
    store.getState().predictLesson('node-ping', 'node02');
    store.getState().run('node01', 'ping -c 1 10.244.2.2');
    await settle();
    expect(f2.sent.filter((s) => s.msg.kind === 'event').map((s) => s.msg.name)).toEqual(expect.arrayContaining(['labChanged', 'answered', 'stepCompleted', 'commandRun', 'pingResult']));
    expect(f2.sent.find((s) => s.msg.name === 'stepCompleted')!.msg.data).toMatchObject({ lessonId: 'unreachable-ping', stepId: 'node-ping', index: 0 });
    expect(posted.map((p) => p.body.verb.id.split('/').pop())).toEqual(['experienced', 'answered', 'completed']);
    expect(posted[0].url).toBe('https://lrs.example/xapi/statements');
    expect(posted[1].body.result).toEqual({ success: false, response: 'node02' });
    f2.send(cmd('configureXapi', { endpoint: 'ftp://x' }, 3));
    await settle();
    expect(f2.sent.at(-1)!.msg).toMatchObject({ id: 3, ok: false });
  });
});
