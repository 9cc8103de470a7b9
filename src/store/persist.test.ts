import { describe, expect, it } from 'vitest';
import type { LabDoc } from './doc';
import { AUTOSAVE_KEY, MAX_LAB_CHARS, exportFileName, loadLab, parseLab, saveLab, serializeLab, type KeyValueStorage } from './persist';

const doc: LabDoc = {
  title: 'Before routes',
  preset: 'before-routes',
  base: { name: 'before-routes', hosts: ['node01', 'node02'], lans: { lan0: ['node01:eth0', 'node02:eth0'] }, steps: [{ on: 'node01', run: 'ip addr add 192.168.1.11/24 dev eth0' }] },
  ops: [
    { kind: 'cmd', on: 'node01', run: 'ip route add 10.244.2.2 via 192.168.1.12', edit: true },
    { kind: 'host', name: 'node04' },
    { kind: 'lan-member', lan: 'lan0', member: 'node04:eth0' },
  ],
  positions: { 'host:node01': { x: 10, y: 20 } },
};

function memory(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe('lab files', () => {
  it('round-trips a document through export and import', async () => {
    const r = await parseLab(serializeLab(doc));
    expect(r).toEqual({ ok: true, doc });
  });

  it('reads the delete operations and refuses them without a name', async () => {
    const withDeletes: LabDoc = { ...doc, ops: [...doc.ops, { kind: 'remove-host', name: 'node04' }, { kind: 'remove-lan', name: 'lan0' }] };
    expect(await parseLab(serializeLab(withDeletes))).toEqual({ ok: true, doc: withDeletes });
    const bad = JSON.parse(serializeLab(withDeletes));
    bad.ops[3] = { kind: 'remove-host', name: '' };
    bad.ops[4] = { kind: 'remove-lan' };
    const r = await parseLab(JSON.stringify(bad));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/ops\[3\]\.name: must not be empty; ops\[4\]\.name/);
  });

  it('rejects text that is not JSON', async () => {
    const r = await parseLab('{"format": "hoplab-lab", ');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/not valid JSON/);
  });

  it('rejects a damaged lab and says where', async () => {
    const bad = JSON.parse(serializeLab(doc));
    bad.ops[1] = { kind: 'host' };
    bad.positions['host:node01'].x = 'left';
    const r = await parseLab(JSON.stringify(bad));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/ops\[1\]/);
    expect(!r.ok && r.error).toMatch(/positions/);
  });

  it('rejects other formats and future versions with a clear message', async () => {
    expect(await parseLab('[1,2]')).toMatchObject({ ok: false, error: expect.stringMatching(/expected a JSON object/) });
    expect(await parseLab('{"format":"excalidraw"}')).toMatchObject({ ok: false, error: expect.stringMatching(/not a Hoplab lab/) });
    expect(await parseLab(JSON.stringify({ ...JSON.parse(serializeLab(doc)), version: 9 }))).toMatchObject({ ok: false, error: expect.stringMatching(/version 9/) });
    expect(await parseLab('{"hello":"world"}')).toMatchObject({ ok: false });
  });

  it('accepts a bare scenario as the base of a new lab', async () => {
    const r = await parseLab(JSON.stringify({ name: 'k8s-lab-setup', hosts: ['node01'], steps: [{ on: 'node01', run: 'ip link' }] }));
    expect(r.ok && r.doc).toMatchObject({ title: 'k8s-lab-setup', preset: null, ops: [], base: { hosts: ['node01'] } });
  });

  it('rejects a LAN member that is not host:ifname', async () => {
    const r = await parseLab(JSON.stringify({ name: 'x', lans: { lan0: ['node01'] }, steps: [] }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/host:ifname/);
  });
});

describe('autosave', () => {
  it('saves and loads the document', async () => {
    const s = memory();
    expect(saveLab(s, doc)).toBeNull();
    expect(s.data.has(AUTOSAVE_KEY)).toBe(true);
    expect(await loadLab(s)).toEqual({ ok: true, doc });
  });

  it('returns null when nothing was saved or there is no storage', async () => {
    expect(await loadLab(memory())).toBeNull();
    expect(await loadLab(null)).toBeNull();
    expect(saveLab(null, doc)).toBeNull();
  });

  it('reports a full storage instead of throwing', async () => {
    const s = memory();
    s.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    expect(saveLab(s, doc)).toMatch(/Autosave failed/);
  });

  it('names exported files after the lab', async () => {
    expect(exportFileName(doc)).toBe('hoplab-before-routes.json');
    expect(exportFileName({ ...doc, title: '  ' })).toBe('hoplab-lab.json');
  });
});

describe('terminal persistence', () => {
  it('round-trips sessions and drops a damaged save', async () => {
    const { loadTerminals, saveTerminals, TERMINALS_KEY } = await import('./persist');
    const s = memory();
    const t = {
      terminals: { node01: { host: 'node01', chunks: [{ id: 1, echo: 'root@node01:~# ip route\n', data: 'x\n', local: true }], history: ['ip route'] } },
      openTerminals: ['node01'],
      activeTerminal: 'node01',
    };
    saveTerminals(s, t);
    expect(await loadTerminals(s)).toEqual(t);
    s.setItem(TERMINALS_KEY, '{"terminals": 3}');
    expect(await loadTerminals(s)).toBeNull();
  });
});

