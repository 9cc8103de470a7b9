/**
 * One host's terminal: an xterm.js screen driven by the pure line discipline.
 *
 * The adapter draws what the user types (prompt, editing, history, Tab), hands finished lines to
 * the store (`submitLine`), and writes the store's output chunks for this host as they arrive — its
 * own commands' output, and frames printed by a running tcpdump. The scrollback lives in the store,
 * so a terminal that is closed and reopened (or a page reload) shows the same screen.
 */
import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { getAppStore } from '../../store';
import type { TermChunk, TerminalSession } from '../../store/terminals';
import {
  backspace,
  complete,
  decodeInput,
  deleteForward,
  deleteWordBack,
  emptyLine,
  erase,
  formatCandidates,
  historyNext,
  historyPrev,
  historyStart,
  insert,
  isIncomplete,
  killToEnd,
  killToStart,
  moveEnd,
  moveHome,
  moveLeft,
  moveRight,
  redraw,
  redrawDelta,
  reverseSearch,
  searchPrompt,
  wordLeft,
  wordRight,
  type HistoryState,
  type KeyName,
  type LineState,
  visibleControls,
} from './lineDiscipline';
import { completionContext } from './completionContext';
import { takeInput } from './earlyInput';

const THEME = {
  background: '#0f1419',
  foreground: '#e6e1cf',
  cursor: '#f29718',
  selectionBackground: '#3a4b5c',
  black: '#000000',
  red: '#ff3333',
  green: '#b8cc52',
  yellow: '#e7c547',
  blue: '#36a3d9',
  magenta: '#f07178',
  cyan: '#95e6cb',
  white: '#c7c7c7',
};

const CLEAR_SCREEN = '\x1b[H\x1b[2J\x1b[3J';

/** Output as the terminal shows it: every chunk of output ends on a fresh line. */
const asLines = (data: string): string => (data === '' || data.endsWith('\n') ? data : data + '\n');

export interface TerminalViewProps {
  host: string;
  active: boolean;
  screenReader: boolean;
}

