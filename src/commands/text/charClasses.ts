/**
 * The POSIX character classes (`[:alpha:]` …) of the C locale, as the bodies of JavaScript
 * character classes: one table for the regular expressions of grep/sed/awk and the shell's patterns.
 */
const POSIX: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

/** A class's body, or undefined for a name that is none (an own key only: `[:constructor:]` is no class). */
export const posixClass = (name: string): string | undefined => (Object.hasOwn(POSIX, name) ? POSIX[name] : undefined);
