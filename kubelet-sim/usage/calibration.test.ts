import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/clock.js';
import { trafficModels } from '../../network/traffic-models.js';
import { UsageModel, type NodeView } from './usage-model.js';

/**
 * Calibration against the HPA walkthrough (kubernetes.io, "HorizontalPodAutoscaler
 * Walkthrough"): php-apache with requests.cpu 200m and limits.cpu 500m, one busybox loop
 * `while sleep 0.01; do wget -q -O- http://php-apache; done`. The loop is closed: each
 * wget waits for its answer, whose latency is the traffic model's base latency times the
 * usage model's latencyFactor. Expected shape: a few hundred percent of 200m on one
 * replica (capped by the limit at 250%), and an average near the 50% target at 7
 * replicas, where the HPA settles.
 */

const model = trafficModels.find((m) => m.name === 'hpa-example')!;
/** The loop's own time per iteration: `sleep 0.01` plus wget's start and connection (CLIENT_REQUEST_MS, streams/container-host.ts). */
const LOOP_OVERHEAD_MS = 15;

function run(replicas: number, seconds: number): number[] {
  const clock = new FakeClock();
  const t0 = clock.now();
  const uids = Array.from({ length: replicas }, (_, i) => `php-${i}`);
  const view = (): NodeView => ({
    name: 'n1',
    cpuCapacity: 16,
    memoryCapacity: 64 * 2 ** 30,
    startedAtMs: t0,
    pods: uids.map((uid) => ({
      uid,
      namespace: 'default',
      name: uid,
      startedAtMs: t0,
      containers: [{ name: 'php-apache', image: 'registry.k8s.io/hpa-example', startedAtMs: t0, cpuRequest: 0.2, cpuLimit: 0.5 }],
    })),
  });
  const usage = new UsageModel({ clock, source: () => view(), nodeOf: () => 'n1' });
  usage.sample('n1');
  const end = t0 + seconds * 1000;
  const cpuAt = (): number[] => usage.sample('n1')!.pods.map((p) => p.containers[0]!.cpuSecondsTotal);
  let first: number[] | undefined;
  let firstAt = 0;
  for (let i = 0; clock.now() < end; i++) {
    // kube-proxy spreads the loop's connections over the endpoints.
    const uid = uids[i % replicas]!;
    const latency = model.baseLatencyMs * usage.latencyFactor(uid, 'php-apache');
    clock.advance(latency);
    usage.record({ namespace: 'default', pod: uid, podUid: uid, container: 'php-apache', cpuSeconds: model.cpuSecondsPerRequest, memoryBytes: model.memoryBytesPerRequest, atMs: clock.now() });
    clock.advance(LOOP_OVERHEAD_MS);
    // Two "scrapes" 15 s apart near the end, as metrics-server takes them.
    if (!first && clock.now() >= end - 15_000) {
      first = cpuAt();
      firstAt = clock.now();
    }
  }
  const last = cpuAt();
  const windowS = (clock.now() - firstAt) / 1000;
  return last.map((c, i) => (c - first![i]!) / windowS / 0.2);
}

describe('hpa-example calibration (one busybox wget loop)', () => {
  it('one replica runs at a few hundred percent of its 200m request, held by its 500m limit', () => {
    const [util] = run(1, 90);
    if (process.env.KUBELING_SHOW_CALIBRATION) console.log(`one replica: ${Math.round(util! * 100)}%`);
    expect(util).toBeGreaterThan(2.3);
    expect(util).toBeLessThanOrEqual(2.5 + 1e-6);
  });

  it('seven replicas average near the 50% target, so the HPA settles at 7', () => {
    const utils = run(7, 90);
    const avg = utils.reduce((a, b) => a + b, 0) / utils.length;
    if (process.env.KUBELING_SHOW_CALIBRATION) console.log(`seven replicas: ${Math.round(avg * 100)}% on average`);
    // kube's replica calculator: ceil(7 × avg / 0.5) with a 10% tolerance.
    const ratio = avg / 0.5;
    const desired = Math.abs(ratio - 1) <= 0.1 ? 7 : Math.ceil(7 * ratio);
    expect(desired).toBe(7);
    // And at 5 replicas it would still scale up to 7.
    const five = run(5, 90);
    const avg5 = five.reduce((a, b) => a + b, 0) / five.length;
    expect(Math.ceil(5 * (avg5 / 0.5))).toBe(7);
  });
});
