/**
 * Redirections, applied left to right on a copy of the descriptors: `>` `>>` `<` `<>` `>|`,
 * `N>&M` / `N<&M` / `N>&-`, here-documents and here-strings, and bash's `&>` / `&>>`. A failure
 * is reported in the shell's words (dash: `cannot create X: Directory nonexistent`, bash:
 * `X: No such file or directory`) and the command does not run.
 */
import { strerror, type Errno, type FsView } from '../../engine/fs';
import type { Redir } from './ast';
import { expandParts, expandString, type Co, type ExpandEnv } from './expand';
import { ShellError } from './errors';
import { FileOutput, StringInput, cloneFds, type Fds } from './io';

/** dash's errmsg(): ENOENT and ENOTDIR read as "No such file" on open, "Directory nonexistent" on create. */
function dashErr(e: Errno, create: boolean): string {
  if (e !== 'ENOENT' && e !== 'ENOTDIR') return strerror(e);
  return create ? 'Directory nonexistent' : 'No such file';
}

/** A redirection that failed: the message, in dash's and bash's words. */
export class RedirError {
  constructor(
    readonly dash: string,
    readonly bash: string,
  ) {}
}

const MAX_FD = 9;

/** /dev/stdin, /dev/stdout, /dev/stderr and /dev/fd/N name the shell's own descriptors (Linux's /proc/self/fd). */
function fdAlias(path: string): number | null {
  const m = /^\/dev\/(?:(stdin)|(stdout)|(stderr)|fd\/(\d))$/.exec(path);
  if (!m) return null;
  return m[1] ? 0 : m[2] ? 1 : m[3] ? 2 : Number(m[4]);
}

function openOut(fs: FsView, cwd: string, path: string, opts: { append: boolean; noclobber: boolean }): { ok: true; out: FileOutput } | RedirError {
  if (opts.noclobber && !opts.append) {
    const st = fs.stat(path, cwd);
    if (st.ok && st.value.kind === 'file') return new RedirError(`cannot create ${path}: File exists`, `${path}: cannot overwrite existing file`);
  }
  const h = fs.openWrite(path, cwd, { append: opts.append });
  if (!h.ok) return new RedirError(`cannot create ${path}: ${dashErr(h.errno, true)}`, `${path}: ${strerror(h.errno)}`);
  return { ok: true, out: new FileOutput(h.value) };
}

/** Apply redirections to a copy of `fds`; a RedirError when one fails. */
export function* applyRedirs(env: ExpandEnv, redirs: readonly Redir[], fds: Fds): Co<Fds | RedirError> {
  if (redirs.length === 0) return fds;
  const out = cloneFds(fds);
  const { sh, fs } = env;
  for (const r of redirs) {
    if (r.heredoc) {
      const body = r.heredoc.literal ? r.heredoc.body.map((p) => (p.k === 'sq' ? p.s : '')).join('') : yield* expandParts(env, r.heredoc.body, true);
      out[r.fd] = { in: new StringInput(body) };
      continue;
    }
    const target = yield* expandString(env, r.target);
    if (r.fd > MAX_FD) return new RedirError(`${r.fd}: Bad file descriptor`, `${r.fd}: Bad file descriptor`);
    switch (r.op) {
      case '<<<':
        out[r.fd] = { in: new StringInput(`${target}\n`) };
        break;
      case '<':
      case '<>': {
        const alias = fdAlias(target);
        if (alias !== null) {
          out[r.fd] = out[alias];
          break;
        }
        const data = fs.readFile(target, sh.cwd);
        if (!data.ok && !(r.op === '<>' && data.errno === 'ENOENT')) {
          return new RedirError(`cannot open ${target}: ${dashErr(data.errno, false)}`, `${target}: ${strerror(data.errno)}`);
        }
        if (r.op === '<>') {
          const o = openOut(fs, sh.cwd, target, { append: true, noclobber: false });
          if (o instanceof RedirError) return o;
          out[r.fd] = { in: new StringInput(data.ok ? data.value : ''), out: o.out };
        } else {
          const st = fs.stat(target, sh.cwd);
          out[r.fd] = { in: new StringInput(data.ok ? data.value : '', st.ok && st.value.kind === 'file' && st.value.fsType !== 'proc') };
        }
        break;
      }
      case '>':
      case '>|':
      case '>>':
      case '&>':
      case '&>>': {
        const alias = fdAlias(target);
        const fd = alias !== null ? out[alias] : undefined;
        if (alias !== null && fd) {
          out[r.fd] = fd;
          if (r.op.startsWith('&')) out[2] = fd;
          break;
        }
        const o = openOut(fs, sh.cwd, target, { append: r.op === '>>' || r.op === '&>>', noclobber: sh.opts.noclobber && r.op !== '>|' });
        if (o instanceof RedirError) return o;
        out[r.fd] = { out: o.out };
        if (r.op.startsWith('&')) out[2] = { out: o.out };
        break;
      }
      case '>&':
      case '<&': {
        if (target === '-') {
          out[r.fd] = undefined;
          break;
        }
        if (!/^\d+$/.test(target)) {
          if (r.op === '>&' && sh.dialect === 'bash') {
            const o = openOut(fs, sh.cwd, target, { append: false, noclobber: false });
            if (o instanceof RedirError) return o;
            out[1] = out[2] = { out: o.out };
            break;
          }
          throw new ShellError('Syntax error: Bad fd number', `${target}: ambiguous redirect`);
        }
        const src = Number(target);
        const fd = src <= MAX_FD ? out[src] : undefined;
        if (!fd || (r.op === '>&' && !fd.out) || (r.op === '<&' && !fd.in)) return new RedirError(`${target}: Bad file descriptor`, `${target}: Bad file descriptor`);
        out[r.fd] = fd;
        break;
      }
    }
  }
  return out;
}
