import { describe, expect, it } from 'vitest';
import { createRestClient, loadKubeconfig } from '../../client/rest-client.js';
import { startKubeletSim } from '../../kubelet-sim/index.js';
import { createLogger } from '../../lib/logger.js';
import type { KubectlResult } from './harness.js';
import { FAST_STAGES, useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * A DaemonSet with the real kubectl: one pod per node, a node that joins gets one,
 * `kubectl rollout status/history/undo daemonset` work through ControllerRevisions.
 */
const cluster = useClusterWithComponents({ nodes: 2 });

function ok(res: KubectlResult, what: string): string {
  if (res.code !== 0) throw new Error(`kubectl ${what} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout;
}
const run = async (c: ClusterWithComponents, args: string[], timeoutMs?: number) => ok(await c.kubectl(args, { timeoutMs }), args.join(' '));

const DS = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'fluentd', namespace: 'kube-system', labels: { 'k8s-app': 'fluentd-logging' } },
  spec: {
    selector: { matchLabels: { name: 'fluentd' } },
    template: {
      metadata: { labels: { name: 'fluentd' } },
      spec: {
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
        containers: [{ name: 'fluentd', image: 'quay.io/fluentd_elasticsearch/fluentd:v5.0.1' }],
      },
    },
  },
};

async function dsRow(c: ClusterWithComponents, want: RegExp): Promise<string> {
  return waitUntil(async () => {
    const out = await run(c, ['get', 'ds', 'fluentd', '-n', 'kube-system']);
    if (want.test(out.split('\n')[1] ?? '')) return out;
    throw new Error(out);
  }, `daemonset row ${want}`, 60_000);
}

describe('DaemonSet with kubectl 1.32', () => {
  it('runs one pod per node, and on a node that joins', async () => {
    const c = cluster();
    const applied = ok(await c.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(DS) }), 'apply');
    expect(applied).toBe('daemonset.apps/fluentd created\n');
    const out = await dsRow(c, /^fluentd\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\d+s$/);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/);
    const wide = await run(c, ['get', 'pods', '-n', 'kube-system', '-l', 'name=fluentd', '-o', 'wide', '--no-headers']);
    expect(new Set(wide.trim().split('\n').map((l) => l.split(/\s+/)[6]))).toEqual(new Set(['kubeling-node-0', 'kubeling-node-1']));

    const client = createRestClient(loadKubeconfig(c.kubeconfigPath));
    const extra = await startKubeletSim({ client, nodes: 1, startIndex: 2, stages: FAST_STAGES, logger: createLogger({ level: 'silent' }) });
    try {
      await dsRow(c, /^fluentd\s+3\s+3\s+3\s+3\s+3\s+/);
      const pods = await run(c, ['get', 'pods', '-n', 'kube-system', '-l', 'name=fluentd', '-o', 'wide', '--no-headers']);
      expect(pods).toMatch(/kubeling-node-2/);
    } finally {
      await extra.stop();
      await run(c, ['delete', 'node', 'kubeling-node-2']);
      client.close();
    }
    await dsRow(c, /^fluentd\s+2\s+2\s+2\s+2\s+2\s+/);
  });

  it('rolls out a new image, shows history and undoes it', async () => {
    const c = cluster();
    expect(await run(c, ['set', 'image', 'ds/fluentd', '-n', 'kube-system', 'fluentd=quay.io/fluentd_elasticsearch/fluentd:v5.0.2'])).toBe('daemonset.apps/fluentd image updated\n');
    const res = await c.kubectl(['rollout', 'status', 'ds/fluentd', '-n', 'kube-system', '--timeout=20s'], { timeoutMs: 30_000 });
    if (res.code !== 0) {
      const dump = await c.kubectl(['get', 'ds,pods,controllerrevisions', '-n', 'kube-system', '-o', 'wide', '--show-labels']);
      const ev = await c.kubectl(['get', 'events', '-n', 'kube-system']);
      const y = await c.kubectl(['get', 'ds', 'fluentd', '-n', 'kube-system', '-o', 'yaml']);
      throw new Error(res.stdout + res.stderr + dump.stdout + ev.stdout + y.stdout);
    }
    const status = res.stdout;
    expect(status.trim().split('\n').pop()).toBe('daemon set "fluentd" successfully rolled out');
    const history = await run(c, ['rollout', 'history', 'ds/fluentd', '-n', 'kube-system']);
    expect(history).toMatch(/^daemonset\.apps\/fluentd\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    const rev1 = await run(c, ['rollout', 'history', 'ds/fluentd', '-n', 'kube-system', '--revision=1']);
    expect(rev1).toContain('fluentd:v5.0.1');
    expect(await run(c, ['rollout', 'undo', 'ds/fluentd', '-n', 'kube-system'])).toBe('daemonset.apps/fluentd rolled back\n');
    await run(c, ['rollout', 'status', 'ds/fluentd', '-n', 'kube-system', '--timeout=60s'], 70_000);
    const images = await waitUntil(async () => {
      // The pod of the node that left stays (kube's pod GC, which removes it, is not ours).
      const out = await run(c, ['get', 'pods', '-n', 'kube-system', '-l', 'name=fluentd', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.spec.containers[0].image}{"\\n"}{end}']);
      const list = out.trim().split('\n').filter((l) => !l.startsWith('kubeling-node-2 ')).map((l) => l.split(' ')[1]!);
      if (list.length === 2 && list.every((i) => i.endsWith(':v5.0.1'))) return list;
      throw new Error(out);
    }, 'pods back on v5.0.1', 60_000);
    expect(images).toHaveLength(2);
    const after = await run(c, ['rollout', 'history', 'ds/fluentd', '-n', 'kube-system']);
    expect(after).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);
  }, 150_000);
});
