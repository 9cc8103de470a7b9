/**
 * curl 7.88.1 (Debian 12) command line: the options a lab uses, parsed as curl's getparameter()
 * does (short options bundle, a value may follow in the same word, long options by full name),
 * and its messages for bad ones (exit 2).
 */

export interface CurlOptions {
  urls: string[];
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  head: boolean;
  include: boolean;
  fail: boolean;
  output: string | undefined;
  writeOut: string | undefined;
  /** -m, seconds (0: none) */
  maxTime: number;
  /** --connect-timeout, seconds (0: none) */
  connectTimeout: number;
  method: string | undefined;
  headers: string[];
}

export type CurlParse = { ok: true; o: CurlOptions } | { ok: false; stderr: string; exit: number };

const TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";

/** long name → short letter (or the long name itself when it has none) */
const LONG: Record<string, string> = {
  silent: 's',
  'show-error': 'S',
  verbose: 'v',
  head: 'I',
  include: 'i',
  fail: 'f',
  output: 'o',
  'write-out': 'w',
  'max-time': 'm',
  'connect-timeout': 'connect-timeout',
  request: 'X',
  header: 'H',
  url: 'url',
};

/** curl's other one-letter options (tool_getparam.c): with a value, and without */
const CURL_WITH_VALUE = 'AbcCdDeEFHKmoPQrTtuUwxXyYz';
const CURL_FLAGS = '0123456aBfgGhiIjJkLlMnNOpqRsSvVZ#';

const WITH_VALUE = new Set(['o', 'w', 'm', 'connect-timeout', 'X', 'H', 'url']);
const FLAGS = new Set(['s', 'S', 'v', 'I', 'i', 'f']);

/** A number of seconds as curl's str2udouble() takes it ("1", "0.5"). */
const seconds = (v: string): number | undefined => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);

export function parseCurlArgs(argv: readonly string[]): CurlParse {
  const o: CurlOptions = { urls: [], silent: false, showError: false, verbose: false, head: false, include: false, fail: false, output: undefined, writeOut: undefined, maxTime: 0, connectTimeout: 0, method: undefined, headers: [] };
  const bad = (msg: string): CurlParse => ({ ok: false, stderr: `curl: ${msg}\n${TRY}`, exit: 2 });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--') && a.length > 2) {
      const name = a.slice(2);
      const key = LONG[name];
      if (key === undefined) return bad(`option ${a}: is unknown`);
      if (WITH_VALUE.has(key)) {
        const v = argv[++i];
        if (v === undefined) return bad(`option ${a}: requires parameter`);
        const e = setValue(o, key, v, a);
        if (e) return bad(e);
      } else setFlag(o, key);
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      o.urls.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (FLAGS.has(c)) {
        setFlag(o, c);
        continue;
      }
      if (WITH_VALUE.has(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) return bad(`option -${c}: requires parameter`);
        const e = setValue(o, c, v, `-${c}`);
        if (e) return bad(e);
        break;
      }
      if (CURL_WITH_VALUE.includes(c) && j + 1 >= a.length && argv[i + 1] === undefined) return bad(`option -${c}: requires parameter`);
      if (CURL_WITH_VALUE.includes(c) || CURL_FLAGS.includes(c)) return { ok: false, stderr: `curl: option -${c}: Hoplab's curl does not do this\n`, exit: 2 };
      return bad(`option -${c}: is unknown`);
    }
  }
  if (o.urls.length === 0) return { ok: false, stderr: TRY, exit: 2 };
  return { ok: true, o };
}

function setFlag(o: CurlOptions, c: string): void {
  if (c === 's') o.silent = true;
  else if (c === 'S') o.showError = true;
  else if (c === 'v') o.verbose = true;
  else if (c === 'I') o.head = true;
  else if (c === 'i') o.include = true;
  else if (c === 'f') o.fail = true;
}

function setValue(o: CurlOptions, key: string, v: string, shown: string): string | undefined {
  switch (key) {
    case 'o':
      o.output = v;
      return undefined;
    case 'w':
      o.writeOut = v;
      return undefined;
    case 'm':
    case 'connect-timeout': {
      const n = seconds(v);
      if (n === undefined) return `option ${shown}: expected a proper numerical parameter`;
      if (key === 'm') o.maxTime = n;
      else o.connectTimeout = n;
      return undefined;
    }
    case 'X':
      o.method = v;
      return undefined;
    case 'H':
      o.headers.push(v);
      return undefined;
    case 'url':
      o.urls.push(v);
      return undefined;
  }
  return undefined;
}
