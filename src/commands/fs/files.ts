/**
 * The coreutils a shell session uses on files, with their C-locale messages: mkdir, rmdir, rm,
 * touch, cp, mv, cat, tee, pwd, basename and dirname. Each reads and writes through the file system
 * its namespace sees, so /proc/sys writes reach the kernel's sysctls.
 */
import type { FsView, Stat } from '../../engine/fs';
import { Exit, type Ctx } from '../context';
import { cwdOf, getopt, has, last, q, readInput, strerror, tryHelp, view, type Errno } from './common';

const fail = (ctx: Ctx, text: string, code = 1): never => {
  ctx.err.push(text);
  throw new Exit(code);
};

const missing = (ctx: Ctx, tool: string, what = 'missing operand') => fail(ctx, `${tool}: ${what}\n${tryHelp(tool)}`);

const join = (dir: string, name: string) => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);
const baseOf = (p: string) => {
  const t = p.replace(/\/+$/, '');
  return t === '' ? '/' : t.slice(t.lastIndexOf('/') + 1);
};

export function mkdir(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'mkdir', argv, { short: 'pvm:', long: { parents: { as: 'p' }, verbose: { as: 'v' }, mode: { as: 'm', arg: true } } });
  if (p.operands.length === 0) missing(ctx, 'mkdir');
  const fs = view(ctx);
  const cwd = cwdOf(ctx);
  const modeArg = last(p, 'm');
  const mode = modeArg !== undefined && /^[0-7]{1,4}$/.test(modeArg) ? parseInt(modeArg, 8) : 0o755;
  if (modeArg !== undefined && !/^[0-7]{1,4}$/.test(modeArg)) fail(ctx, `mkdir: invalid mode ${q(modeArg)}\n`);
  let status = 0;
  const made = (d: string) => has(p, 'v') && ctx.out.push(`mkdir: created directory ${q(d)}\n`);
  for (const dir of p.operands) {
    if (has(p, 'p')) {
      // every missing directory on the way, as mkdir -p makes them
      const comps = dir.split('/').filter(Boolean);
      const prefixes = comps.map((_, k) => (dir.startsWith('/') ? '/' : '') + comps.slice(0, k + 1).join('/'));
      for (const [k, path] of prefixes.entries()) {
        const st = fs.stat(path, cwd);
        if (st.ok && st.value.kind === 'dir') continue;
        const e = st.ok ? 'ENOTDIR' : fs.mkdir(path, cwd, k === prefixes.length - 1 ? mode : 0o755);
        if (e) {
          ctx.err.push(`mkdir: cannot create directory ${q(path)}: ${strerror(e)}\n`);
          status = 1;
          break;
        }
        made(path);
      }
      continue;
    }
    const e = fs.mkdir(dir, cwd, mode);
    if (e) {
      ctx.err.push(`mkdir: cannot create directory ${q(dir)}: ${strerror(e)}\n`);
      status = 1;
    } else made(dir);
  }
  if (status) throw new Exit(status);
}

export function rmdir(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'rmdir', argv, { short: 'pv', long: { parents: { as: 'p' }, verbose: { as: 'v' } } });
  if (p.operands.length === 0) missing(ctx, 'rmdir');
  const fs = view(ctx);
  let status = 0;
  for (const dir of p.operands) {
    const chain = [dir];
    if (has(p, 'p')) for (let d = dir.replace(/\/+$/, ''); d.includes('/'); ) chain.push((d = d.slice(0, d.lastIndexOf('/'))));
    for (const d of chain.filter(Boolean)) {
      if (has(p, 'v')) ctx.out.push(`rmdir: removing directory, ${q(d)}\n`);
      const e = fs.rmdir(d, cwdOf(ctx));
      if (e) {
        ctx.err.push(`rmdir: failed to remove ${q(d)}: ${strerror(e)}\n`);
        status = 1;
        break;
      }
    }
  }
  if (status) throw new Exit(status);
}

/** Remove a tree depth first; the first failure is reported per path, as rm -r does. */
function removeTree(ctx: Ctx, fs: FsView, path: string, verbose: boolean): boolean {
  const cwd = cwdOf(ctx);
  const list = fs.readdir(path, cwd);
  let ok = true;
  if (list.ok) {
    for (const e of list.value.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = join(path, e.name);
      if (e.stat.kind === 'dir') ok = removeTree(ctx, fs, child, verbose) && ok;
      else {
        const err = fs.unlink(child, cwd);
        if (err) {
          ctx.err.push(`rm: cannot remove ${q(child)}: ${strerror(err)}\n`);
          ok = false;
        } else if (verbose) ctx.out.push(`removed ${q(child)}\n`);
      }
    }
  }
  if (!ok) return false;
  const err = fs.rmdir(path, cwd);
  if (err) {
    ctx.err.push(`rm: cannot remove ${q(path)}: ${strerror(err)}\n`);
    return false;
  }
  if (verbose) ctx.out.push(`removed directory ${q(path)}\n`);
  return true;
}

