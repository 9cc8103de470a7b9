/**
 * Word expansion in POSIX order: tilde, parameters, command substitution and arithmetic, then
 * field splitting on IFS (only what came from an unquoted expansion), pathname expansion (only
 * unquoted * ? [), and quote removal. "$@" makes one field per positional parameter.
 */
import type { FsView } from '../../engine/fs';
import type { Proc } from '../../engine/proc/task';
import type { Node, ParamPart, Word, WordPart } from './ast';
import { evalArith } from './arith';
import { ShellError } from './errors';
import { hasGlob, patternSource, removeAffix, replacePattern, type Piece } from './pattern';
import type { ShellState } from './state';

/** A coroutine step of the shell: commands it runs may take virtual time (a task's Proc). */
export type Co<T> = Proc<T>;

export interface ExpandEnv {
  sh: ShellState;
  fs: FsView;
  /** run `$( … )` in a subshell and return what it printed */
  subst(body: Node | null): Co<string>;
}

/** A piece of an expanded word; `split` marks what an unquoted expansion produced. `brk` separates "$@"'s fields. */
type Seg = { s: string; q: boolean; split: boolean } | { brk: true };

const lit = (s: string, q: boolean, split: boolean): Seg => ({ s, q, split });

function home(sh: ShellState, user: string): string | null {
  if (user === '') return sh.get('HOME') ?? '/root';
  return user === 'root' ? '/root' : null;
}

function* segments(env: ExpandEnv, parts: readonly WordPart[], inDq: boolean): Co<Seg[]> {
  const out: Seg[] = [];
  for (const p of parts) {
    switch (p.k) {
      case 'lit':
        out.push(lit(p.s, inDq, !inDq && p.split === true));
        break;
      case 'sq':
        out.push(lit(p.s, true, false));
        break;
      case 'dq':
        if (p.parts.length === 1 && p.parts[0].k === 'param' && p.parts[0].name === '@' && p.parts[0].op === null && !p.parts[0].bad) {
          env.sh.positional.forEach((a, i) => {
            if (i > 0) out.push({ brk: true });
            out.push(lit(a, true, false));
          });
        } else {
          out.push(lit('', true, false));
          out.push(...(yield* segments(env, p.parts, true)));
        }
        break;
      case 'tilde': {
        const h = home(env.sh, p.user);
        out.push(h === null ? lit(`~${p.user}`, inDq, false) : lit(h, true, false));
        break;
      }
      case 'param':
        out.push(...(yield* param(env, p, inDq)));
        break;
      case 'cmdsub': {
        const text = (yield* env.subst(p.body)).replace(/\n+$/, '');
        out.push(lit(text, inDq, !inDq));
        break;
      }
      case 'arith': {
        const expr = yield* expandParts(env, p.expr, true);
        const v = evalArith(expr, { get: (n) => env.sh.get(n), set: (n, v) => env.sh.setVar(n, v) }, env.sh.dialect);
        out.push(lit(String(v), inDq, !inDq));
        break;
      }
    }
  }
  return out;
}

/** The value of a parameter name: positional, special or a variable. */
export function paramValue(sh: ShellState, name: string): string | undefined {
  if (/^\d+$/.test(name)) return name === '0' ? sh.arg0 : sh.positional[Number(name) - 1];
  switch (name) {
    case '?':
      return String(sh.status);
    case '$':
      return String(sh.pid);
    case '!':
      return sh.lastBg === null ? undefined : String(sh.lastBg);
    case '#':
      return String(sh.positional.length);
    case '-':
      return optionFlags(sh);
    case '@':
    case '*':
      return sh.positional.join(ifsFirst(sh));
  }
  return sh.get(name);
}

const ifsFirst = (sh: ShellState) => {
  const ifs = sh.get('IFS');
  return ifs === undefined ? ' ' : ifs.slice(0, 1);
};

function optionFlags(sh: ShellState): string {
  const o = sh.opts;
  let f = (o.errexit ? 'e' : '') + (o.noglob ? 'f' : '') + (o.nounset ? 'u' : '') + (o.xtrace ? 'x' : '') + (o.noclobber ? 'C' : '');
  if (sh.dialect === 'bash') f = (sh.interactive ? 'himBH' : 'hB') + f + (sh.interactive ? 's' : 'c');
  return f;
}

