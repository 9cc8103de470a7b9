/**
 * The widget's side of the postMessage API (protocol.ts): commands from the host page run against
 * the store, and what happens in the widget goes back as events. Only the origins the embedding
 * page named are heard, and only they are written to: `postMessage(msg, origin)` for each named
 * origin, so a page of any other origin receives nothing.
 */
import type { AppStore, LabDoc } from '../store';
import { toLabFile, parseLab } from '../store/persist';
import { whenBuilt } from '../store';
import { event, readCommand, response, type CommandMessage, type EventName } from './protocol';
import { readXapiConfig, sendStatement, statement, type XapiConfig } from './xapi';

export interface BridgeWindow {
  parent: { postMessage(message: unknown, targetOrigin: string): void } | null;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  location: { href: string };
}

export interface BridgeDeps {
  store: AppStore;
  origins: readonly string[];
  win: BridgeWindow;
  /** the lab the widget started with (reset goes back to it when no lesson is open) */
  initialDoc: () => LabDoc;
  openLab: (lab: string) => Promise<boolean>;
  openLesson: (ref: string | null, text: string | null) => Promise<boolean>;
  fetcher?: typeof fetch;
}

export interface Bridge {
  post(name: EventName, data?: Record<string, unknown>): void;
  /** the handshake: after the widget's lab (and lesson) are loaded */
  ready(): void;
  stop(): void;
}

const MAX_LINE = 4000;

