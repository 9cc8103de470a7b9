import { Exit, type Ctx } from './context';
import { sysctlPathRead } from './sysctl';
import type { CommandSpec } from './registry/types';
import { resolverFileText } from './dns/commands';

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

/** cat: /proc/sys files, and the resolver files of a cluster's pods and nodes (until the file system is in). */
export function cat(ctx: Ctx, argv: string[]): void {
  if (argv.length === 0 || (argv.length === 1 && argv[0] === '-')) {
    ctx.out.push(ctx.stdin ?? '');
    return;
  }
  let code = 0;
  for (const f of argv) {
    const file = resolverFileText(ctx.ns, f);
    const v = f.startsWith('/proc/sys/') ? sysctlPathRead(ctx, f.slice('/proc/sys/'.length)) : undefined;
    if (file !== undefined) ctx.out.push(file);
    else if (v === undefined) {
      ctx.err.push(`cat: ${f}: No such file or directory\n`);
      code = 1;
    } else ctx.out.push(`${v}\n`);
  }
  if (code) throw new Exit(code);
}

export const echoCommand: CommandSpec = { name: 'echo', kind: 'read', summary: 'print its arguments', run: echo };

export const hostnameCommand: CommandSpec = {
  name: 'hostname',
  kind: 'config',
  summary: "print (or set) the machine's name",
  learn: 'hostname --help',
  run: hostname,
};

export const catCommand: CommandSpec = { name: 'cat', kind: 'read', summary: 'print files (such as /proc/sys/net/ipv4/ip_forward) or its input', run: cat };

export const trueCommand: CommandSpec = { name: 'true', kind: 'read', summary: 'do nothing, successfully (exit status 0)', run: () => 0 };

export const falseCommand: CommandSpec = { name: 'false', kind: 'read', summary: 'do nothing, unsuccessfully (exit status 1)', run: () => 1 };
