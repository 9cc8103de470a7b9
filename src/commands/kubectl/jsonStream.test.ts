import { describe, expect, it, vi } from 'vitest';
import { decodeJsonStream } from './jsonStream';
import { testCluster } from './testCluster';

vi.setConfig({ testTimeout: 60_000 });

const cm = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v "quoted" \\ \n' } }, null, 2);

describe('decodeJsonStream', () => {
  it('reads values one after another, with or without whitespace between them', () => {
    expect(decodeJsonStream('{"a":1}{"b":[1,2.5e3,-0,true,null]}\n\n  {"c":"\\u00e9\\n"}')).toEqual({ values: [{ a: 1 }, { b: [1, 2500, -0, true, null] }, { c: 'é\n' }], error: undefined });
  });

  it('words syntax errors as Go’s scanner does, keeping the values before them', () => {
    const err = (s: string) => decodeJsonStream(s).error?.message;
    expect(err('{"a" 1}')).toBe("invalid character '1' after object key");
    expect(err('{"a":1 "b":2}')).toBe(`invalid character '"' after object key:value pair`);
    expect(err('{"a":1,}')).toBe("invalid character '}' looking for beginning of object key string");
    expect(err('{"a":[1 2]}')).toBe("invalid character '2' after array element");
    expect(err('{"a":tru}')).toBe("invalid character '}' in literal true (expecting 'e')");
    expect(err('{"a":01}')).toBe("invalid character '1' after object key:value pair");
    expect(err('{"a":1.}')).toBe("invalid character '}' after decimal point in numeric literal");
    expect(err('{"a":"\\q"}')).toBe("invalid character 'q' in string escape code");
    expect(err('{"a":"x\ny"}')).toBe("invalid character '\\n' in string literal");
    expect(err("{'a':1}")).toBe("invalid character '\\'' looking for beginning of object key string");
    expect(err('{"a":1}\n{"b":')).toBe('unexpected EOF');
    expect(decodeJsonStream('{"a":1}\n{"b":').values).toEqual([{ a: 1 }]);
  });
});

describe('kubectl apply -f with a JSON stream', () => {
  it('applies every object of concatenated JSON documents, and Lists inside them', () => {
    const { kubectl } = testCluster();
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(cm('c')), JSON.parse(cm('d'))] });
    const r = kubectl('apply -f -', `${cm('a')}\n${cm('b')}${list}`);
    expect([r.exit, r.stdout, r.stderr]).toEqual([0, 'configmap/a created\nconfigmap/b created\nconfigmap/c created\nconfigmap/d created\n', '']);
    expect(kubectl('get cm a -o jsonpath={.data.k}').stdout).toBe('v "quoted" \\ \n');
  });

  it('refuses a broken stream with the decoder’s words and applies nothing of it', () => {
    const { kubectl } = testCluster();
    const r = kubectl('apply -f -', `${cm('a')}\n{"apiVersion": "v1", "kind": "ConfigMap" "metadata": {}}`);
    expect([r.exit, r.stdout, r.stderr]).toEqual([1, '', `error: error parsing STDIN: invalid character '"' after object key:value pair\n`]);
    expect(kubectl('get cm a').exit).toBe(1);
  });
});
