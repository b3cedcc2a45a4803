import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { startMetricsServer, type RunningMetricsServer } from '../../metrics-server/metrics-server.js';
import { useClusterWithComponents, waitUntil } from './cluster-with-components.js';

// Issue 9, part 1, as a user sees it with the real kubectl: the metrics server registered
// through API aggregation, kubelet stats through the node proxy, and `kubectl top` over
// pods whose CPU comes from load profiles. The metrics server scrapes every second
// (--metric-resolution 1s) so that two scrapes come quickly.

const cluster = useClusterWithComponents({ nodes: 3 });
let metrics: RunningMetricsServer | undefined;

const k = async (args: string[], stdin?: string) => {
  const r = await cluster().kubectl(args, stdin !== undefined ? { stdin } : {});
  return r;
};
const ok = async (args: string[], stdin?: string) => {
  const r = await k(args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};

const busyPod = (name: string, profile: string, labels = 'app: busy') => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${labels}}
  annotations:
    kubeling.io/load-profile: '${profile}'
spec:
  containers:
  - name: main
    image: registry.k8s.io/hpa-example
    resources: {requests: {cpu: 200m}, limits: {cpu: 500m}}
  - name: sidecar
    image: busybox
    command: [sleep, '3600']
`;

describe('metrics through API aggregation (real kubectl)', () => {
  it('starts the metrics server and registers v1beta1.metrics.k8s.io, Available', async () => {
    metrics = await startMetricsServer({ client: cluster().client, metricResolutionMs: 1000, logger: createLogger({ level: 'silent' }) });
    const out = await waitUntil(async () => {
      const s = await ok(['get', 'apiservices']);
      return /v1beta1\.metrics\.k8s\.io\s+kube-system\/metrics-server\s+True/.test(s) ? s : undefined;
    }, 'the metrics APIService to be Available');
    expect(out).toMatch(/^NAME\s+SERVICE\s+AVAILABLE\s+AGE/);
    expect(out).toMatch(/v1\.apps\s+Local\s+True/);
  });

  it('lists the metrics resources in api-resources', async () => {
    const out = await ok(['api-resources', '--api-group=metrics.k8s.io']);
    expect(out).toMatch(/^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics$/m);
    expect(out).toMatch(/^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
  });

  it('serves the kubelet Summary API and resource metrics through the node proxy', async () => {
    const summary = JSON.parse(await ok(['get', '--raw', '/api/v1/nodes/kubeling-node-0/proxy/stats/summary']));
    expect(summary.node.nodeName).toBe('kubeling-node-0');
    expect(summary.node.cpu.usageCoreNanoSeconds).toBeGreaterThan(0);
    const text = await ok(['get', '--raw', '/api/v1/nodes/kubeling-node-1/proxy/metrics/resource']);
    expect(text).toMatch(/^# TYPE node_cpu_usage_seconds_total counter$/m);
    expect(text).toMatch(/^node_memory_working_set_bytes \S+ \d+$/m);
    const missing = await k(['get', '--raw', '/api/v1/nodes/nope/proxy/stats/summary']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('Error from server (NotFound): nodes "nope" not found');
  });

  it('kubectl top nodes', async () => {
    const out = await waitUntil(async () => {
      const r = await k(['top', 'nodes']);
      return r.code === 0 && r.stdout.split('\n').filter((l) => l.startsWith('kubeling-node-')).length === 3 ? r.stdout : undefined;
    }, 'top nodes to list three nodes');
    expect(out).toMatch(/^NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)/);
    expect(out).toMatch(/^kubeling-node-0\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m);
  });

  it('a pod with a load-profile annotation shows its CPU; the CPU limit caps it', async () => {
    await ok(['apply', '-f', '-'], busyPod('busy-1', '{"type":"constant","cpu":"300m","memory":"20Mi","container":"main"}') + '---' + busyPod('busy-2', '{"type":"constant","cpu":"2","container":"main"}'));
    const out = await waitUntil(async () => {
      const r = await k(['top', 'pods', '-l', 'app=busy', '--containers']);
      return r.code === 0 && /busy-1\s+main\s+301m/.test(r.stdout) && /busy-2\s+main\s+500m/.test(r.stdout) ? r.stdout : undefined;
    }, 'top pods --containers to show 301m and 500m', 60_000);
    expect(out).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(out).toMatch(/busy-1\s+main\s+301m\s+30Mi/);
    expect(out).toMatch(/busy-1\s+sidecar\s+0m\s+0Mi/);
  });

  it('kubectl top pods -A --sort-by=cpu and -l', async () => {
    const out = await ok(['top', 'pods', '-A', '--sort-by=cpu']);
    const rows = out.split('\n').filter((l) => l.startsWith('default'));
    expect(rows[0]).toMatch(/^default\s+busy-2\s+500m/);
    expect(rows[1]).toMatch(/^default\s+busy-1\s+301m/);
    const one = await ok(['top', 'pods', '-l', 'app=busy', '--field-selector', 'metadata.name=busy-1']);
    expect(one.trim().split('\n')).toHaveLength(2);
  });

  it('an absurd profile is refused with an event; the pod keeps running', async () => {
    await ok(['apply', '-f', '-'], busyPod('absurd', '{"type":"sine","cpu":"1","amplitude":"1","period":"0s"}', 'app: absurd'));
    const events = await waitUntil(async () => {
      const s = await ok(['get', 'events', '--field-selector', 'involvedObject.name=absurd']);
      return s.includes('InvalidLoadProfile') ? s : undefined;
    }, 'an InvalidLoadProfile event');
    expect(events).toContain('annotation kubeling.io/load-profile refused: period: must be at least 1s');
    expect(await ok(['get', 'pod', 'absurd', '-o', 'jsonpath={.status.phase}'])).toBe('Running');
  });

  it('with the metrics server down, the aggregator answers 503 and kubectl top says so', async () => {
    await metrics?.stop();
    metrics = undefined;
    const r = await k(['top', 'pods']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Error from server (ServiceUnavailable): the server is currently unable to handle the request (get pods.metrics.k8s.io)');
  });
});
