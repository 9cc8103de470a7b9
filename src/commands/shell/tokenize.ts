/**
 * A small POSIX-ish line splitter: words with '…' and "…" quoting and backslash escapes,
 * separated into a list joined by `;`, `&&` and `||`, each item a pipeline of commands joined by `|`.
 * Pure, so the terminal can reuse it.
 */
export type Joiner = ';' | '&&' | '||';

export interface Pipeline {
  argv: string[];
  /** how this command is joined to the previous one */
  join: Joiner;
  /** the commands after `|`, each reading what the one before it printed */
  pipeTo?: string[][];
}

/** On a syntax error: bash's words (`error`) and dash's (`dash`), which `sh -c` prints. */
export type TokenizeResult = { ok: true; list: Pipeline[] } | { ok: false; error: string; dash: string };

const unexpected = (tok: string) => ({ ok: false as const, error: `syntax error near unexpected token \`${tok}'`, dash: `Syntax error: "${tok}" unexpected` });
const UNTERMINATED = { ok: false as const, error: 'Syntax error: Unterminated quoted string', dash: 'Syntax error: Unterminated quoted string' };

export function tokenize(line: string): TokenizeResult {
  const list: Pipeline[] = [];
  let argv: string[] = [];
  let word = '';
  let inWord = false;
  let join: Joiner = ';';
  let stages: string[][] = [];
  const endWord = () => {
    if (inWord) argv.push(word);
    word = '';
    inWord = false;
  };
  const push = () => {
    const all = [...stages, argv];
    list.push(all.length > 1 ? { argv: all[0], join, pipeTo: all.slice(1) } : { argv, join });
    stages = [];
  };
  const endCommand = (next: Joiner | ';;'): TokenizeResult | null => {
    endWord();
    if (argv.length === 0 || next === ';;') return unexpected(next);
    push();
    argv = [];
    join = next;
    return null;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === "'") {
      const j = line.indexOf("'", i + 1);
      if (j < 0) return UNTERMINATED;
      word += line.slice(i + 1, j);
      inWord = true;
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1])) j++;
        s += line[j++];
      }
      if (j >= line.length) return UNTERMINATED;
      word += s;
      inWord = true;
      i = j;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === ';') {
      // ";;" only means something inside case … esac, which Hoplab's shell has not
      const e = endCommand(line[i + 1] === ';' ? ';;' : ';');
      if (e) return e;
    } else if (c === '&' && line[i + 1] === '&') {
      const e = endCommand('&&');
      if (e) return e;
      i++;
    } else if (c === '|' && line[i + 1] === '|') {
      const e = endCommand('||');
      if (e) return e;
      i++;
    } else if (c === '|') {
      endWord();
      if (argv.length === 0) return unexpected('|');
      stages.push(argv);
      argv = [];
    } else {
      word += c;
      inWord = true;
    }
  }
  endWord();
  if (argv.length) push();
  else if (stages.length) return { ok: false, error: 'syntax error: unexpected end of file', dash: 'Syntax error: end of file unexpected' };
  else if (list.length && join !== ';') return { ok: false, error: 'syntax error: unexpected end of file', dash: 'Syntax error: end of file unexpected' };
  return { ok: true, list };
}
