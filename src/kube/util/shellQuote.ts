/** A command line an agent types: words with spaces or shell characters double-quoted, as a person would. */
const PLAIN = /^[A-Za-z0-9_./:=,%+@^!-]+$/;

export const shellWord = (w: string): string => (PLAIN.test(w) ? w : `"${w.replace(/(["\\$`])/g, '\\$1')}"`);

export const shellLine = (argv: string[]): string => argv.map(shellWord).join(' ');
