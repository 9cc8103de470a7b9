/**
 * A small POSIX-ish line splitter: words with '…' and "…" quoting and backslash escapes,
 * separated into a list joined by `;`, `&&` and `||`. Pure, so the terminal can reuse it.
 */
export type Joiner = ';' | '&&' | '||';

export interface Pipeline {
  argv: string[];
  /** how this command is joined to the previous one */
  join: Joiner;
}

export type TokenizeResult = { ok: true; list: Pipeline[] } | { ok: false; error: string };

export function tokenize(line: string): TokenizeResult {
  const list: Pipeline[] = [];
  let argv: string[] = [];
  let word = '';
  let inWord = false;
  let join: Joiner = ';';
  const endWord = () => {
    if (inWord) argv.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (next: Joiner): string | null => {
    endWord();
    if (argv.length === 0) return next === ';' ? `syntax error near unexpected token \`;'` : `syntax error near unexpected token \`${next}'`;
    list.push({ argv, join });
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
      if (j < 0) return { ok: false, error: 'Syntax error: Unterminated quoted string' };
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
      if (j >= line.length) return { ok: false, error: 'Syntax error: Unterminated quoted string' };
      word += s;
      inWord = true;
      i = j;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === ';') {
      const e = endCommand(';');
      if (e) return { ok: false, error: e };
    } else if (c === '&' && line[i + 1] === '&') {
      const e = endCommand('&&');
      if (e) return { ok: false, error: e };
      i++;
    } else if (c === '|' && line[i + 1] === '|') {
      const e = endCommand('||');
      if (e) return { ok: false, error: e };
      i++;
    } else {
      word += c;
      inWord = true;
    }
  }
  endWord();
  if (argv.length) list.push({ argv, join });
  else if (list.length && join !== ';') return { ok: false, error: `syntax error: unexpected end of file` };
  return { ok: true, list };
}
