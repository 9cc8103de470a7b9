/**
 * `kubectl get`: resource types by plural, singular or short name (`svc,pods`, `pod/web`), in one
 * namespace or all (-A), filtered by label selector (-l), as tables (with -o wide and
 * --show-labels), or as yaml, json, name or jsonpath.
 */
import type { KubeObject } from '../../kube/api/types';
import { lookupResource, qualifiedResource, type ResourceInfo } from '../../kube/api/resources';
import { notFoundError } from '../../kube/api/errors';
import { parseSelector } from './selectorArg';
import { KubectlError, standardMessage } from './errors';
import { flagBool, flagValue, type Parsed } from './flags';
import { COLUMNS, formatLabels, rowOf } from './rows';
import { tabwrite } from './tabwriter';
import { listOf, resourceName, toJson, toYaml } from './format';
import { jsonpath } from './jsonpath';
import { namespaceOf, type KubeCtx } from './context';

export interface Request {
  info: ResourceInfo;
  names: string[];
}

/** `svc,pods`, `pods web-1 web-2`, `pod/web svc/web`: what was asked for, in order. */
export function parseResourceArgs(args: string[]): Request[] {
  if (args.length === 0) throw new KubectlError(`You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n`);
  const find = (t: string): ResourceInfo => {
    const info = lookupResource(t);
    if (!info) throw new KubectlError(`error: the server doesn't have a resource type "${t}"\n`);
    return info;
  };
  if (args.some((a) => a.includes('/'))) {
    const reqs: Request[] = [];
    for (const a of args) {
      const i = a.indexOf('/');
      if (i < 0) throw new KubectlError(`error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n`);
      const info = find(a.slice(0, i));
      const last = reqs.at(-1);
      if (last && last.info === info) last.names.push(a.slice(i + 1));
      else reqs.push({ info, names: [a.slice(i + 1)] });
    }
    return reqs;
  }
  const types = args[0].split(',').filter(Boolean).map(find);
  return types.map((info) => ({ info, names: args.slice(1) }));
}

export function get(k: KubeCtx, p: Parsed): number {
  const all = flagBool(p, 'all-namespaces');
  const ns = namespaceOf(p);
  const output = flagValue(p, 'output') ?? '';
  const selector = flagValue(p, 'selector');
  const match = selector !== undefined ? parseSelector(selector) : undefined;
  const reqs = parseResourceArgs(p.args);
  const store = k.cluster.store;
  const found: KubeObject[] = [];
  const errors: unknown[] = [];
  for (const r of reqs) {
    const space = r.info.namespaced && !all ? ns : undefined;
    if (r.names.length) {
      for (const n of r.names) {
        const o = store.get(r.info.kind, space, n);
        if (o) found.push(o);
        else errors.push(notFoundError(qualifiedResource(r.info), n));
      }
    } else found.push(...store.list(r.info.kind, space).filter((o) => !match || match(o.metadata.labels ?? {})));
  }
  const now = k.cluster.now();
  const single = reqs.length === 1 && reqs[0].names.length === 1 && found.length === 1;
  if (output === 'yaml' || output === 'json') {
    if (found.length || !errors.length) {
      const v = single ? found[0] : listOf(found);
      k.out(output === 'yaml' ? toYaml(v) : toJson(v));
    }
  } else if (output === 'name') {
    for (const o of found) k.out(`${resourceName(o)}\n`);
  } else if (output.startsWith('jsonpath=') || output.startsWith('jsonpath')) {
    const tmpl = output.replace(/^jsonpath=/, '');
    const v = single ? found[0] : listOf(found);
    k.out(jsonpath(tmpl, v));
  } else if (output === '' || output === 'wide') {
    const wide = output === 'wide';
    const withKind = new Set(found.map((o) => o.kind)).size > 1 || (reqs.length > 1 && found.length > 0 && reqs.some((r) => r.names.length > 0));
    const showLabels = flagBool(p, 'show-labels');
    const noHeaders = flagBool(p, 'no-headers');
    const withNs = all;
    const blocks: string[] = [];
    let i = 0;
    while (i < found.length) {
      const kind = found[i].kind;
      const rows: string[][] = [];
      const cols = COLUMNS[kind];
      const head = [...(withNs && lookupResource(kind)?.namespaced ? ['NAMESPACE'] : []), ...cols.head, ...(wide ? cols.wide : []), ...(showLabels ? ['LABELS'] : [])];
      if (!noHeaders) rows.push(head);
      for (; i < found.length && found[i].kind === kind; i++) {
        const o = found[i];
        const row = rowOf(o, now, wide);
        if (withKind) row[0] = resourceName(o);
        rows.push([...(withNs && lookupResource(kind)?.namespaced ? [o.metadata.namespace ?? ''] : []), ...row, ...(showLabels ? [formatLabels(o.metadata.labels)] : [])]);
      }
      blocks.push(tabwrite(rows));
    }
    k.out(blocks.join('\n'));
  } else {
    throw new KubectlError(`error: unable to match a printer suitable for the output format "${output}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n`);
  }
  if (found.length === 0 && errors.length === 0 && output !== 'yaml' && output !== 'json') {
    const anyNamespaced = reqs.some((r) => r.info.namespaced);
    k.err(all || !anyNamespaced ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`);
  }
  for (const e of errors) k.err(`${standardMessage(e)}\n`);
  return errors.length ? 1 : 0;
}
