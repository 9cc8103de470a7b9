import { isNumericKey } from '../engine/netns/sysctl';
import { Exit, fail, type Ctx } from './context';
import type { CommandSpec } from './registry/types';

const toKey = (name: string): string => (name.includes('/') ? name.replace(/\//g, '.') : name);
const toPath = (key: string): string => key.replace(/\./g, '/');

export function sysctlPathRead(ctx: Ctx, path: string): string | undefined {
  return ctx.ns.sysctl.get(path.replace(/\//g, '.'));
}

/** procps sysctl: read `key`, write `key=value` (with or without -w), -n for values only. */
export function sysctl(ctx: Ctx, argv: string[]): void {
  let write = false;
  let quiet = false;
  let valuesOnly = false;
  let all = false;
  let ignoreUnknown = false;
  const items: string[] = [];
  // getopt_long: options anywhere, short ones bundled ("-qw")
  for (const a of argv) {
    if (a === '--write') write = true;
    else if (a === '--values') valuesOnly = true;
    else if (a === '--quiet') quiet = true;
    else if (a === '--all') all = true;
    else if (a === '--ignore') ignoreUnknown = true;
    else if (a.startsWith('--') && a.length > 2) fail(ctx, `sysctl: unrecognized option '${a}'\n${USAGE}`, 1);
    else if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        if (c === 'w') write = true;
        else if (c === 'n') valuesOnly = true;
        else if (c === 'q') quiet = true;
        else if (c === 'a' || c === 'A' || c === 'X') all = true;
        else if (c === 'e') ignoreUnknown = true;
        else fail(ctx, `sysctl: invalid option -- '${c}'\n${USAGE}`, 1);
      }
    } else items.push(a);
  }
  if (all) {
    for (const k of ctx.ns.sysctl.keys()) ctx.out.push(valuesOnly ? `${ctx.ns.sysctl.get(k)}\n` : `${k} = ${ctx.ns.sysctl.get(k)}\n`);
    return;
  }
  if (items.length === 0) {
    if (write) fail(ctx, "sysctl: no variables specified\nTry `sysctl --help' for more information.\n", 1);
    fail(ctx, USAGE, 1);
  }
  let code = 0;
  for (const item of items) {
    const eq = item.indexOf('=');
    if (write && eq < 0) {
      ctx.err.push("sysctl: command line(0): invalid syntax, continuing...\n");
      code = 1;
      continue;
    }
    if (eq >= 0) {
      const key = toKey(item.slice(0, eq));
      const value = item.slice(eq + 1);
      if (!ctx.ns.sysctl.has(key)) {
        // a directory: procps tries to write it as a file, and goes on as if that were fine
        if (ctx.ns.sysctl.keysUnder(key).length > 0) {
          ctx.err.push(`sysctl: setting key "${key}": Invalid argument\n`);
          continue;
        }
        if (ignoreUnknown) continue;
        ctx.err.push(`sysctl: cannot stat /proc/sys/${toPath(key)}: No such file or directory\n`);
        code = 1;
        continue;
      }
      if (isNumericKey(key) && !/^-?\d+$/.test(value.trim())) {
        ctx.err.push(`sysctl: setting key "${key}": Invalid argument\n`);
        code = 1;
        continue;
      }
      ctx.ns.sysctl.set(key, value.trim());
      ctx.world.touch();
      if (!quiet) ctx.out.push(valuesOnly ? `${value.trim()}\n` : `${key} = ${value.trim()}\n`);
    } else {
      const key = toKey(item);
      const v = ctx.ns.sysctl.get(key);
      if (v === undefined) {
        // a directory lists every key below it
        const below = ctx.ns.sysctl.keysUnder(key);
        if (below.length > 0) {
          for (const k of below) ctx.out.push(valuesOnly ? `${ctx.ns.sysctl.get(k)}\n` : `${k} = ${ctx.ns.sysctl.get(k)}\n`);
          continue;
        }
        if (ignoreUnknown) continue;
        ctx.err.push(`sysctl: cannot stat /proc/sys/${toPath(key)}: No such file or directory\n`);
        code = 1;
        continue;
      }
      ctx.out.push(valuesOnly ? `${v}\n` : `${key} = ${v}\n`);
    }
  }
  if (code) throw new Exit(code);
}

const USAGE = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`;

/** The keys Tab offers when the lab gives none: the ones the lesson and tutorials use. */
export const COMMON_SYSCTLS = [
  'net.ipv4.ip_forward',
  'net.ipv4.conf.all.forwarding',
  'net.ipv4.conf.all.rp_filter',
  'net.ipv4.conf.default.forwarding',
  'net.ipv4.icmp_ratelimit',
];

export const sysctlCommand: CommandSpec = {
  name: 'sysctl',
  kind: 'config',
  summary: 'read and write kernel parameters such as net.ipv4.ip_forward (procps)',
  learn: 'sysctl --help',
  complete: (_args, env) => env.sysctls ?? COMMON_SYSCTLS,
  run: sysctl,
};