export function rm(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'rm', argv, {
    short: 'frRidv',
    long: { force: { as: 'f' }, recursive: { as: 'r' }, dir: { as: 'd' }, verbose: { as: 'v' }, interactive: { as: 'i' }, 'no-preserve-root': { as: 'N' } },
  });
  const force = p.opts.reduce((f, o) => (o.name === 'f' ? true : o.name === 'i' ? false : f), false);
  const recursive = has(p, 'r', 'R');
  const verbose = has(p, 'v');
  if (p.operands.length === 0) {
    if (force) return;
    missing(ctx, 'rm');
  }
  const fs = view(ctx);
  const cwd = cwdOf(ctx);
  let status = 0;
  for (const name of p.operands) {
    const base = baseOf(name);
    if (recursive && (base === '.' || base === '..')) {
      ctx.err.push(`rm: refusing to remove '.' or '..' directory: skipping ${q(name)}\n`);
      status = 1;
      continue;
    }
    const st = fs.stat(name, cwd);
    if (!st.ok) {
      if (!force) {
        ctx.err.push(`rm: cannot remove ${q(name)}: ${strerror(st.errno)}\n`);
        status = 1;
      }
      continue;
    }
    const real = fs.realpath(name, cwd);
    if (recursive && real.ok && real.value === '/' && !has(p, 'N')) {
      ctx.err.push("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
      status = 1;
      continue;
    }
    if (!force && has(p, 'i')) {
      ctx.err.push(`rm: remove ${st.value.kind === 'dir' ? 'directory' : st.value.size === 0 ? 'regular empty file' : 'regular file'} ${q(name)}? `);
      const answer = (ctx.stdin ?? '').split('\n')[0];
      if (!/^[yY]/.test(answer)) continue;
    }
    if (st.value.kind === 'dir') {
      if (recursive) {
        if (!removeTree(ctx, fs, name, verbose)) status = 1;
        continue;
      }
      if (!has(p, 'd')) {
        ctx.err.push(`rm: cannot remove ${q(name)}: ${strerror('EISDIR')}\n`);
        status = 1;
        continue;
      }
      const e = fs.rmdir(name, cwd);
      if (e) {
        ctx.err.push(`rm: cannot remove ${q(name)}: ${strerror(e)}\n`);
        status = 1;
      } else if (verbose) ctx.out.push(`removed directory ${q(name)}\n`);
      continue;
    }
    const e = fs.unlink(name, cwd);
    if (e) {
      ctx.err.push(`rm: cannot remove ${q(name)}: ${strerror(e)}\n`);
      status = 1;
    } else if (verbose) ctx.out.push(`removed ${q(name)}\n`);
  }
  if (status) throw new Exit(status);
}

export function touch(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'touch', argv, { short: 'acm', long: { 'no-create': { as: 'c' } } });
  if (p.operands.length === 0) missing(ctx, 'touch', 'missing file operand');
  const fs = view(ctx);
  let status = 0;
  for (const name of p.operands) {
    if (has(p, 'c') && !fs.stat(name, cwdOf(ctx)).ok) continue;
    const e = fs.touch(name, cwdOf(ctx));
    if (e) {
      ctx.err.push(`touch: ${e === 'EACCES' ? 'setting times of' : 'cannot touch'} ${q(name)}: ${strerror(e)}\n`);
      status = 1;
    }
  }
  if (status) throw new Exit(status);
}

