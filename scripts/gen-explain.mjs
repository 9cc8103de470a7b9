#!/usr/bin/env node
/**
 * Writes src/kube/api/explain/schemas.gen.ts: the API documentation `kubectl explain` prints for
 * the kinds Hoplab serves and the types they reach (less the pod's and node's subtrees in
 * LEFT_OUT, which no part of Hoplab models), read from the `kubernetes-types` package (TypeScript definitions generated from the
 * Kubernetes OpenAPI spec, descriptions as JSDoc):
 *
 *   npm pack kubernetes-types@1.30.0 && tar xzf kubernetes-types-1.30.0.tgz
 *   node scripts/gen-explain.mjs ./package
 *
 * Per type: its description and, per field, the type as kubectl names it (`string`, `integer`,
 * `boolean`, `[]Container`, `map[string]string`, a struct's name), whether it is required and its
 * description. A left-out type is listed by name with its description only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.argv[2];
if (!pkg || !fs.existsSync(path.join(pkg, 'core/v1.d.ts'))) {
  console.error('usage: node scripts/gen-explain.mjs DIR   (DIR: the unpacked kubernetes-types package)');
  process.exit(2);
}
const FILES = ['core/v1.d.ts', 'apps/v1.d.ts', 'meta/v1.d.ts', 'discovery/v1.d.ts', 'networking/v1.d.ts', 'api/resource.d.ts', 'util/intstr.d.ts'];
/** aliases of a primitive in the OpenAPI schema: kubectl prints the primitive */
const STRINGS = new Set(['Quantity', 'IntOrString', 'Time', 'MicroTime']);

const docOf = (node) =>
  ts
    .getJSDocCommentsAndTags(node)
    .map((d) => (typeof d.comment === 'string' ? d.comment : ''))
    .join('');

