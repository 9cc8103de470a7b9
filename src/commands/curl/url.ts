/**
 * The URLs curl takes: scheme://host[:port][/path][?query], the scheme guessed as http when it is
 * missing (as curl does for a bare host), the default port of the scheme, and curl's errors for a
 * scheme it does not know (1) or a malformed URL (3).
 */

/** Schemes libcurl 7.88.1 on Debian was built with, and their default ports. */
const SCHEMES: Record<string, number> = {
  http: 80,
  https: 443,
  ftp: 21,
  ftps: 990,
  dict: 2628,
  file: 0,
  gopher: 70,
  gophers: 70,
  imap: 143,
  imaps: 993,
  ldap: 389,
  ldaps: 636,
  mqtt: 1883,
  pop3: 110,
  pop3s: 995,
  rtmp: 1935,
  rtsp: 554,
  scp: 22,
  sftp: 22,
  smb: 445,
  smbs: 445,
  smtp: 25,
  smtps: 465,
  telnet: 23,
  tftp: 69,
};

export interface CurlUrl {
  scheme: string;
  host: string;
  port: number;
  /** the port as the URL gave it (the Host header names it only then) */
  explicitPort: boolean;
  /** path and query, as sent in the request line */
  target: string;
}

export type UrlParse = { ok: true; url: CurlUrl } | { ok: false; code: number; message: string };

export function parseCurlUrl(text: string): UrlParse {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?([^/:?#]*)(?::([^/?#]*))?([^?#]*)(\?[^#]*)?/.exec(text);
  const malformed: UrlParse = { ok: false, code: 3, message: 'URL using bad/illegal format or missing URL' };
  if (!m) return malformed;
  const scheme = (m[1] ?? 'http').toLowerCase();
  if (!(scheme in SCHEMES)) return { ok: false, code: 1, message: `Protocol "${m[1]}" not supported or disabled in libcurl` };
  const host = m[2];
  if (host === '') return malformed;
  let port = SCHEMES[scheme];
  const explicitPort = m[3] !== undefined && m[3] !== '';
  if (explicitPort) {
    if (!/^\d+$/.test(m[3]!) || Number(m[3]) > 65535) return malformed;
    port = Number(m[3]);
  }
  const target = `${removeDotSegments(m[4] || '/')}${m[5] ?? ''}`;
  return { ok: true, url: { scheme, host, port, explicitPort, target } };
}

/** RFC 3986 5.2.4, as curl squashes a path before sending it (`/a/../b` asks for `/b`). */
export function removeDotSegments(path: string): string {
  if (!/(^|\/)\.\.?(\/|$)/.test(path)) return path;
  const out: string[] = [];
  const segs = path.split('/');
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i];
    const last = i === segs.length - 1;
    if (s === '.' || s === '..') {
      if (s === '..') out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(s);
  }
  return `/${out.join('/')}`;
}