export function startBridge(deps: BridgeDeps): Bridge {
  const { store, origins, win } = deps;
  let xapi: XapiConfig | null = null;
  let isReady = false;

  const post = (name: EventName, data: Record<string, unknown> = {}) => {
    if (!win.parent) return;
    const msg = event(name, data);
    for (const o of origins) win.parent.postMessage(msg, o);
  };

  const activity = (path: string, name: string) => ({ id: `${xapi?.activityBase ?? win.location.href.split('#')[0]}#${path}`, name });
  const report = (verb: 'experienced' | 'completed' | 'answered', path: string, name: string, result?: Parameters<typeof statement>[3]) => {
    if (xapi) void sendStatement(xapi, statement(xapi, verb, activity(path, name), result), () => {}, deps.fetcher);
  };

  const readyData = () => {
    const s = store.getState();
    return { version: 1, title: s.doc.title, lesson: s.lesson?.id ?? null, readonly: s.readonly, commands: ['hello', 'loadLab', 'loadLesson', 'runCommand', 'reset', 'getLab', 'configureXapi'] };
  };

  async function run(cmd: CommandMessage): Promise<{ ok: true; data?: Record<string, unknown> } | { ok: false; error: string }> {
    const s = store.getState();
    const d = cmd.data ?? {};
    switch (cmd.name) {
      case 'hello':
        post('ready', readyData());
        return { ok: true, data: readyData() };
      case 'getLab':
        return { ok: true, data: { lab: toLabFile(s.doc) } };
      case 'runCommand': {
        if (typeof d.on !== 'string' || typeof d.line !== 'string' || !d.line.trim() || d.line.length > MAX_LINE) return { ok: false, error: '"on" (a machine or pod) and "line" (a command line) are required' };
        if (!s.snapshot.netns.some((n) => n.name === d.on && n.role === 'host')) return { ok: false, error: `there is no machine or pod called "${d.on}"` };
        const before = s.lastCommand?.seq ?? 0;
        s.submitLine(d.on, d.line, { local: false });
        const c = store.getState().lastCommand;
        if (!c || c.seq === before) return { ok: true, data: { on: d.on, line: d.line } };
        return { ok: true, data: { on: c.on, line: c.line, exit: c.exit, stdout: c.stdout, stderr: c.stderr } };
      }
      case 'loadLab': {
        if (typeof d.lab === 'string') return (await deps.openLab(d.lab)) ? { ok: true } : { ok: false, error: store.getState().notice?.text ?? 'the lab could not be loaded' };
        if (typeof d.lab === 'object' && d.lab !== null) {
          const r = await parseLab(JSON.stringify(d.lab));
          if (!r.ok) return { ok: false, error: r.error };
          const l = await whenBuilt(s.loadDoc(r.doc, `Loaded lab: ${r.doc.title}`));
          return l.ok ? { ok: true } : { ok: false, error: l.error };
        }
        return { ok: false, error: '"lab" must be a preset name, a shared-lab link payload, or a lab file object' };
      }
      case 'loadLesson': {
        const ref = typeof d.lesson === 'string' ? d.lesson : null;
        const text = typeof d.source === 'string' ? d.source : typeof d.lesson === 'object' && d.lesson !== null ? JSON.stringify(d.lesson) : null;
        if (!ref && !text) return { ok: false, error: '"lesson" (a built-in id or a URL, or a lesson object) or "source" (YAML or JSON text) is required' };
        if (await deps.openLesson(ref, text)) return { ok: true, data: { lesson: store.getState().lesson?.id } };
        const issues = store.getState().lessonIssues;
        return { ok: false, error: issues ? issues.issues.map((i) => `${i.line ? `line ${i.line}, ` : ''}${i.path}: ${i.message}`).join('; ') : 'the lesson could not be opened' };
      }
      case 'reset':
        if (s.lesson) s.resetLesson();
        else s.loadDoc(deps.initialDoc(), 'Started over');
        return { ok: true };
      case 'configureXapi': {
        const r = readXapiConfig(cmd.data);
        if (!r.ok) return r;
        xapi = r.config;
        return { ok: true };
      }
    }
  }

  const onMessage = (e: MessageEvent) => {
    // only the page that embeds the widget, and only from an origin it named
    if (!origins.includes(e.origin) || e.source !== win.parent) return;
    const r = readCommand(e.data);
    if (!r) return;
    const reply = (msg: unknown) => win.parent?.postMessage(msg, e.origin);
    if (!r.ok) {
      if (r.id !== undefined) reply({ protocol: 'hoplab', version: 1, kind: 'response', name: r.name ?? 'unknown', id: r.id, ok: false, error: r.error });
      return;
    }
    void run(r.cmd).then(
      (res) => r.cmd.id !== undefined && reply(response(r.cmd, res)),
      (err: Error) => r.cmd.id !== undefined && reply(response(r.cmd, { ok: false, error: err.message })),
    );
  };
  win.addEventListener('message', onMessage);

  // what happens in the widget, as events (each announced once: listeners may be called twice)
  let lastCommand = store.getState().lastCommand?.seq ?? 0;
  let lastEvent = store.getState().lessonEvent?.seq ?? 0;
  let lastDoc = store.getState().doc;
  let lastLesson = store.getState().lesson;
  const unsubscribe = store.subscribe((s) => {
    if (!isReady) return;
    if (s.lastCommand && s.lastCommand.seq !== lastCommand) {
      lastCommand = s.lastCommand.seq;
      const c = s.lastCommand;
      post('commandRun', { on: c.on, line: c.line, exit: c.exit, stdout: c.stdout, stderr: c.stderr });
      if (c.ping?.protocol === 'ICMP') post('pingResult', { from: c.ping.from, to: c.ping.to, ok: c.ping.outcome === 'reply', outcome: c.ping.outcome, stoppedAt: c.ping.stoppedAt, path: c.ping.path });
    }
    if (s.lessonEvent && s.lessonEvent.seq !== lastEvent) {
      lastEvent = s.lessonEvent.seq;
      const { seq: _seq, kind, ...data } = s.lessonEvent;
      post(kind, data);
      if (kind === 'stepCompleted') report('completed', `lesson=${s.lessonEvent.lessonId}/step=${(data as { stepId: string }).stepId}`, (data as { title: string }).title, { completion: true });
      if (kind === 'lessonCompleted') report('completed', `lesson=${s.lessonEvent.lessonId}`, (data as { title: string }).title, { completion: true });
      if (kind === 'answered') {
        const a = data as { stepId: string; answer: string; actual: string; correct: boolean };
        report('answered', `lesson=${s.lessonEvent.lessonId}/step=${a.stepId}/prediction`, `Prediction: ${a.stepId}`, { success: a.correct, response: a.answer });
      }
    }
    if (s.lesson !== lastLesson) {
      lastLesson = s.lesson;
      if (s.lesson) report('experienced', `lesson=${s.lesson.id}`, s.lesson.title);
    }
    if (s.doc !== lastDoc) {
      lastDoc = s.doc;
      post('labChanged', { title: s.doc.title, preset: s.doc.preset, changes: s.doc.ops.filter((o) => o.kind !== 'cmd' || o.edit).length });
    }
  });

  return {
    post,
    ready() {
      isReady = true;
      lastDoc = store.getState().doc;
      lastLesson = store.getState().lesson;
      if (lastLesson) report('experienced', `lesson=${lastLesson.id}`, lastLesson.title);
      post('ready', readyData());
    },
    stop() {
      win.removeEventListener('message', onMessage);
      unsubscribe();
    },
  };
}
