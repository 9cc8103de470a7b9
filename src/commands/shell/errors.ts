/**
 * How the shell stops what it is doing: `exit`, `return`, `break`/`continue`, and errors that end
 * a non-interactive shell (dash exits with status 2 on a bad substitution or an arithmetic error;
 * an interactive bash abandons the line and prompts again).
 */
import type { ShellState } from './state';

export class ExitShell {
  constructor(readonly status: number) {}
}

export class ReturnFromFunction {
  constructor(readonly status: number) {}
}

export class LoopControl {
  constructor(
    readonly kind: 'break' | 'continue',
    /** how many enclosing loops it still has to leave */
    readonly levels: number,
  ) {}
}

/** A shell error with dash's and bash's wording; `fatal` ends a non-interactive shell. */
export class ShellError {
  constructor(
    readonly dash: string,
    readonly bash: string,
    readonly status = 2,
    readonly fatal = true,
  ) {}
}

/** The prefix each shell puts before its own messages: `sh: 3: ` (dash names the line), `bash: `. */
export function msgPrefix(sh: ShellState): string {
  if (sh.dialect === 'bash') return sh.interactive ? 'bash: ' : `bash: line ${sh.line}: `;
  return `${sh.arg0}: ${sh.line}: `;
}

/** A message in the running shell's words. */
export const shellMessage = (sh: ShellState, dash: string, bash: string): string => `${msgPrefix(sh)}${sh.dialect === 'bash' ? bash : dash}\n`;
