import type { Ctx } from './context';
import { gnuEcho } from './shell/echo';
import type { CommandSpec } from './registry/types';

/** /bin/echo (GNU coreutils): -n, -e and -E; the shells' own echo builtins are in shell/echo.ts. */
export function echo(ctx: Ctx, argv: string[]): void {
  ctx.out.push(gnuEcho(argv));
}

export function hostname(ctx: Ctx, argv: string[]): void {
  if (argv.length === 0) {
    ctx.out.push(`${ctx.ns.hostname}\n`);
    return;
  }
  ctx.ns.hostname = argv[0];
  ctx.world.touch();
}

export const echoCommand: CommandSpec = { name: 'echo', kind: 'read', summary: 'print its arguments', run: echo };

export const hostnameCommand: CommandSpec = {
  name: 'hostname',
  kind: 'config',
  summary: "print (or set) the machine's name",
  learn: 'hostname --help',
  run: hostname,
};


export const trueCommand: CommandSpec = { name: 'true', kind: 'read', summary: 'do nothing, successfully (exit status 0)', run: () => 0 };

export const falseCommand: CommandSpec = { name: 'false', kind: 'read', summary: 'do nothing, unsuccessfully (exit status 1)', run: () => 1 };