export function TerminalView({ host, active, screenReader }: TerminalViewProps) {
  const el = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const fitRef = useRef<FitAddon | null>(null);

  useEffect(() => {
    const container = el.current;
    if (!container) return;
    const store = getAppStore();
    const term = new Terminal({
      convertEol: true,
      cursorBlink: true,
      fontFamily: '"DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: THEME,
      screenReaderMode: false,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(container);
    termRef.current = term;
    fitRef.current = fit;
    term.textarea?.setAttribute('aria-label', `${host} terminal input`);
    try {
      fit.fit();
    } catch {
      /* not laid out yet (hidden tab): fitted when shown */
    }

    // --- line discipline state (the line being edited lives here, not in the store) ---
    const basePrompt = store.getState().promptOf(host);
    let prompt = basePrompt;
    let line: LineState = emptyLine;
    let promptShown = false;
    let pending = ''; // lines joined so far for a command continued with "\" or an open quote
    let hist: HistoryState = historyStart([]);
    let lastTab = false;
    let tabEscape = false; // Escape, then Tab leaves the terminal (keyboard users are not trapped)
    let lastChunk = 0;
    // Ctrl+R: the query, the history entry shown, and the line to restore on Ctrl+G
    let search: { query: string; index: number; failed: boolean; saved: LineState } | null = null;

    const session = (): TerminalSession | undefined => store.getState().terminals[host];
    /** a tcpdump or a command runs in the foreground: typed keys wait, Ctrl+C interrupts it */
    const capturing = () => {
      const s = session();
      return !!s?.capture || !!s?.running;
    };

    const draw = (next: LineState) => {
      term.write(redrawDelta(prompt, line, next, term.cols));
      line = next;
    };
    /** Redraw the line under another prompt (entering or leaving reverse search). */
    const repaint = (nextPrompt: string, next: LineState) => {
      term.write(erase(prompt, line, term.cols) + redraw(nextPrompt, null, next, term.cols));
      prompt = nextPrompt;
      line = next;
    };
    const searchStep = (query: string, from: number) => {
      if (!search) return;
      const entries = session()?.history ?? [];
      const hit = query === '' ? null : reverseSearch(entries, query, from);
      search = { ...search, query, failed: query !== '' && !hit, index: hit ? hit.index : search.index };
      const next = hit ? { text: entries[hit.index], cursor: hit.pos } : line;
      repaint(searchPrompt(query, search.failed), next);
    };
    /** Leave reverse search keeping (or, on abort, restoring) the line. */
    const endSearch = (restore: boolean) => {
      if (!search) return;
      const next = restore ? search.saved : line;
      search = null;
      repaint(pending ? '> ' : basePrompt, next);
    };
    const showPrompt = () => {
      term.write(redraw(prompt, null, line, term.cols));
      promptShown = true;
    };
    const resetHistory = () => {
      hist = historyStart(session()?.history ?? []);
    };

    const writeChunks = (chunks: TermChunk[], replay: boolean) => {
      for (const c of chunks) {
        if (c.id <= lastChunk) continue;
        lastChunk = c.id;
        if (promptShown) {
          term.write(erase(prompt, line, term.cols));
          promptShown = false;
        }
        if (c.clear) term.write(CLEAR_SCREEN);
        if (replay || !c.local) term.write(visibleControls(c.echo));
        term.write(visibleControls(asLines(c.data)));
      }
    };
    const sync = (s: TerminalSession | undefined, replay = false) => {
      if (!s) return;
      const last = s.chunks[s.chunks.length - 1];
      if (last && last.id < lastChunk) lastChunk = 0; // the session was reset (closed and reopened)
      writeChunks(s.chunks, replay);
      if (!s.capture && !s.running && !promptShown) showPrompt();
    };

    // restore the screen from the store, then follow it
    sync(session(), true);
    resetHistory();
    const unsubscribe = store.subscribe((state, prev) => {
      const s = state.terminals[host];
      if (s !== prev.terminals[host]) sync(s);
    });

    const submit = () => {
      const text = line.text;
      draw(moveEnd(line));
      term.write('\r\n');
      promptShown = false;
      line = emptyLine;
      const full = pending + text;
      if (isIncomplete(full)) {
        pending = full.endsWith('\\') ? full.slice(0, -1) : full + '\n';
        prompt = '> ';
        showPrompt();
        return;
      }
      pending = '';
      prompt = basePrompt;
      store.getState().submitLine(host, full);
      resetHistory();
      // an empty or built-in line may not change the session in a way that redraws the prompt
      if (!promptShown && !capturing()) showPrompt();
    };

    const onKey = (key: KeyName) => {
      if (key !== 'tab') lastTab = false;
      if (capturing()) {
        // a running tcpdump or command reads no input here; Ctrl+C interrupts it
        if (key === 'interrupt') store.getState().interruptTerminal(host, '');
        return;
      }
      if (search) {
        if (key === 'reverseSearch') return searchStep(search.query, search.index - 1);
        if (key === 'backspace') return searchStep(search.query.slice(0, -1), (session()?.history.length ?? 0) - 1);
        if (key === 'abort') return endSearch(true);
        if (key === 'interrupt') {
          endSearch(false);
        } else {
          // any other key accepts the match and then acts on it, as in readline
          endSearch(false);
          if (key === 'escape') return;
        }
      }
      switch (key) {
        case 'reverseSearch':
          search = { query: '', index: session()?.history.length ?? 0, failed: false, saved: line };
          repaint(searchPrompt('', false), line);
          return;
        case 'abort':
          return;
        case 'enter':
          return submit();
        case 'backspace':
          return draw(backspace(line));
        case 'delete':
          return draw(deleteForward(line));
        case 'left':
          return draw(moveLeft(line));
        case 'right':
          return draw(moveRight(line));
        case 'home':
          return draw(moveHome(line));
        case 'end':
          return draw(moveEnd(line));
        case 'wordLeft':
          return draw(wordLeft(line));
        case 'wordRight':
          return draw(wordRight(line));
        case 'deleteWordBack':
          return draw(deleteWordBack(line));
        case 'killToStart':
          return draw(killToStart(line));
        case 'killToEnd':
          return draw(killToEnd(line));
        case 'up': {
          const r = historyPrev(hist, line.text);
          if (r) {
            hist = r[0];
            draw(r[1]);
          }
          return;
        }
        case 'down': {
          const r = historyNext(hist);
          if (r) {
            hist = r[0];
            draw(r[1]);
          }
          return;
        }
        case 'tab': {
          const snapshot = store.getState().snapshot;
          const { line: next, list } = complete(line, completionContext(snapshot, host, pending + line.text));
          if (next !== line) {
            draw(next);
            lastTab = false;
          } else if (list.length > 0 && lastTab) {
            draw(moveEnd(line));
            term.write('\r\n' + formatCandidates(list, term.cols) + '\r\n');
            promptShown = false;
            showPrompt();
            lastTab = false;
          } else {
            lastTab = list.length > 0;
          }
          return;
        }
        case 'interrupt': {
          draw(moveEnd(line));
          term.write('^C\r\n');
          promptShown = false;
          const text = pending + line.text;
          line = emptyLine;
          pending = '';
          prompt = basePrompt;
          resetHistory();
          store.getState().interruptTerminal(host, text);
          if (!promptShown) showPrompt();
          return;
        }
        case 'eof':
          if (line.text === '' && pending === '') {
            term.write('\r\n');
            promptShown = false;
            store.getState().submitLine(host, 'exit');
          } else {
            draw(deleteForward(line));
          }
          return;
        case 'clearScreen':
          store.getState().clearTerminal(host);
          return;
        case 'escape':
          return;
      }
    };

    const onInput = (data: string) => {
      for (const tok of decodeInput(data)) {
        if (tok.kind === 'text') {
          lastTab = false;
          if (capturing()) continue;
          if (search) searchStep(search.query + tok.text, search.index);
          else draw(insert(line, tok.text));
        } else {
          onKey(tok.key);
        }
      }
    };
    const dataSub = term.onData(onInput);
    // what was typed while xterm was being fetched
    const early = takeInput(host);
    if (early) onInput(early);

    term.attachCustomKeyEventHandler((ev) => {
      if (ev.type !== 'keydown') return true;
      const ctrl = ev.ctrlKey || ev.metaKey;
      const k = ev.key.toLowerCase();
      if (ev.key === 'Escape') {
        tabEscape = true;
        return true;
      }
      if (ev.key === 'Tab' && tabEscape) {
        tabEscape = false;
        return false; // let the browser move focus
      }
      tabEscape = false;
      // copy: Ctrl+Shift+C, or Ctrl+C while text is selected
      if (ctrl && k === 'c' && (ev.shiftKey || term.hasSelection())) {
        const text = term.getSelection();
        if (text) void navigator.clipboard?.writeText(text).catch(() => undefined);
        term.clearSelection();
        ev.preventDefault();
        return false;
      }
      // paste: Ctrl+V / Ctrl+Shift+V / Shift+Insert fall through to the browser's paste event
      if ((ctrl && k === 'v') || (ev.shiftKey && ev.key === 'Insert')) return false;
      return true;
    });

    return () => {
      unsubscribe();
      dataSub.dispose();
      term.dispose();
      termRef.current = null;
      fitRef.current = null;
    };
  }, [host]);

  // fit to the container while shown, and take the focus when the tab becomes active
  useEffect(() => {
    const container = el.current;
    const term = termRef.current;
    const fit = fitRef.current;
    if (!active || !container || !term || !fit) return;
    const refit = () => {
      if (container.offsetWidth === 0 || container.offsetHeight === 0) return;
      try {
        fit.fit();
      } catch {
        /* hidden */
      }
    };
    refit();
    // take the keyboard, unless the user is moving between terminal tabs with the arrow keys or
    // pressed a button in the trace, matrix or capture panels (e.g. "Apply fix": focus stays there)
    const a = document.activeElement;
    if (a?.getAttribute('role') !== 'tab' && !a?.closest('.hl-trace, .hl-matrix, .hl-cap')) term.focus();
    const ro = new ResizeObserver(refit);
    ro.observe(container);
    return () => ro.disconnect();
  }, [active]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.screenReaderMode = screenReader;
  }, [screenReader]);

  return <div ref={el} className="hl-term-screen" role="region" aria-label={`${host} terminal`} />;
}
