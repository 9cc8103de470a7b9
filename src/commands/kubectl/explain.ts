/**
 * `kubectl explain RESOURCE[.field…] [--recursive]`: the API documentation of a resource or one of
 * its fields, as kubectl 1.31 renders the server's OpenAPI v3 schema with its plaintext template
 * (staging/src/k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl): KIND/VERSION (GROUP for a
 * named group), FIELD with the type kubectl guesses, DESCRIPTION word-wrapped at 76 columns, and
 * FIELDS in key order, each with its type, `-required-` and description (names only with
 * --recursive, nested two spaces a level). The schemas are src/kube/api/explain's.
 */
import { lookupResource } from '../../kube/api/resources';
import { SCHEMAS, UNMODELLED } from '../../kube/api/explain/schemas.gen';
import type { ExplainType } from '../../kube/api/explain/types';
import { KubectlError } from './errors';
import { flagBool, type Parsed } from './flags';
import type { KubeCtx } from './context';

/** mitchellh/go-wordwrap WrapString (v1.0.1), as kubectl's WordWrapWriter applies it: breaks at spaces, keeps newlines, never splits a word. */
export function wordWrap(s: string, lim: number): string {
  let buf = '';
  let current = 0;
  let word = '';
  let space = '';
  for (const ch of s) {
    if (ch === '\n') {
      if (word.length === 0) {
        if (current + space.length > lim) current = 0;
        else buf += space;
      } else buf += space + word;
      space = '';
      word = '';
      buf += ch;
      current = 0;
    } else if (/\s/.test(ch)) {
      if (space.length === 0 || word.length > 0) {
        current += space.length + word.length;
        buf += space + word;
        space = '';
        word = '';
      }
      space += ch;
    } else {
      word += ch;
      if (current + space.length + word.length > lim && word.length < lim) {
        buf += '\n';
        current = 0;
        space = '';
      }
    }
  }
  if (word.length === 0) {
    if (current + space.length <= lim) buf += space;
  } else buf += space + word;
  return buf;
}

/** the template's `indent`: the pad before the text and after every newline in it */
const indent = (n: number, s: string): string => {
  const pad = ' '.repeat(n);
  return pad + s.split('\n').join(`\n${pad}`);
};

/** the template's extractEnum in a field list: the first four values, then `, ....` */
function enumLine(values: string[] | undefined, pad: number): string {
  if (!values) return '';
  const shown = values.slice(0, 4).map((v) => (v === '' ? '""' : v));
  return `\n${' '.repeat(pad)}enum: ${shown.join(', ')}${values.length > 4 ? ', ....' : ''}`;
}

/** The type a field's type names, through `[]` and `map[string]`: a struct's name, or a primitive. */
const baseType = (t: string): string => t.replace(/^(\[\]|map\[string\])+/, '');

const notModelled = (name: string) => new KubectlError(`error: Hoplab does not model the fields of ${name}, so it cannot explain them\n`);

function fieldList(t: ExplainType, level: number, recursive: boolean, seen: ReadonlySet<string>): string {
  let out = '';
  const pad = level * 2;
  for (const name of Object.keys(t.f).sort()) {
    const [type, required, description, values] = t.f[name];
    out += `${indent(pad, name)}\t<${type}>${required ? ' -required-' : ''}${enumLine(values, pad)}\n`;
    if (!recursive) {
      out += `${indent(pad + 2, wordWrap(description || '<no description>', 78 - pad))}\n\n`;
      continue;
    }
    const base = baseType(type);
    if (seen.has(base)) continue;
    const sub = SCHEMAS[base];
    if (sub) out += fieldList(sub, level + 1, true, new Set([...seen, base]));
    else if (UNMODELLED[base] !== undefined) throw notModelled(base);
  }
  return out;
}

/** DESCRIPTION and FIELDS of a schema: its own description, then (for a field) its type's. */
function body(descriptions: string[], t: ExplainType | undefined, recursive: boolean, seen: ReadonlySet<string>): string {
  const text = descriptions.map((d) => `${d}\n`).join('');
  let out = `DESCRIPTION:\n${indent(4, wordWrap(text || '<empty>', 76))}\n`;
  const fields = t ? fieldList(t, 1, recursive, seen) : '';
  if (fields) out += `FIELDS:\n${fields}`;
  return out;
}

export function explain(k: KubeCtx, p: Parsed): number {
  if (p.args.length === 0) throw new KubectlError('error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n');
  if (p.args.length > 1) throw new KubectlError('error: We accept only this format: explain RESOURCE\n');
  const [resource, ...path] = p.args[0].split('.');
  const info = lookupResource(resource);
  const kind = info && SCHEMAS[info.kind];
  if (!info || !kind) throw new KubectlError(`error: the server doesn't have a resource type "${resource}"\n`);
  const recursive = flagBool(p, 'recursive');
  let out = `${info.group ? `GROUP:      ${info.group}\n` : ''}KIND:       ${info.kind}\nVERSION:    ${info.version}\n\n`;
  if (path.length === 0) {
    out += body([kind.d], kind, recursive, new Set([info.kind]));
  } else {
    // the template names the last element of the path whichever one is missing
    const missing = () => new KubectlError(`error: field "${path[path.length - 1]}" does not exist\n`);
    let t: ExplainType = kind;
    let typeName: string = info.kind;
    for (let i = 0; i < path.length; i++) {
      const field = t.f[path[i]];
      if (!field) throw missing();
      const [type, , description, values] = field;
      const base = baseType(type);
      const sub = SCHEMAS[base];
      if (UNMODELLED[base] !== undefined) throw notModelled(base);
      if (i === path.length - 1) {
        // extractEnum's long view: every value on its own line
        out += `FIELD: ${path[i]} <${type}>\n${values ? `ENUM:${values.map((v) => `\n    ${v === '' ? '""' : v}`).join('')}` : ''}\n\n`;
        out += body(sub ? [description, sub.d].filter((d) => d !== '') : [description], sub, recursive, new Set([typeName, base]));
        break;
      }
      if (!sub) throw missing();
      t = sub;
      typeName = base;
    }
  }
  k.out(`${out}\n`);
  return 0;
}