/** Copy one file or tree to `dest` (a path that is not an existing directory to copy into). */
function copy(ctx: Ctx, fs: FsView, src: string, st: Stat, dest: string, recursive: boolean, verbose: boolean): boolean {
  const cwd = cwdOf(ctx);
  if (st.kind === 'dir') {
    if (!recursive) {
      ctx.err.push(`cp: -r not specified; omitting directory ${q(src)}\n`);
      return false;
    }
    const rs = fs.realpath(src, cwd);
    const parent = fs.realpath(dest.includes('/') ? dest.slice(0, dest.lastIndexOf('/')) || '/' : '.', cwd);
    if (rs.ok && parent.ok && (`${parent.value}/`.startsWith(`${rs.value}/`) || parent.value === rs.value)) {
      ctx.err.push(`cp: cannot copy a directory, ${q(src)}, into itself, ${q(dest)}\n`);
      return false;
    }
    const existing = fs.stat(dest, cwd);
    if (!existing.ok) {
      const e = fs.mkdir(dest, cwd);
      if (e) {
        ctx.err.push(`cp: cannot create directory ${q(dest)}: ${strerror(e)}\n`);
        return false;
      }
    } else if (existing.value.kind !== 'dir') {
      ctx.err.push(`cp: cannot overwrite non-directory ${q(dest)} with directory ${q(src)}\n`);
      return false;
    }
    if (verbose) ctx.out.push(`${q(src)} -> ${q(dest)}\n`);
    const list = fs.readdir(src, cwd);
    let ok = true;
    if (list.ok) for (const e of list.value.sort((a, b) => (a.name < b.name ? -1 : 1))) ok = copy(ctx, fs, join(src, e.name), e.stat, join(dest, e.name), recursive, verbose) && ok;
    return ok;
  }
  const rs = fs.realpath(src, cwd);
  const rd = fs.realpath(dest, cwd);
  if (rs.ok && rd.ok && rs.value === rd.value) {
    ctx.err.push(`cp: ${q(src)} and ${q(dest)} are the same file\n`);
    return false;
  }
  const data = fs.readFile(src, cwd);
  if (!data.ok) {
    ctx.err.push(`cp: cannot open ${q(src)} for reading: ${strerror(data.errno)}\n`);
    return false;
  }
  // cp names a missing directory it was told to copy into ("dir/") as not a directory
  const e = dest.endsWith('/') && !fs.stat(dest, cwd).ok ? 'ENOTDIR' : fs.writeFile(dest, cwd, data.value);
  if (e) {
    ctx.err.push(`cp: cannot create regular file ${q(dest)}: ${strerror(e)}\n`);
    return false;
  }
  if (verbose) ctx.out.push(`${q(src)} -> ${q(dest)}\n`);
  return true;
}

/** cp and mv: SOURCE DEST, or SOURCE... DIRECTORY. */
function targets(ctx: Ctx, tool: string, operands: string[]): { sources: string[]; dest: string; intoDir: boolean } {
  if (operands.length === 0) missing(ctx, tool, 'missing file operand');
  if (operands.length === 1) missing(ctx, tool, `missing destination file operand after ${q(operands[0])}`);
  const dest = operands[operands.length - 1];
  const st = view(ctx).stat(dest, cwdOf(ctx));
  const intoDir = st.ok && st.value.kind === 'dir';
  if (operands.length > 2 && !intoDir) fail(ctx, `${tool}: target ${q(dest)}${st.ok ? ' is not a directory' : `: ${strerror(st.ok ? 'ENOTDIR' : st.errno)}`}\n`);
  return { sources: operands.slice(0, -1), dest, intoDir };
}

export function cp(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'cp', argv, { short: 'rRafpvi', long: { recursive: { as: 'r' }, archive: { as: 'a' }, force: { as: 'f' }, verbose: { as: 'v' } } });
  const { sources, dest, intoDir } = targets(ctx, 'cp', p.operands);
  const fs = view(ctx);
  let status = 0;
  for (const src of sources) {
    const st = fs.stat(src, cwdOf(ctx));
    if (!st.ok) {
      ctx.err.push(`cp: cannot stat ${q(src)}: ${strerror(st.errno)}\n`);
      status = 1;
      continue;
    }
    const to = intoDir ? join(dest, baseOf(src)) : dest;
    if (!copy(ctx, fs, src, st.value, to, has(p, 'r', 'R', 'a'), has(p, 'v'))) status = 1;
  }
  if (status) throw new Exit(status);
}

export function mv(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'mv', argv, { short: 'fivnT', long: { force: { as: 'f' }, verbose: { as: 'v' } } });
  const { sources, dest, intoDir } = targets(ctx, 'mv', p.operands);
  const fs = view(ctx);
  const cwd = cwdOf(ctx);
  let status = 0;
  for (const src of sources) {
    const st = fs.stat(src, cwd);
    if (!st.ok) {
      ctx.err.push(`mv: cannot stat ${q(src)}: ${strerror(st.errno)}\n`);
      status = 1;
      continue;
    }
    const to = intoDir ? join(dest, baseOf(src)) : dest;
    const rs = fs.realpath(src, cwd);
    const rd = fs.realpath(to, cwd);
    if (rs.ok && rd.ok && rs.value === rd.value) {
      ctx.err.push(`mv: ${q(src)} and ${q(to)} are the same file\n`);
      status = 1;
      continue;
    }
    const e = fs.rename(src, to, cwd);
    if (e) {
      const msg: Partial<Record<Errno, string>> = {
        EINVAL: `mv: cannot move ${q(src)} to a subdirectory of itself, ${q(to)}\n`,
        EISDIR: `mv: cannot overwrite directory ${q(to)} with non-directory\n`,
        ENOTDIR: `mv: cannot overwrite non-directory ${q(to)} with directory ${q(src)}\n`,
      };
      ctx.err.push(msg[e] ?? `mv: cannot move ${q(src)} to ${q(to)}: ${strerror(e)}\n`);
      status = 1;
    } else if (has(p, 'v')) ctx.out.push(`renamed ${q(src)} -> ${q(to)}\n`);
  }
  if (status) throw new Exit(status);
}