describe('lab file limits', () => {
  const file = (patch: (f: Record<string, any>) => void) => {
    const f = JSON.parse(serializeLab(doc));
    patch(f);
    return JSON.stringify(f);
  };
  const error = async (text: string) => {
    const r = await parseLab(text);
    expect(r.ok).toBe(false);
    return r.ok ? '' : r.error;
  };

  it('refuses a file too large to be a lab before parsing it', async () => {
    expect(await error(file((f) => (f.title = 'x'.repeat(MAX_LAB_CHARS))))).toMatch(/^This file is too large for a lab: 2,00\d,\d{3} characters, where a lab file has at most 2,000,000\.$/);
  });

  it('limits every field no real lab comes near, saying which', async () => {
    const many = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
    const cases: [string, (f: Record<string, any>) => void, RegExp][] = [
      ['name', (f) => (f.base.name = 'n'.repeat(201)), /base\.name: is longer than 200 characters/],
      ['description', (f) => (f.base.description = 'd'.repeat(2001)), /base\.description: is longer than 2000 characters/],
      ['preset', (f) => (f.preset = 'p'.repeat(5000)), /preset: there is no lab called "p{64}" \(known: empty, fresh/],
      ['a position key', (f) => (f.positions['host:' + 'k'.repeat(300)] = { x: 1, y: 1 }), /positions: "host:k{35}…" is longer than 200 characters/],
      ['positions', (f) => (f.positions = Object.fromEntries(many(10001, (i) => [`host:h${i}`, { x: i, y: 0 }] as const))), /positions: has more than 10000 positions/],
      ['a coordinate', (f) => (f.positions['host:node01'] = { x: 1e12, y: 0 }), /positions\.host:node01\.x: /],
      ['a LAN key', (f) => (f.base.lans = { ['l'.repeat(65)]: ['node01:eth0'] }), /base\.lans: "l{40}…" is longer than 64 characters/],
      ['a LAN name', (f) => (f.base.lans = { 'lan\u001b[2J': ['node01:eth0'] }), /base\.lans: "lan\\u001b\[2J" is not a LAN name/],
      ['LANs', (f) => (f.base.lans = Object.fromEntries(many(501, (i) => [`lan${i}`, ['node01:eth0']] as const))), /base\.lans: has more than 500 LANs/],
      ['hosts', (f) => (f.base.hosts = many(2001, (i) => `h${i}`)), /base\.hosts: has more than 2000 hosts/],
      ['LAN members', (f) => (f.base.lans = { lan0: many(2001, (i) => `h${i}:eth0`) }), /base\.lans\.lan0: has more than 2000 members/],
      ['members of a new LAN', (f) => (f.ops = [{ kind: 'lan', name: 'lan9', members: many(2001, (i) => `h${i}:eth0`) }]), /ops\[0\]\.members: has more than 2000 members/],
      ['cables', (f) => (f.base.links = many(2001, (i) => [`a:e${i}`, `b:e${i}`])), /base\.links: has more than 2000 cables/],
      ['a command', (f) => (f.ops = [{ kind: 'cmd', on: 'node01', run: 'x'.repeat(4001), edit: true }]), /ops\[0\]\.run: is longer than 4000 characters/],
    ];
    for (const [what, patch, message] of cases) expect(await error(file(patch)), what).toMatch(message);
  });

  it('reads the biggest lab the canvas is measured with', async () => {
    const hosts = Array.from({ length: 1000 }, (_, i) => `h${i}`);
    const lans = Object.fromEntries(Array.from({ length: 20 }, (_, l) => [`lan${l}`, hosts.slice(l * 50, l * 50 + 50).map((h) => `${h}:eth0`)]));
    const r = await parseLab(serializeLab({ ...doc, preset: null, base: { name: 'big', hosts, lans, steps: [] }, ops: [] }));
    expect(r.ok).toBe(true);
  });

  it('refuses names with control characters or that the world would refuse, with a message', async () => {
    expect(await error(file((f) => (f.base.hosts = ['node01', 'a\u001b]8;;http://x\u0007b'])))).toMatch(/base\.hosts\[1\]: must start with a letter or a digit and hold only letters, digits/);
    expect(await error(file((f) => (f.base.lans = { lan0: ['node01:e\u001b[2Jth0'] })))).toMatch(/base\.lans\.lan0\[0\]: "e\u001b\[2Jth0" is not an interface name a cable can have/);
    expect(await error(file((f) => (f.ops = [{ kind: 'lan-member', lan: 'lan0', member: 'node01:lo' }])))).toMatch(/ops\[0\]\.member: "lo" is not an interface name/);
    expect(await error(file((f) => (f.ops = [{ kind: 'cmd', on: 'pod\u001b1', run: 'ip link', edit: false }])))).toMatch(/ops\[0\]\.on: must hold only letters, digits/);
  });

  it('refuses duplicate hosts', async () => {
    expect(await error(file((f) => (f.base.hosts = ['node01', 'node02', 'node01'])))).toMatch(/base\.hosts\[2\]: duplicate host name "node01"/);
    expect(await error(JSON.stringify({ name: 'x', hosts: ['a', 'a'], steps: [] }))).toMatch(/hosts\[1\]: duplicate host name "a"/);
  });

  it('gives the unknown-preset message for the names of Object’s own properties', async () => {
    for (const p of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(await error(file((f) => (f.base.preset = p)))).toMatch(new RegExp(`base\\.preset: there is no lab called "${p}" \\(known: empty,`));
      expect(await error(JSON.stringify({ name: 'x', preset: p, steps: [] }))).toMatch(/preset: there is no lab called/);
    }
  });
});
