/**
 * /etc/resolv.conf as the stub resolver reads it (resolv.conf(5); glibc resolv/res_init.c):
 * `nameserver` lines (the first three count), `search` or `domain` (the last one wins), and
 * `options` (ndots, timeout, attempts, rotate, …). Comments start with `;` or `#`. Missing file
 * or no nameserver means the local one, 127.0.0.1; no search list means the domain of the host
 * name, if it has one.
 */

/** glibc's limits: MAXNS, RES_MAXNDOTS, RES_MAXRETRANS, RES_MAXRETRY */
export const MAXNS = 3;
const MAX_NDOTS = 15;
const MAX_TIMEOUT = 30;
const MAX_ATTEMPTS = 5;

export interface ResolverConfig {
  nameservers: string[];
  search: string[];
  ndots: number;
  /** seconds per try */
  timeout: number;
  attempts: number;
  rotate: boolean;
  /** options seen, in order, as written (for tools that print them) */
  options: string[];
}

export const DEFAULT_RESOLVER: Readonly<ResolverConfig> = { nameservers: [], search: [], ndots: 1, timeout: 5, attempts: 2, rotate: false, options: [] };

const isIpv4 = (s: string): boolean => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && s.split('.').every((p) => Number(p) <= 255);

/** Parse resolv.conf text; `hostname` supplies the default search domain (its part after the first dot). */
export function parseResolvConf(text: string | undefined, hostname = ''): ResolverConfig {
  const cfg: ResolverConfig = { ...DEFAULT_RESOLVER, nameservers: [], search: [], options: [] };
  let searchSet = false;
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const [key, ...rest] = line.split(/[ \t]+/);
    // a word starting with ';' or '#' ends the line
    const cut = rest.findIndex((w) => w.startsWith(';') || w.startsWith('#'));
    const args = cut === -1 ? rest : rest.slice(0, cut);
    switch (key) {
      case 'nameserver':
        if (args[0] && isIpv4(args[0]) && cfg.nameservers.length < MAXNS) cfg.nameservers.push(args[0]);
        break;
      case 'domain':
        if (args[0]) {
          cfg.search = [args[0]];
          searchSet = true;
        }
        break;
      case 'search':
        cfg.search = args.slice();
        searchSet = true;
        break;
      case 'options':
        for (const o of args) applyOption(cfg, o);
        break;
    }
  }
  if (!searchSet) {
    const dot = hostname.indexOf('.');
    if (dot > 0 && dot < hostname.length - 1) cfg.search = [hostname.slice(dot + 1)];
  }
  return cfg;
}

/** One `options` word (also what RES_OPTIONS holds). Unknown words are ignored, as glibc does. */
export function applyOption(cfg: ResolverConfig, o: string): void {
  const num = (prefix: string, max: number): number | undefined => {
    const m = new RegExp(`^${prefix}:(\\d+)`).exec(o);
    return m ? Math.min(Number(m[1]), max) : undefined;
  };
  let v: number | undefined;
  if ((v = num('ndots', MAX_NDOTS)) !== undefined) cfg.ndots = v;
  else if ((v = num('timeout', MAX_TIMEOUT)) !== undefined) cfg.timeout = Math.max(v, 1);
  else if ((v = num('attempts', MAX_ATTEMPTS)) !== undefined) cfg.attempts = Math.max(v, 1);
  else if (o === 'rotate') cfg.rotate = true;
  cfg.options.push(o);
}

/** The nameservers a resolver really asks: the configured ones, or the local one. */
export const effectiveNameservers = (cfg: ResolverConfig): string[] => (cfg.nameservers.length ? cfg.nameservers : ['127.0.0.1']);
