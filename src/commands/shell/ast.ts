/**
 * The shell's syntax tree, shaped as dash's `union node` (parser.h): simple commands with their
 * assignments and redirections, pipelines, and/or lists, and the compound commands. Words keep
 * their parts (quoted or not, expansions) so expansion can split and glob only what the shells do.
 */

export type WordPart =
  /** unquoted text: subject to pathname expansion (and to field splitting inside an unquoted ${x-word}) */
  | { k: 'lit'; s: string; split?: true }
  /** quoted text ('…', \c, or literal text inside "…"): taken as is */
  | { k: 'sq'; s: string }
  /** "…": its expansions are not split or globbed */
  | { k: 'dq'; parts: WordPart[] }
  | ParamPart
  /** $(…) or `…` */
  | { k: 'cmdsub'; body: Node | null }
  /** $((…)): the text is expanded, then evaluated */
  | { k: 'arith'; expr: WordPart[]; text: string }
  /** ~ or ~user at the start of a word (or after = and : in an assignment) */
  | { k: 'tilde'; user: string };

export type ParamOp = '-' | '=' | '?' | '+' | '#' | '##' | '%' | '%%' | 'len' | '/' | '//' | '/#' | '/%' | 'substr';

export interface ParamPart {
  k: 'param';
  /** a name, a positional number or one of @ * # ? - $ ! 0 */
  name: string;
  op: ParamOp | null;
  /** `${x:-w}` rather than `${x-w}` (unset or empty, not only unset) */
  colon: boolean;
  /** the word after the operator (`/` ops: the pattern; `substr`: the offset) */
  arg: WordPart[] | null;
  /** `/` ops: the replacement; `substr`: the length */
  arg2?: WordPart[] | null;
  /** the ${…} could not be read: expanding it is "Bad substitution" (dash finds out at run time too) */
  bad?: string;
}

export interface Word {
  parts: WordPart[];
  /** the source text, for keywords, assignments and messages */
  text: string;
}

export type RedirOp = '<' | '>' | '>>' | '>|' | '<>' | '<&' | '>&' | '<<' | '<<-' | '<<<' | '&>' | '&>>';

export interface Redir {
  /** the file descriptor named before the operator, or the operator's default */
  fd: number;
  op: RedirOp;
  /** the file name, the fd to duplicate (`2>&1`), or the here-string */
  target: Word;
  /** a here-document's body: literal when its delimiter was quoted, else expanded like "…" without the quotes */
  heredoc?: { body: WordPart[]; literal: boolean };
}

export interface Assign {
  name: string;
  value: Word;
}

export type Node =
  | { t: 'simple'; assigns: Assign[]; words: Word[]; redirs: Redir[]; line: number }
  | { t: 'pipe'; cmds: Node[] }
  | { t: 'not'; body: Node }
  | { t: 'and' | 'or'; left: Node; right: Node }
  /** a list: each item runs in turn; `bg` items run in the background (`&`), `text` is how `jobs` shows them */
  | { t: 'list'; items: { node: Node; bg: boolean; text?: string }[] }
  | { t: 'subshell'; body: Node; redirs: Redir[] }
  | { t: 'group'; body: Node; redirs: Redir[] }
  | { t: 'if'; cond: Node; then: Node; else: Node | null; redirs: Redir[] }
  | { t: 'loop'; until: boolean; cond: Node; body: Node; redirs: Redir[] }
  /** `words` null: `for x; do` iterates over "$@" */
  | { t: 'for'; name: string; words: Word[] | null; body: Node; redirs: Redir[]; line: number }
  | { t: 'case'; word: Word; items: { patterns: Word[]; body: Node | null }[]; redirs: Redir[]; line: number }
  | { t: 'func'; name: string; body: Node; line: number };

export const isName = (s: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
