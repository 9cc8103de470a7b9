/**
 * How the cluster's agents type commands: a line parsed by the shell tokenizer and run by the
 * command dispatcher in a namespace, without letting the virtual clock move (an agent's commands
 * are part of one reconcile) and without touching the trace of the command that caused them.
 */
import type { World } from '../../engine/world';
import type { AgentShell, ShellResult } from '../../kube/cluster';
import { tokenize } from '../shell/tokenize';
import { runArgvNow } from '../shell/dispatch';

export function agentShell(world: World): AgentShell {
  const exec = (netns: string, argv: string[], stdin?: string): ShellResult => {
    const ns = world.netns(netns);
    if (!ns) return { exit: 1, stdout: '', stderr: `cannot enter namespace "${netns}"\n` };
    const ctx = { world, ns, out: [] as string[], err: [] as string[], shell: 'sh' as const, stdin };
    let exit: number;
    try {
      exit = runArgvNow(ctx, argv);
    } catch (e) {
      ctx.err.push(`${argv[0]}: internal simulator error: ${(e as Error).message}\n`);
      exit = 70;
    }
    return { exit, stdout: ctx.out.join(''), stderr: ctx.err.join('') };
  };
  return {
    exec,
    run(on, line, stdin) {
      const t = tokenize(line);
      if (!t.ok) return { exit: 2, stdout: '', stderr: `sh: 1: ${t.dash}\n` };
      let last: ShellResult = { exit: 0, stdout: '', stderr: '' };
      const out: string[] = [];
      const err: string[] = [];
      let input = stdin;
      for (const p of t.list) {
        if (p.join === '&&' && last.exit !== 0) continue;
        if (p.join === '||' && last.exit === 0) continue;
        last = exec(on, p.argv, input);
        input = undefined;
        out.push(last.stdout);
        err.push(last.stderr);
      }
      return { exit: last.exit, stdout: out.join(''), stderr: err.join('') };
    },
  };
}
