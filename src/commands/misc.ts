import { Exit, type Ctx } from './context';
import { sysctlPathRead } from './sysctl';

export function echo(ctx: Ctx, argv: string[]): void {
  let newline = true;
  let args = argv;
  if (args[0] === '-n') {
    newline = false;
    args = args.slice(1);
  }
  ctx.out.push(args.join(' ') + (newline ? '\n' : ''));
}

export function hostname(ctx: Ctx, argv: string[]): void {
  if (argv.length === 0) {
    ctx.out.push(`${ctx.ns.hostname}\n`);
    return;
  }
  ctx.ns.hostname = argv[0];
  ctx.world.touch();
}

/** cat: only /proc/sys files exist in a simulated namespace. */
export function cat(ctx: Ctx, argv: string[]): void {
  if (argv.length === 0 || (argv.length === 1 && argv[0] === '-')) {
    ctx.out.push(ctx.stdin ?? '');
    return;
  }
  let code = 0;
  for (const f of argv) {
    const v = f.startsWith('/proc/sys/') ? sysctlPathRead(ctx, f.slice('/proc/sys/'.length)) : undefined;
    if (v === undefined) {
      ctx.err.push(`cat: ${f}: No such file or directory\n`);
      code = 1;
    } else ctx.out.push(`${v}\n`);
  }
  if (code) throw new Exit(code);
}