function* param(env: ExpandEnv, p: ParamPart, inDq: boolean): Co<Seg[]> {
  const sh = env.sh;
  if (p.bad !== undefined) throw new ShellError('Bad substitution', `${p.bad}: bad substitution`);
  const name = p.name;
  const value = paramValue(sh, name);
  const vsegs = (v: string): Seg[] => [lit(v, inDq, !inDq)];
  const unbound = () => new ShellError(`${name}: parameter not set`, `${name}: unbound variable`, 2);
  if (p.op === 'len') {
    // dash measures "$*"; bash counts the parameters
    if (name === '@' || name === '*') return vsegs(String(sh.dialect === 'bash' ? sh.positional.length : [...sh.positional.join(' ')].length));
    if (value === undefined && sh.opts.nounset) throw unbound();
    return vsegs(String([...(value ?? '')].length));
  }
  if (p.op === null) {
    if ((name === '@' || name === '*') && !inDq) {
      const out: Seg[] = [];
      sh.positional.forEach((a, i) => {
        if (i > 0) out.push({ brk: true });
        out.push(lit(a, false, true));
      });
      return out;
    }
    if (value === undefined && sh.opts.nounset && name !== '@' && name !== '*') throw unbound();
    return vsegs(value ?? '');
  }
  const set = value !== undefined && !(p.colon && value === '');
  const arg = () => segments(env, p.arg ?? [], inDq);
  switch (p.op) {
    case '-':
      return set ? vsegs(value!) : yield* arg();
    case '+':
      return set ? yield* arg() : [];
    case '=': {
      if (set) return vsegs(value!);
      const v = joinSegs(yield* arg());
      if (/^\d+$/.test(name) || !/^[A-Za-z_]/.test(name)) throw new ShellError(`${name}: bad variable name`, `$${name}: cannot assign in this way`);
      if (!sh.setVar(name, v)) throw new ShellError(`${name}: is read only`, `${name}: readonly variable`);
      return vsegs(v);
    }
    case '?': {
      if (set) return vsegs(value!);
      const msg = p.arg && p.arg.length ? joinSegs(yield* arg()) : null;
      throw new ShellError(
        `${name}: ${msg ?? (p.colon ? 'parameter not set or null' : 'parameter not set')}`,
        `${name}: ${msg ?? (p.colon ? 'parameter null or not set' : 'parameter not set')}`,
      );
    }
  }
  if (value === undefined && sh.opts.nounset) throw unbound();
  const v = value ?? '';
  if (p.op === '#' || p.op === '##' || p.op === '%' || p.op === '%%') {
    return vsegs(removeAffix(v, yield* patternOf(env, p.arg ?? []), p.op));
  }
  if (p.op === '/' || p.op === '//' || p.op === '/#' || p.op === '/%') {
    const rep = yield* expandParts(env, p.arg2 ?? [], true);
    return vsegs(replacePattern(v, yield* patternOf(env, p.arg ?? []), rep, p.op));
  }
  // bash's ${x:offset:length}
  const vars = { get: (n: string) => sh.get(n), set: (n: string, x: string) => sh.setVar(n, x) };
  const chars = [...v];
  let off = Number(evalArith(yield* expandParts(env, p.arg ?? [], true), vars, sh.dialect));
  if (off < 0) off = Math.max(0, chars.length + off);
  let len = chars.length - off;
  if (p.arg2) {
    len = Number(evalArith(yield* expandParts(env, p.arg2, true), vars, sh.dialect));
    if (len < 0) len = Math.max(0, chars.length - off + len);
  }
  return vsegs(chars.slice(off, off + len).join(''));
}

const joinSegs = (segs: Seg[]): string => segs.map((s) => ('brk' in s ? ' ' : s.s)).join('');

/** The parts as one string: no field splitting or globbing (assignments, here-documents, $(( ))). */
export function* expandParts(env: ExpandEnv, parts: readonly WordPart[], inDq = false): Co<string> {
  return joinSegs(yield* segments(env, parts, inDq));
}

export function* expandString(env: ExpandEnv, word: Word): Co<string> {
  return yield* expandParts(env, word.parts);
}

