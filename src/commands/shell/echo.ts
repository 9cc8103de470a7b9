/**
 * The two echos: dash's builtin (only `-n`, and backslash escapes always, as XSI says) and GNU's
 * (`-n`, `-e`, `-E`; escapes only with -e), which is bash's builtin and /bin/echo.
 */

/** Backslash escapes; `octal0`: \0NNN only (GNU) or also \NNN (dash). Returns the text and whether \c cut it. */
export function escapes(s: string, opts: { octalNeedsZero: boolean; hex: boolean }): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (n in simple) out += simple[n];
    else if (n === 'c') return { text: out, stop: true };
    else if (n === '0' || (!opts.octalNeedsZero && /[1-7]/.test(n))) {
      let digits = n === '0' ? '' : n;
      while (digits.length < 3 && /[0-7]/.test(s[i + 1] ?? '')) digits += s[++i];
      out += String.fromCharCode(parseInt(digits || '0', 8) & 0xff);
    } else if (n === 'x' && opts.hex && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
      let digits = '';
      while (digits.length < 2 && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) digits += s[++i];
      out += String.fromCharCode(parseInt(digits, 16));
    } else out += `\\${n}`;
  }
  return { text: out, stop: false };
}

/** dash's echo: one leading -n, escapes always. */
export function dashEcho(args: string[]): string {
  let newline = true;
  if (args[0] === '-n') {
    newline = false;
    args = args.slice(1);
  }
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const r = escapes(args[i], { octalNeedsZero: false, hex: false });
    out += r.text;
    if (r.stop) return out;
    if (i < args.length - 1) out += ' ';
  }
  return newline ? out + '\n' : out;
}

/** GNU echo (bash's builtin, /bin/echo): leading words made only of n, e, E are options. */
export function gnuEcho(args: string[]): string {
  let newline = true;
  let interpret = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]); i++) {
    for (const f of args[i].slice(1)) {
      if (f === 'n') newline = false;
      else interpret = f === 'e';
    }
  }
  const words = args.slice(i);
  if (!interpret) return words.join(' ') + (newline ? '\n' : '');
  let out = '';
  for (let k = 0; k < words.length; k++) {
    const r = escapes(words[k], { octalNeedsZero: true, hex: true });
    out += r.text;
    if (r.stop) return out;
    if (k < words.length - 1) out += ' ';
  }
  return newline ? out + '\n' : out;
}
