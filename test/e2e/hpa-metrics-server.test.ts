import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../client/rest-client.js';
import type { ControllerManager } from '../../controllers/manager.js';
import { createRawGet } from '../../hpa/raw-get.js';
import { startHpa } from '../../hpa/start-hpa.js';
import { createLogger } from '../../lib/logger.js';
import { startMetricsServer, type RunningMetricsServer } from '../../metrics-server/metrics-server.js';
import { useClusterWithComponents, waitUntil } from './cluster-with-components.js';

/**
 * The HPA on Kubeling's own metrics server, nothing faked: kubelet-sim usage from the
 * `kubeling.io/load-profile` annotation (kubelet-sim/usage/profile.ts) → kubelet stats →
 * metrics-server scrape → metrics.k8s.io through API aggregation → the HPA's metrics
 * client → scale. Short settings: metric resolution 1 s, HPA sync period 1 s.
 * Every pod of the Deployment carries a constant load (the annotation is per pod, not a
 * shared demand), so the HPA keeps scaling up to maxReplicas, then holds.
 */
const cluster = useClusterWithComponents({ nodes: 3 });
let metrics: RunningMetricsServer | undefined;
let hpa: ControllerManager | undefined;
let closeRaw: (() => void) | undefined;

beforeAll(async () => {
  const c = cluster();
  const logger = createLogger({ level: process.env.KUBELING_LOG_LEVEL ?? 'silent' });
  metrics = await startMetricsServer({ client: c.client, metricResolutionMs: 1000, logger });
  const raw = createRawGet(loadKubeconfig(c.kubeconfigPath));
  closeRaw = raw.close;
  hpa = await startHpa({ client: c.client, rawGet: raw.get, leaderElect: false, logger, config: { syncPeriodMs: 1000 } });
}, 60_000);

afterAll(async () => {
  await hpa?.stop();
  await metrics?.stop();
  closeRaw?.();
});

const ok = async (args: string[], stdin?: string): Promise<string> => {
  const r = await cluster().kubectl(args, stdin !== undefined ? { stdin } : {});
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: busy}
spec:
  replicas: 1
  selector: {matchLabels: {app: busy}}
  template:
    metadata:
      labels: {app: busy}
      annotations:
        kubeling.io/load-profile: '{type: constant, cpu: 400m}'
    spec:
      containers:
      - name: main
        image: registry.k8s.io/hpa-example
        resources: {requests: {cpu: 200m}}
`;

describe('HPA on the metrics server (real kubectl, nothing faked)', () => {
  it('reads the pods’ CPU through metrics.k8s.io and scales the Deployment up to maxReplicas', async () => {
    await ok(['apply', '-f', '-'], deployment);
    await ok(['autoscale', 'deployment', 'busy', '--cpu-percent=50', '--min=1', '--max=4']);
    const row = await waitUntil(
      async () => {
        const line = (await ok(['get', 'hpa', 'busy', '--no-headers'])).trim().split(/\s{2,}/);
        const pct = /^cpu: (\d+)%\/50%$/.exec(line[2] ?? '');
        return pct && Number(pct[1]) >= 100 && line[5] === '4' ? line : undefined;
      },
      'kubectl get hpa busy: cpu well above 50% and REPLICAS 4',
      90_000,
      1000,
    );
    expect(row.slice(0, 5)).toEqual(['busy', 'Deployment/busy', row[2], '1', '4']);
    // Once all four pods report, the proposal exceeds the maximum: ScalingLimited says so.
    const describe = await waitUntil(
      async () => {
        const d = await ok(['describe', 'hpa', 'busy']);
        return /ScalingLimited\s+True\s+TooManyReplicas/.test(d) ? d : undefined;
      },
      'ScalingLimited True TooManyReplicas',
      30_000,
      1000,
    );
    expect(describe).toContain('reason: cpu resource utilization (percentage of request) above target');
  }, 120_000);
});
