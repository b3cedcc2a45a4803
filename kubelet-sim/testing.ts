import { nodeResource } from '../api/core/node.js';
import { createFakeClient, type FakeClient } from '../client/fake-client.js';
import { flush } from '../client/testing.js';
import { FakeClock } from '../lib/clock.js';
import { startKubeletSim, type KubeletSim } from './index.js';

/**
 * For tests: a simulator on the fake client and a FakeClock, with no jitter and pinned
 * timings (sandbox 400 ms, container start 200 ms; image pull 800 ms is the default), so
 * that steps of the clock land on known moments. Each node gets podCIDR 100.96.<i>.0/24.
 * Call stopTestSims() after each test.
 */
export interface TestSim {
  clock: FakeClock;
  client: FakeClient;
  sim: KubeletSim;
}

export const TEST_SIM_T0 = Date.UTC(2026, 0, 1);
const started: KubeletSim[] = [];

export async function startTestSim(nodes: number): Promise<TestSim> {
  const clock = new FakeClock(TEST_SIM_T0);
  const client = createFakeClient({ clock });
  const sim = await startPinnedSim(client, clock, nodes);
  for (const [i, name] of sim.nodeNames.entries()) {
    const cidr = `100.96.${i}.0/24`;
    await client.patch(nodeResource, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, { type: 'merge' });
  }
  await flush(10);
  return { clock, client, sim };
}

/** A simulator with the pinned timings on an existing client and clock (e.g. a restart). */
export async function startPinnedSim(client: FakeClient, clock: FakeClock, nodes: number): Promise<KubeletSim> {
  const stages = { stages: [{ name: 'pod-sandbox', delay: { ms: 400, jitterMs: 0 } }, { name: 'container-start', delay: { ms: 200, jitterMs: 0 } }] };
  const sim = await startKubeletSim({ client, nodes, clock, random: () => 0, qps: 100_000, burst: 100_000, stages });
  started.push(sim);
  await flush(20);
  return sim;
}

export async function stopTestSims(): Promise<void> {
  for (const s of started.splice(0)) await s.stop();
}
