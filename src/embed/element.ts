/**
 * `<hoplab-lab lab="routed" lesson="static-routes" readonly host="node01" load="click">`: the
 * widget as one tag, from one small script (hoplab-embed.js, no framework). It makes the iframe
 * (embed.html, beside this script), names this page's origin as the one the widget may talk to,
 * sizes the frame to the height the widget reports, and turns the widget's events into DOM
 * events (`hoplab:ready`, `hoplab:stepCompleted`, …). `element.send(name, data)` runs a command
 * and resolves with its answer. With `load="click"` it starts as a light placeholder button, so a
 * page with ten widgets loads none of them until asked.
 */
const PROTOCOL = 'hoplab';
const VERSION = 1;
const here = new URL(/* @vite-ignore */ '.', import.meta.url);

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

class HoplabLab extends HTMLElement {
  static observedAttributes = ['lab', 'lesson', 'readonly', 'host'];
  private frame: HTMLIFrameElement | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private widgetOrigin = new URL(this.getAttribute('src') ?? 'embed.html', here).origin;
  private readyResolve!: () => void;
  /** resolves when the widget has said `ready` */
  ready: Promise<void> = new Promise((r) => (this.readyResolve = r));

  private readonly onMessage = (e: MessageEvent) => {
    if (!this.frame || e.source !== this.frame.contentWindow || e.origin !== this.widgetOrigin) return;
    const m = e.data as { protocol?: string; kind?: string; name?: string; id?: number; ok?: boolean; data?: Record<string, unknown>; error?: string };
    if (!m || m.protocol !== PROTOCOL) return;
    if (m.kind === 'response' && typeof m.id === 'number') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.data ?? {});
      else p?.reject(new Error(m.error ?? 'the widget refused the command'));
      return;
    }
    if (m.kind !== 'event' || typeof m.name !== 'string') return;
    if (m.name === 'resize' && typeof m.data?.height === 'number') this.frame.style.height = `${Math.max(200, Math.min(m.data.height, 4000))}px`;
    if (m.name === 'ready') this.readyResolve();
    this.dispatchEvent(new CustomEvent(`hoplab:${m.name}`, { detail: m.data ?? {}, bubbles: true }));
  };

  connectedCallback() {
    window.addEventListener('message', this.onMessage);
    if (this.getAttribute('load') === 'click') this.placeholder();
    else this.load();
  }

  disconnectedCallback() {
    window.removeEventListener('message', this.onMessage);
  }

  attributeChangedCallback() {
    if (this.frame) this.frame.src = this.widgetUrl();
  }

  /** Run a widget command (loadLab, loadLesson, runCommand, reset, getLab, configureXapi, hello). */
  send(name: string, data: Record<string, unknown> = {}): Promise<unknown> {
    if (!this.frame) this.load();
    const id = this.nextId++;
    return this.ready.then(
      () =>
        new Promise((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          this.frame!.contentWindow!.postMessage({ protocol: PROTOCOL, version: VERSION, kind: 'command', name, id, data }, this.widgetOrigin);
        }),
    );
  }

  private widgetUrl(): string {
    const url = new URL(this.getAttribute('src') ?? 'embed.html', here);
    const parts = [`lab=${encodeURIComponent(this.getAttribute('lab') ?? 'before-routes')}`];
    const lesson = this.getAttribute('lesson');
    if (lesson) parts.push(`lesson=${encodeURIComponent(lesson)}`);
    let hash = parts.join('|');
    if (this.hasAttribute('readonly')) hash += '&readonly=1';
    const host = this.getAttribute('host');
    if (host) hash += `&host=${encodeURIComponent(host)}`;
    hash += `&origins=${encodeURIComponent(window.location.origin)}`;
    url.hash = hash;
    return url.toString();
  }

  private placeholder() {
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const button = document.createElement('button');
    button.type = 'button';
    button.part.add('placeholder');
    // text only: attribute values are never markup
    button.textContent = `▶ Open the Hoplab lab${this.getAttribute('lesson') ? `: lesson ${this.getAttribute('lesson')}` : `: ${this.getAttribute('lab') ?? 'before-routes'}`}`;
    button.setAttribute(
      'style',
      'display:block;width:100%;min-height:160px;border:1px dashed #8a97a8;border-radius:12px;background:#f4f7fb;color:#17212e;font:600 15px system-ui,sans-serif;cursor:pointer',
    );
    button.addEventListener('click', () => this.load(), { once: true });
    root.replaceChildren(button);
  }

  private load() {
    if (this.frame) return;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const frame = document.createElement('iframe');
    frame.title = this.getAttribute('title') ?? 'Hoplab lab';
    frame.src = this.widgetUrl();
    frame.setAttribute('style', 'display:block;width:100%;height:760px;border:1px solid #d8dee6;border-radius:12px');
    frame.setAttribute('allow', 'clipboard-write');
    this.frame = frame;
    root.replaceChildren(frame);
  }
}

if (!customElements.get('hoplab-lab')) customElements.define('hoplab-lab', HoplabLab);
export {};
