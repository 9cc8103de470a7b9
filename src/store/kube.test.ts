import { describe, expect, it, vi } from 'vitest';
import { createAppStore } from './index';
import { presetDoc, replay } from './replay';
import { parseLab, serializeLab } from './persist';
import { clusterPicture, podPlaces } from './cluster';
import { WEB_MANIFEST } from '../scenarios/clusterStages';

// each test boots a cluster (a few hundred ms, more on a busy machine)
vi.setConfig({ testTimeout: 60_000 });

const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n';

describe('kube slice', () => {
  it('has no cluster picture for a lab without a cluster, and refuses manifests there', () => {
    const store = createAppStore({ initial: presetDoc('routed') });
    expect(store.getState().cluster).toBeNull();
    expect(store.getState().checkManifest(CONFIGMAP)).toBeNull();
    const r = store.getState().applyManifest(CONFIGMAP);
    expect(r.ok).toBe(false);
    expect(store.getState().doc.ops).toEqual([]);
  });

  it('draws the cluster stage: nodes with their podCIDR, pods with netns and veth, Services with their endpoints', () => {
    const store = createAppStore({ initial: presetDoc('cluster-service') });
    const c = store.getState().cluster!;
    expect(c.nodes.map((n) => [n.name, n.ip, n.podCIDR, n.ready, n.bridge])).toEqual([
      ['node01', '192.168.1.11', '10.244.1.0/24', true, 'cni0'],
      ['node02', '192.168.1.12', '10.244.2.0/24', true, 'cni0'],
      ['node03', '192.168.1.13', '10.244.3.0/24', true, 'cni0'],
    ]);
    const web = c.pods.filter((p) => p.labels.app === 'web');
    expect(web.map((p) => p.node).sort()).toEqual(['node01', 'node02', 'node03']);
    for (const p of web) {
      expect(p.ready).toBe(true);
      expect(p.netns).toMatch(/^cni-/);
      expect(p.hostVeth).toMatch(/^veth[0-9a-f]{8}$/);
      expect(store.getState().snapshot.netns.some((n) => n.name === p.netns)).toBe(true);
    }
    const svc = c.services.find((s) => s.name === 'web')!;
    expect(svc.type).toBe('NodePort');
    expect(svc.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080 }]);
    expect(svc.endpoints.map((e) => e.pod).sort()).toEqual(web.map((p) => `default/${p.name}`).sort());
    expect(svc.endpoints.every((e) => e.ready)).toBe(true);
    expect(c.services.find((s) => s.name === 'kube-dns')!.endpoints).toHaveLength(2);
  });

  it('names a pod by namespace/pod and prompts in its terminal with its hostname, the pod name', () => {
    const store = createAppStore({ initial: presetDoc('cluster-service') });
    const web = store.getState().cluster!.pods.find((p) => p.labels.app === 'web')!;
    expect(podPlaces(store.getState().cluster)[web.netns!]).toBe(`default/${web.name}`);
    expect(store.getState().promptOf(web.netns!)).toBe(`root@${web.name}:~# `);
    expect(store.getState().promptOf('node02')).toBe('root@node02:~# ');
    store.getState().submitLine(web.netns!, 'hostname');
    const chunks = store.getState().terminals[web.netns!].chunks;
    expect(chunks.map((c) => c.echo + c.data).join('')).toBe(`root@${web.name}:~# hostname\n${web.name}\n`);
  });

  it('checks a manifest with kubectl’s server-side dry run: its words, and nothing stored', () => {
    const store = createAppStore({ initial: presetDoc('cluster') });
    const before = store.getState().world.version;
    const ok = store.getState().checkManifest(WEB_MANIFEST)!;
    expect(ok).toEqual({ text: WEB_MANIFEST, ok: true, output: 'deployment.apps/web created (server dry run)\nservice/web created (server dry run)', error: '' });
    const bad = store.getState().checkManifest('apiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  ports: [{port: 99999}]\n')!;
    expect(bad.ok).toBe(false);
    expect(bad.error).toContain('The Service "bad" is invalid');
    expect(bad.error).toContain('spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive');
    const broken = store.getState().checkManifest('kind: Service\nmetadata: {name: x\n')!;
    expect(broken.error).toMatch(/^error: error parsing STDIN: error converting YAML to JSON: yaml: line \d+: /);
    expect(store.getState().world.version).toBe(before);
    expect(store.getState().cluster!.services.some((s) => s.name === 'web' || s.name === 'bad')).toBe(false);
  });

  it('applies a manifest as one undoable edit that survives a reload, and deletes it the same way', () => {
    const store = createAppStore({ initial: presetDoc('cluster') });
    const r = store.getState().applyManifest(WEB_MANIFEST);
    expect(r.ok).toBe(true);
    const s = store.getState();
    expect(s.doc.ops).toEqual([{ kind: 'cmd', on: 'node01', run: 'kubectl apply -f -', stdin: WEB_MANIFEST, edit: true }]);
    expect(s.cluster!.services.find((x) => x.name === 'web')!.endpoints).toHaveLength(3);
    expect(s.canUndo).toBe(true);
    // the lab file carries the manifest: a reload rebuilds the same cluster
    const reloaded = replay(s.doc);
    expect(clusterPicture(reloaded)!.services.find((x) => x.name === 'web')!.endpoints).toHaveLength(3);

    expect(store.getState().deleteManifest(WEB_MANIFEST).ok).toBe(true);
    expect(store.getState().cluster!.services.some((x) => x.name === 'web')).toBe(false);
    store.getState().undo();
    expect(store.getState().cluster!.services.some((x) => x.name === 'web')).toBe(true);
    store.getState().undo();
    expect(store.getState().cluster!.services.some((x) => x.name === 'web')).toBe(false);
    expect(store.getState().cluster!.pods.some((p) => p.labels.app === 'web')).toBe(false);
  });

  it('records an API write no machine sees (a ConfigMap) as an edit', () => {
    const store = createAppStore({ initial: presetDoc('cluster') });
    expect(store.getState().applyManifest(CONFIGMAP).ok).toBe(true);
    expect(store.getState().doc.ops).toHaveLength(1);
    expect(store.getState().run('node01', 'kubectl get configmap settings -o jsonpath={.data.mode}').stdout).toBe('fast');
    store.getState().undo();
    expect(store.getState().run('node01', 'kubectl get configmap settings').stderr).toContain('NotFound');
  });

  it('changes nothing when kubectl refuses part of a manifest, and says what kubectl said', () => {
    const store = createAppStore({ initial: presetDoc('cluster') });
    const text = `${CONFIGMAP}---\napiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  ports: [{port: 0}]\n`;
    const r = store.getState().applyManifest(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('The Service "bad" is invalid');
    expect(store.getState().doc.ops).toEqual([]);
    expect(store.getState().run('node01', 'kubectl get configmap settings').stderr).toContain('NotFound');
  });

  it('keeps the manifest of an applied line through the lab file', async () => {
    const store = createAppStore({ initial: presetDoc('cluster') });
    store.getState().applyManifest(CONFIGMAP);
    const parsed = await parseLab(serializeLab(store.getState().doc));
    expect(parsed.ok && parsed.doc.ops[0]).toEqual({ kind: 'cmd', on: 'node01', run: 'kubectl apply -f -', stdin: CONFIGMAP, edit: true });
  });
});