const types = new Map();
for (const f of FILES) {
  const p = path.join(pkg, f);
  if (!fs.existsSync(p)) continue;
  const src = ts.createSourceFile(p, fs.readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true);
  for (const st of src.statements) {
    if (!ts.isInterfaceDeclaration(st)) continue;
    const fields = {};
    for (const m of st.members) if (ts.isPropertySignature(m)) fields[m.name.getText().replace(/'/g, '')] = { type: m.type, required: !m.questionToken, doc: docOf(m) };
    types.set(st.name.text, { doc: docOf(st), fields });
  }
}

/** kubectl's typeGuess over the TypeScript type; refs collects the struct names it names */
function display(t, refs) {
  if (t.kind === ts.SyntaxKind.StringKeyword) return 'string';
  if (t.kind === ts.SyntaxKind.NumberKeyword) return 'integer';
  if (t.kind === ts.SyntaxKind.BooleanKeyword) return 'boolean';
  if (ts.isUnionTypeNode(t) || ts.isLiteralTypeNode(t)) return 'string'; // IntOrString spelled inline; apiVersion and kind as their one value
  if (ts.isTypeReferenceNode(t)) {
    const name = t.typeName.getText();
    if (name === 'Array') return `[]${display(t.typeArguments[0], refs)}`;
    if (STRINGS.has(name)) return 'string';
    refs.add(name);
    return name;
  }
  if (ts.isTypeLiteralNode(t)) {
    const idx = t.members.find(ts.isIndexSignatureDeclaration);
    if (idx) return `map[string]${display(idx.type, refs)}`;
    return 'Object';
  }
  return 'Object';
}

/** the kinds Hoplab serves, and what is left out: subtrees of the pod and node no part of Hoplab models (the rest is about 30 KB gzipped in the app) */
const KINDS = ['Pod', 'Service', 'Endpoints', 'EndpointSlice', 'ConfigMap', 'Namespace', 'Node', 'Deployment', 'ReplicaSet', 'NetworkPolicy', 'Ingress', 'Event'];
const LEFT_OUT = new Set(['Volume', 'Affinity', 'PodStatus', 'NodeStatus', 'EphemeralContainer', 'PodSecurityContext', 'TopologySpreadConstraint', 'EnvVarSource', 'EnvFromSource', 'SecurityContext', 'ResourceClaim', 'PodResourceClaim', 'NodeConfigSource']);
const modelled = new Set();
const visit = (name) => {
  if (modelled.has(name) || LEFT_OUT.has(name) || !types.has(name)) return;
  modelled.add(name);
  const refs = new Set();
  for (const v of Object.values(types.get(name).fields)) display(v.type, refs);
  for (const r of refs) visit(r);
};
KINDS.forEach(visit);

/**
 * Enum fields: the OpenAPI v3 schema lists their values (kubectl prints `enum:`) and appends each
 * value's Go doc comment to the description; kubernetes-types keeps neither. Quoted from the
 * API's constants (core/v1 types.go) as the v3 schema renders them.
 */
const PROTOCOL = [
  ['SCTP', 'is the SCTP protocol.'],
  ['TCP', 'is the TCP protocol.'],
  ['UDP', 'is the UDP protocol.'],
];
const ENUMS = {
  'ServicePort.protocol': PROTOCOL,
  'ContainerPort.protocol': PROTOCOL,
  'PortStatus.protocol': PROTOCOL,
  'EndpointPort.protocol': PROTOCOL,
  'NetworkPolicyPort.protocol': PROTOCOL,
  'ServiceSpec.sessionAffinity': [
    ['ClientIP', 'is the Client IP based.'],
    ['None', '- no session affinity.'],
  ],
  'ServiceSpec.type': [
    ['ClusterIP', 'means a service will only be accessible inside the cluster, via the cluster IP.'],
    ['ExternalName', 'means a service consists of only a reference to an external name that kubedns or equivalent will return as a CNAME record, with no exposing or proxying of any pods involved.'],
    ['LoadBalancer', "means a service will be exposed via an external load balancer (if the cloud provider supports it), in addition to 'NodePort' type."],
    ['NodePort', "means a service will be exposed on one port of every node, in addition to 'ClusterIP' type."],
  ],
  'ServiceSpec.internalTrafficPolicy': [
    ['Cluster', 'routes traffic to all endpoints.'],
    ['Local', 'routes traffic only to endpoints on the same node as the client pod (dropping the traffic if there are no local endpoints).'],
  ],
  'ServiceSpec.externalTrafficPolicy': [
    ['Cluster', 'routes traffic to all endpoints.'],
    ['Local', 'preserves the source IP of the traffic by routing only to endpoints on the same node as the traffic was received on (dropping the traffic if there are no local endpoints).'],
  ],
  'ServiceSpec.ipFamilyPolicy': [
    ['PreferDualStack', 'indicates that this service prefers dual-stack when the cluster is configured for dual-stack. If the cluster is not configured for dual-stack the service will be assigned a single IPFamily. If the IPFamily is not set in service.spec.ipFamilies then the service will be assigned the default IPFamily configured on the cluster'],
    ['RequireDualStack', 'indicates that this service requires dual-stack. Using IPFamilyPolicyRequireDualStack on a single stack cluster will result in validation errors. The IPFamilies (and their order) assigned to this service is based on service.spec.ipFamilies. If service.spec.ipFamilies was not provided then it will be assigned according to how they are configured on the cluster. If service.spec.ipFamilies has only one entry then the alternative IPFamily will be added by apiserver'],
    ['SingleStack', 'indicates that this service is required to have a single IPFamily. The IPFamily assigned is based on the default IPFamily used by the cluster or as identified by service.spec.ipFamilies field'],
  ],
};
const withEnum = (doc, values) => `${doc}\n\nPossible enum values:\n${values.map(([v, text]) => ` - \`"${v}"\` ${text}`).join('\n')}`;

const out = {};
const named = new Set();
for (const name of [...modelled].sort()) {
  const t = types.get(name);
  if (!t) continue;
  const fields = {};
  for (const [f, v] of Object.entries(t.fields)) {
    const e = ENUMS[`${name}.${f}`];
    fields[f] = e ? [display(v.type, named), v.required ? 1 : 0, withEnum(v.doc, e), e.map(([value]) => value)] : [display(v.type, named), v.required ? 1 : 0, v.doc];
  }
  out[name] = { d: t.doc, f: fields };
}
// a named type Hoplab does not model: its description, no fields
const described = {};
for (const n of [...named].sort()) if (!out[n] && types.has(n)) described[n] = types.get(n).doc;

const body = `/**
 * Generated by scripts/gen-explain.mjs from kubernetes-types 1.30.0 (the Kubernetes OpenAPI
 * descriptions): do not edit. \`f\`: field → [type as kubectl explain names it, required, description, enum values].
 */
import type { ExplainSchemas } from './types';

export const SCHEMAS: ExplainSchemas = ${JSON.stringify(out)};

/** types Hoplab does not model: their description only */
export const UNMODELLED: Record<string, string> = ${JSON.stringify(described)};
`;
fs.mkdirSync(path.join(here, '../src/kube/api/explain'), { recursive: true });
fs.writeFileSync(path.join(here, '../src/kube/api/explain/schemas.gen.ts'), body);
console.log(`${Object.keys(out).length} modelled types, ${Object.keys(described).length} described, ${body.length} characters`);
