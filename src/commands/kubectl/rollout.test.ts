import { describe, expect, it, vi } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from './boot';
import { runCommand } from '../index';

vi.setConfig({ testTimeout: 60_000 });

const dep = (img: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: c, image: ${img}}\n`;

describe('kubectl rollout', () => {
  it('shows the status, the history by revision, and undoes to the previous or a named revision', () => {
    const world = new World();
    bootCluster(world);
    const k = (l: string, stdin?: string) => runCommand(world, 'node01', `kubectl ${l}`, { stdin });
    k('apply -f -', dep('nginx:1.25'));
    expect(k('rollout status deployment/web').stdout).toBe('deployment "web" successfully rolled out\n');
    k('apply -f -', dep('nginx:1.26'));
    expect(k('rollout history deployment/web').stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect(k('rollout history deployment/web --revision=1').stdout).toMatch(/^deployment\.apps\/web with revision #1\nPod Template:\n {2}Labels: +app=web\n +pod-template-hash=\w+\n {2}Containers:\n {3}c:\n {4}Image: +nginx:1\.25\n/);
    expect(k('rollout undo deployment/web').stdout).toBe('deployment.apps/web rolled back\n');
    expect(k('rollout status deploy web').stdout).toBe('deployment "web" successfully rolled out\n');
    expect(k('get deploy web -o jsonpath={.spec.template.spec.containers[0].image}').stdout).toBe('nginx:1.25');
    // revision 1 came back as revision 3
    expect(k('rollout history deployment/web').stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
    expect(k('rollout undo deployment/web --to-revision=3').stdout).toBe('deployment.apps/web skipped rollback (current template already matches revision 3)\n');
    const missing = k('rollout undo deployment/web --to-revision=7');
    expect([missing.exit, missing.stderr]).toEqual([1, 'error: unable to find specified revision 7 in history\n']);
    expect(k('rollout undo deployment/web --to-revision=2').stdout).toBe('deployment.apps/web rolled back\n');
    expect(k('get deploy web -o jsonpath={.spec.template.spec.containers[0].image}').stdout).toBe('nginx:1.26');
  });
});
