import { describe, expect, it } from 'vitest';
import type { KubectlResult } from './harness.js';
import { useClusterWithComponents } from './cluster-with-components.js';

/**
 * `kubectl apply --prune -l …` with kubectl's default allowlist, which names
 * PersistentVolumeClaim, ReplicationController, Job, CronJob, Ingress, DaemonSet,
 * StatefulSet and PersistentVolume: every kind must be served for prune to run at all.
 */
const cluster = useClusterWithComponents({ nodes: 1 });

function ok(res: KubectlResult, what: string): string {
  if (res.code !== 0) throw new Error(`kubectl ${what} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout;
}

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'pruned' } }, data: { k: 'v' } });
const list = (...items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

describe('kubectl apply --prune with the default allowlist', () => {
  it('removes the labelled objects dropped from the manifest', async () => {
    const c = cluster();
    const first = ok(await c.kubectl(['apply', '--prune', '-l', 'app=pruned', '-f', '-'], { stdin: list(cm('one'), cm('two')) }), 'apply');
    expect(first).toBe('configmap/one created\nconfigmap/two created\n');
    const second = await c.kubectl(['apply', '--prune', '-l', 'app=pruned', '-f', '-'], { stdin: list(cm('one')) });
    expect(second.stderr).not.toMatch(/error/i);
    expect(ok(second, 'apply --prune')).toBe('configmap/one unchanged\nconfigmap/two pruned\n');
    const left = ok(await c.kubectl(['get', 'configmaps', '-l', 'app=pruned', '-o', 'name']), 'get');
    expect(left).toBe('configmap/one\n');
  });
});