export function cat(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'cat', argv, { short: 'nbAEsTvue', long: { number: { as: 'n' }, 'show-all': { as: 'A' }, 'show-ends': { as: 'E' }, 'squeeze-blank': { as: 's' } } });
  const files = p.operands.length ? p.operands : ['-'];
  const number = has(p, 'n', 'b');
  const ends = has(p, 'A', 'E', 'e');
  const tabs = has(p, 'A', 'T');
  let status = 0;
  let lineNo = 0;
  let stdinUsed = false;
  for (const f of files) {
    let text: string;
    if (f === '-') {
      text = stdinUsed ? '' : (ctx.stdin ?? '');
      stdinUsed = true;
    } else {
      const r = readInput(ctx, f);
      if (!r.ok) {
        ctx.err.push(`cat: ${f}: ${strerror(r.errno)}\n`);
        status = 1;
        continue;
      }
      text = r.text;
    }
    if (number || ends || tabs || has(p, 's')) {
      const lines = text.split('\n');
      const trailing = lines[lines.length - 1] === '';
      if (trailing) lines.pop();
      let blank = false;
      text = lines
        .filter((l) => {
          const b = l === '';
          const keep = !(has(p, 's') && b && blank);
          blank = b;
          return keep;
        })
        .map((l, i, all) => {
          let s = tabs ? l.replace(/\t/g, '^I') : l;
          if (ends && (i < all.length - 1 || trailing)) s += '$';
          if (number && !(has(p, 'b') && l === '')) s = `${String(++lineNo).padStart(6)}\t${s}`;
          return s;
        })
        .join('\n') + (trailing ? '\n' : '');
    }
    ctx.out.push(text);
  }
  if (status) throw new Exit(status);
}

export function tee(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'tee', argv, { short: 'ai', long: { append: { as: 'a' }, 'ignore-interrupts': { as: 'i' } } });
  const text = ctx.stdin ?? '';
  const fs = view(ctx);
  let status = 0;
  for (const f of p.operands) {
    const e = fs.writeFile(f, cwdOf(ctx), text, { append: has(p, 'a') });
    if (e) {
      ctx.err.push(`tee: ${f}: ${strerror(e)}\n`);
      status = 1;
    }
  }
  ctx.out.push(text);
  if (status) throw new Exit(status);
}

export function pwd(ctx: Ctx, argv: string[]): void {
  getopt(ctx, 'pwd', argv, { short: 'LP' });
  ctx.out.push(`${cwdOf(ctx)}\n`);
}

export function basename(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'basename', argv, { short: 'as:z', long: { multiple: { as: 'a' }, suffix: { as: 's', arg: true } } });
  if (p.operands.length === 0) missing(ctx, 'basename');
  const suffix = last(p, 's');
  const multiple = has(p, 'a') || suffix !== undefined;
  if (!multiple && p.operands.length > 2) fail(ctx, `basename: extra operand ${q(p.operands[2])}\n${tryHelp('basename')}`);
  const names = multiple ? p.operands : [p.operands[0]];
  const strip = multiple ? suffix : p.operands[1];
  for (const n of names) {
    let b = baseOf(n);
    if (strip && b !== strip && b.endsWith(strip) && b !== '/') b = b.slice(0, -strip.length);
    ctx.out.push(`${b}\n`);
  }
}

export function dirname(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'dirname', argv, { short: 'z' });
  if (p.operands.length === 0) missing(ctx, 'dirname');
  for (const n of p.operands) {
    const t = n.replace(/\/+$/, '');
    if (t === '') {
      ctx.out.push(n.startsWith('/') ? '/\n' : '.\n');
      continue;
    }
    const i = t.lastIndexOf('/');
    const d = i < 0 ? '.' : t.slice(0, i).replace(/\/+$/, '') || '/';
    ctx.out.push(`${d}\n`);
  }
}
