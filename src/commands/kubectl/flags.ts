/**
 * kubectl's flag parsing (spf13/pflag as cobra uses it): `--flag=value`, `--flag value`, `-n ns`,
 * `-nns`, boolean flags, `--` ending the flags, and pflag's messages for mistakes.
 */
import { KubectlError } from './errors';

export interface FlagSpec {
  /** long name without dashes */
  name: string;
  short?: string;
  /** takes a value (string flags); booleans take none unless `--flag=false` */
  value?: boolean;
  /** may be given more than once (values collected) */
  multi?: boolean;
}

export interface Parsed {
  args: string[];
  flags: Map<string, string[]>;
  /** what came after `--` */
  rest?: string[];
}

export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'namespace', short: 'n', value: true },
  { name: 'kubeconfig', value: true },
  { name: 'context', value: true },
  { name: 'v', short: 'v', value: true },
  { name: 'request-timeout', value: true },
];

export function parseFlags(argv: string[], specs: FlagSpec[], command: string): Parsed {
  const all = [...specs, ...GLOBAL_FLAGS];
  const flags = new Map<string, string[]>();
  const args: string[] = [];
  const set = (spec: FlagSpec, v: string) => {
    const cur = flags.get(spec.name) ?? [];
    flags.set(spec.name, spec.multi ? [...cur, v] : [v]);
  };
  const usage = `See 'kubectl ${command} --help' for usage.`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return { args, flags, rest: argv.slice(i + 1) };
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = all.find((s) => s.name === name);
      if (!spec) throw new KubectlError(`error: unknown flag: --${name}\n${usage}\n`);
      if (eq >= 0) set(spec, a.slice(eq + 1));
      else if (spec.value) {
        if (i + 1 >= argv.length) throw new KubectlError(`error: flag needs an argument: --${name}\n${usage}\n`);
        set(spec, argv[++i]);
      } else set(spec, 'true');
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && a !== '-') {
      let j = 1;
      while (j < a.length) {
        const c = a[j];
        const spec = all.find((s) => s.short === c);
        if (!spec) throw new KubectlError(`error: unknown shorthand flag: '${c}' in ${a}\n${usage}\n`);
        if (spec.value) {
          let v = a.slice(j + 1);
          if (v.startsWith('=')) v = v.slice(1);
          if (v === '') {
            if (i + 1 >= argv.length) throw new KubectlError(`error: flag needs an argument: '${c}' in -${c}\n${usage}\n`);
            v = argv[++i];
          }
          set(spec, v);
          break;
        }
        set(spec, 'true');
        j++;
      }
      continue;
    }
    args.push(a);
  }
  return { args, flags };
}

export const flagValue = (p: Parsed, name: string): string | undefined => p.flags.get(name)?.at(-1);
export const flagValues = (p: Parsed, name: string): string[] => p.flags.get(name) ?? [];
export const flagBool = (p: Parsed, name: string): boolean => {
  const v = flagValue(p, name);
  return v !== undefined && v !== 'false';
};
