import { fail, type Ctx } from '../context';
import { matches } from './args';
import { isCommand, runArgv } from '../shell/dispatch';
import type { CommandReturn } from '../registry/types';

export function doNetns(ctx: Ctx, argv: string[]): CommandReturn {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || matches(cmd, 'list') || matches(cmd, 'show')) {
    // /run/netns lists newest first; "(id: N)" where this namespace has a peer id for it
    for (const n of [...ctx.world.namedNetns(ctx.ns)].reverse()) {
      const id = ctx.ns.nsids.get(n);
      ctx.out.push(id === undefined ? `${n.name}\n` : `${n.name} (id: ${id})\n`);
    }
    return;
  }
  if (matches(cmd, 'add')) {
    const name = rest[0];
    if (!name) fail(ctx, 'No netns name specified\n', 1);
    if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('__lan_')) fail(ctx, `Invalid netns name "${name}"\n`, 255);
    if (ctx.world.hasNetns(name)) fail(ctx, `Cannot create namespace file "/run/netns/${name}": File exists\n`, 1);
    ctx.world.createNetns(name, 'host', ctx.ns);
    return;
  }
  if (matches(cmd, 'delete')) {
    const name = rest[0];
    if (!name) fail(ctx, 'No netns name specified\n', 1);
    if (!ctx.world.netnsFrom(ctx.ns, name) || name.startsWith('__lan_')) fail(ctx, `Cannot remove namespace file "/run/netns/${name}": No such file or directory\n`, 1);
    ctx.world.deleteNetns(name);
    return;
  }
  if (matches(cmd, 'exec')) {
    const name = rest[0];
    if (!name) fail(ctx, 'No netns name specified\n', 1);
    if (rest.length < 2) fail(ctx, 'No command specified\n', 1);
    const ns = ctx.world.netnsFrom(ctx.ns, name);
    if (!ns) fail(ctx, `Cannot open network namespace "${name}": No such file or directory\n`, 255);
    // ip netns exec execvp()s the program itself: no shell says "not found", iproute2 does
    if (!isCommand(rest[1])) fail(ctx, `exec of "${rest[1]}" failed: No such file or directory\n`, 1);
    return runArgv({ ...ctx, ns: ns! }, rest.slice(1));
  }
  fail(ctx, `Command "${cmd}" is unknown, try "ip netns help".\n`, 255);
}
