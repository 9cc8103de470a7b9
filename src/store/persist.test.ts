import { describe, expect, it } from 'vitest';
import type { LabDoc } from './doc';
import { AUTOSAVE_KEY, exportFileName, loadLab, parseLab, saveLab, serializeLab, type KeyValueStorage } from './persist';

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
