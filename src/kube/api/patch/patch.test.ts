import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch } from './json';
import { applyStrategicPatch, goMap, metaFor, PatchError, threeWayMergePatch, type Json } from './strategic';

const deploy = (containers: Json[]): Json => ({ kind: 'Deployment', spec: { replicas: 2, template: { spec: { containers } } } });
const meta = metaFor('Deployment');

describe('strategic merge patch', () => {
  it('merges containers by name and their ports by containerPort, keeping what the patch does not name', () => {
    const live = deploy([
      { name: 'a', image: 'x:1', ports: [{ containerPort: 80, protocol: 'TCP' }], terminationMessagePath: '/dev/termination-log' },
      { name: 'b', image: 'y:1' },
    ]);
    const out = applyStrategicPatch(live, { spec: { template: { spec: { containers: [{ name: 'a', image: 'x:2', ports: [{ containerPort: 81 }] }] } } } }, meta);
    expect(out).toEqual(
      deploy([
        { name: 'a', image: 'x:2', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 81 }], terminationMessagePath: '/dev/termination-log' },
        { name: 'b', image: 'y:1' },
      ]),
    );
  });

  it('deletes by $patch: delete and null, orders by $setElementOrder, and replaces lists without a strategy', () => {
    const live = deploy([{ name: 'a', args: ['1', '2'] }, { name: 'b' }, { name: 'c' }]);
    const patch = {
      spec: {
        replicas: null,
        template: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'b', $patch: 'delete' }, { name: 'a', args: ['3'] }] } },
      },
    } as unknown as Json;
    expect(applyStrategicPatch(live, patch, meta)).toEqual({ kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'c' }, { name: 'a', args: ['3'] }] } } } });
  });

  it('refuses a list element without its merge key', () => {
    expect(() => applyStrategicPatch(deploy([]), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, meta)).toThrow(PatchError);
  });

  it('merges pod status conditions by type, so a patched readiness gate keeps the kubelet conditions', () => {
    const pod = { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] } };
    const out = applyStrategicPatch(pod, { status: { conditions: [{ type: 'example.com/gate', status: 'True' }] } }, metaFor('Pod'));
    expect((out as { status: { conditions: { type: string }[] } }).status.conditions.map((c) => c.type)).toEqual(['Ready', 'PodScheduled', 'example.com/gate']);
  });
});

describe('three-way merge patch (kubectl apply)', () => {
  it('changes what the manifest changed, deletes what it dropped since the last apply, and leaves server fields', () => {
    const original = deploy([{ name: 'a', image: 'x:1', args: ['--v'] }, { name: 'b', image: 'y:1' }]);
    const modified = deploy([{ name: 'a', image: 'x:2' }]);
    const current = deploy([
      { name: 'a', image: 'x:1', args: ['--v'], imagePullPolicy: 'IfNotPresent' },
      { name: 'b', image: 'y:1', imagePullPolicy: 'IfNotPresent' },
    ]);
    const patch = threeWayMergePatch(original, modified, current, meta);
    const out = applyStrategicPatch(current, patch, meta);
    expect(out).toEqual(deploy([{ name: 'a', image: 'x:2', imagePullPolicy: 'IfNotPresent' }]));
    expect(threeWayMergePatch(modified, modified, out, meta)).toEqual({});
  });

  it('adds an element in the manifest order', () => {
    const original = deploy([{ name: 'a' }]);
    const modified = deploy([{ name: 'z' }, { name: 'a' }]);
    const out = applyStrategicPatch(original, threeWayMergePatch(original, modified, original, meta), meta);
    expect(out).toEqual(modified);
  });

  it('prints a patch as Go prints a map', () => {
    expect(goMap({ spec: { b: [1, 'x'], a: null } })).toBe('map[spec:map[a:<nil> b:[1 x]]]');
  });
});

describe('JSON merge patch and JSON patch', () => {
  it('merge patch replaces lists and deletes with null', () => {
    expect(applyMergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } })).toEqual({ a: [3], b: { d: 2 } });
  });

  it('applies RFC 6902 operations and reports a missing key as the library does', () => {
    const doc = { spec: { ports: [{ port: 80 }], x: 1 } };
    expect(
      applyJsonPatch(doc, [
        { op: 'add', path: '/spec/ports/-', value: { port: 81 } },
        { op: 'replace', path: '/spec/x', value: 2 },
        { op: 'remove', path: '/spec/ports/0' },
        { op: 'test', path: '/spec/x', value: 2 },
      ]),
    ).toEqual({ spec: { ports: [{ port: 81 }], x: 2 } });
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/y', value: 1 }])).toThrow('replace operation does not apply: doc is missing key: /spec/y: missing value');
    expect(() => applyJsonPatch(doc, { op: 'add' })).toThrow('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });
});