/** A word as a pattern: expanded, quoted characters kept literal (case patterns, ${x#…}). */
export function* patternOf(env: ExpandEnv, parts: readonly WordPart[]): Co<Piece[]> {
  return (yield* segments(env, parts, false)).map((s) => ('brk' in s ? { s: ' ', q: false } : { s: s.s, q: s.q }));
}

/** Field splitting: what unquoted expansions produced is cut at IFS characters. */
export function splitFields(segs: readonly Seg[], ifs: string): Piece[][] {
  const fields: Piece[][] = [];
  let cur: Piece[] = [];
  let has = false;
  /** the last thing seen was IFS white space ending a field: a following non-blank delimiter joins it */
  let afterBlank = false;
  const end = (force: boolean) => {
    if (has || force) fields.push(cur);
    cur = [];
    has = false;
  };
  for (const seg of segs) {
    if ('brk' in seg) {
      end(false);
      afterBlank = false;
      continue;
    }
    if (!seg.split || ifs === '') {
      cur.push({ s: seg.s, q: seg.q });
      if (seg.q || seg.s !== '') {
        has = true;
        afterBlank = false;
      }
      continue;
    }
    let run = '';
    for (const c of seg.s) {
      if (!ifs.includes(c)) {
        run += c;
        has = true;
        afterBlank = false;
        continue;
      }
      if (run) cur.push({ s: run, q: false });
      run = '';
      if (c === ' ' || c === '\t' || c === '\n') {
        if (has) {
          end(false);
          afterBlank = true;
        }
      } else {
        if (!afterBlank) end(true);
        else {
          cur = [];
          has = false;
        }
        afterBlank = false;
      }
    }
    if (run) cur.push({ s: run, q: false });
  }
  end(false);
  return fields;
}

const text = (f: readonly Piece[]) => f.map((p) => p.s).join('');

/** Words to fields: every expansion, splitting and globbing. */
export function* expandFields(env: ExpandEnv, words: readonly Word[]): Co<string[]> {
  const out: string[] = [];
  const ifs = env.sh.get('IFS') ?? ' \t\n';
  for (const w of words) {
    const fields = splitFields(yield* segments(env, w.parts, false), ifs);
    for (const f of fields) {
      if (!env.sh.opts.noglob && hasGlob(f)) {
        const matches = globPath(env.fs, env.sh.cwd, f);
        if (matches.length) {
          out.push(...matches);
          continue;
        }
      }
      out.push(text(f));
    }
  }
  return out;
}

/** Pathname expansion: the existing paths a pattern matches, sorted as in the C locale. */
export function globPath(fs: FsView, cwd: string, pattern: readonly Piece[]): string[] {
  const comps: Piece[][] = [[]];
  for (const p of pattern) {
    const parts = p.s.split('/');
    parts.forEach((s, i) => {
      if (i > 0) comps.push([]);
      if (s) comps[comps.length - 1].push({ s, q: p.q });
    });
  }
  const absolute = comps.length > 1 && comps[0].length === 0;
  const trailing = comps.length > 1 && comps[comps.length - 1].length === 0;
  const parts = comps.filter((c) => c.length > 0);
  let results = [absolute ? '/' : ''];
  const join = (dir: string, name: string) => (dir === '' ? name : dir === '/' ? `/${name}` : `${dir}/${name}`);
  for (const comp of parts) {
    if (!hasGlob(comp)) {
      const name = text(comp);
      results = results.filter((r) => fs.stat(join(r, name), cwd).ok).map((r) => join(r, name));
      continue;
    }
    const re = new RegExp(`^(?:${patternSource(comp, true)})$`);
    const dotOk = comp[0].s.startsWith('.');
    const next: string[] = [];
    for (const r of results) {
      const list = fs.readdir(r === '' ? '.' : r, cwd);
      if (!list.ok) continue;
      const names = list.value.map((e) => e.name).filter((n) => re.test(n) && (dotOk || !n.startsWith('.')));
      names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const n of names) next.push(join(r, n));
    }
    results = next;
  }
  if (trailing) {
    const isDir = (r: string) => {
      const st = fs.stat(r, cwd);
      return st.ok && st.value.kind === 'dir';
    };
    results = results.filter(isDir).map((r) => `${r}/`);
  }
  return results;
}
