import { afterEach, describe, expect, it } from 'vitest';
import { eventResource } from '../api/core/event.js';
import { nodeResource, type Node } from '../api/core/node.js';
import { podResource, type Pod } from '../api/core/pod.js';
import type { KubeObject } from '../api/types.js';
import { flush, step } from '../client/testing.js';
import { startPinnedSim, startTestSim, stopTestSims, type TestSim } from './testing.js';

/**
 * The per-node image cache in the running simulator, on a FakeClock with no jitter
 * (random() = 0): sandbox 400 ms, pull 800 ms, registry round trip (Always) 100 ms,
 * container start 200 ms, Never retried every 10 s.
 */

afterEach(stopTestSims);

type H = TestSim;
const harness = (): Promise<H> => startTestSim(3);

async function createPod(h: H, name: string, node: string, image = 'nginx:1.27', imagePullPolicy?: string): Promise<void> {
  await h.client.create(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node, containers: [{ name: 'app', image, ...(imagePullPolicy ? { imagePullPolicy } : {}) }] },
  } as KubeObject);
  await flush(10);
}

/** `Reason: message` of a pod's events, oldest first. */
async function eventsOf(h: H, pod: string): Promise<string[]> {
  await flush(10);
  const list = await h.client.list(eventResource, { namespace: 'default' });
  return list.items
    .filter((e) => (e as unknown as { involvedObject: { name: string } }).involvedObject.name === pod)
    .map((e) => {
      const ev = e as unknown as { reason: string; message: string };
      return `${ev.reason}: ${ev.message}`;
    })
    .filter((e) => !e.startsWith('Created') && !e.startsWith('Started'));
}

const pod = (h: H, name: string) => h.client.get<Pod>(podResource, name, { namespace: 'default' });
const imageNames = async (h: H, node: string) => ((await h.client.get<Node>(nodeResource, node)).status?.images ?? []).flatMap((i) => i.names ?? []);

describe('image cache (IfNotPresent)', () => {
  it('the first pod on a node pulls the image; later pods there start without a pull; status.images follows', async () => {
    const h = await harness();
    await createPod(h, 'first', 'kubeling-node-0');
    await step(h.clock, 3000, 100);
    expect(await eventsOf(h, 'first')).toEqual([
      'Pulling: Pulling image "nginx:1.27"',
      expect.stringMatching(/^Pulled: Successfully pulled image "nginx:1.27" in 800ms \(800ms including waiting\)\. Image size: \d+ bytes\.$/),
    ]);

    await createPod(h, 'second', 'kubeling-node-0');
    await step(h.clock, 700, 100); // sandbox 400 + start 200: no pull in between
    expect(h.sim.podState('default/second')).toBe('Running');
    expect(await eventsOf(h, 'second')).toEqual(['Pulled: Container image "nginx:1.27" already present on machine']);

    // Another node has its own runtime: it pulls.
    await createPod(h, 'elsewhere', 'kubeling-node-1');
    await step(h.clock, 700, 100);
    expect(h.sim.podState('default/elsewhere')).toBe('SandboxReady');
    expect(await eventsOf(h, 'elsewhere')).toEqual(['Pulling: Pulling image "nginx:1.27"']);

    // The next 10 s sync reports what each node holds.
    await step(h.clock, 11_000, 500);
    expect(await imageNames(h, 'kubeling-node-0')).toEqual(expect.arrayContaining(['docker.io/library/nginx:1.27', 'registry.k8s.io/pause:3.10']));
    expect(await imageNames(h, 'kubeling-node-0')).toContainEqual(expect.stringMatching(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/));
    expect(await imageNames(h, 'kubeling-node-2')).toEqual([expect.stringContaining('pause@sha256:'), 'registry.k8s.io/pause:3.10']);
  });

  it('a pod arriving during a pull of its image joins it instead of pulling again', async () => {
    const h = await harness();
    await createPod(h, 'a', 'kubeling-node-0');
    await step(h.clock, 300, 100);
    await createPod(h, 'b', 'kubeling-node-0');
    await step(h.clock, 3000, 100);
    // a: sandbox at 400, pull lands at 1200; b: sandbox at 700, ready with a's pull.
    expect((await eventsOf(h, 'b'))[1]).toMatch(/^Pulled: Successfully pulled image "nginx:1.27" in 500ms/);
    expect((await pod(h, 'b')).status?.phase).toBe('Running');
  });
  it('a restarted simulator finds the images its nodes reported', async () => {
    const h = await harness();
    await createPod(h, 'before', 'kubeling-node-0');
    await step(h.clock, 14_000, 500); // running, and reported in status.images
    await h.sim.stop();
    await startPinnedSim(h.client, h.clock, 3);
    await createPod(h, 'after', 'kubeling-node-0');
    await step(h.clock, 1000, 100);
    expect(await eventsOf(h, 'after')).toEqual(['Pulled: Container image "nginx:1.27" already present on machine']);
  });
});

describe('imagePullPolicy Always and Never', () => {
  it('Always with the image on the node: a short registry round trip with Pulling/Pulled', async () => {
    const h = await harness();
    await createPod(h, 'warm', 'kubeling-node-0');
    await step(h.clock, 3000, 100);
    await createPod(h, 'always', 'kubeling-node-0', 'nginx:1.27', 'Always');
    await step(h.clock, 3000, 100);
    expect(await eventsOf(h, 'always')).toEqual([
      'Pulling: Pulling image "nginx:1.27"',
      expect.stringMatching(/^Pulled: Successfully pulled image "nginx:1.27" in 100ms/),
    ]);
  });

  it('Never without the image: ErrImageNeverPull until another pod brings the image to the node', async () => {
    const h = await harness();
    await createPod(h, 'never', 'kubeling-node-0', 'app:2', 'Never');
    await step(h.clock, 2000, 100);
    const p = await pod(h, 'never');
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.containerStatuses?.[0]?.state?.waiting).toEqual({
      reason: 'ErrImageNeverPull',
      message: 'Container image "app:2" is not present with pull policy of Never',
    });
    expect(await eventsOf(h, 'never')).toEqual([
      'ErrImageNeverPull: Container image "app:2" is not present with pull policy of Never',
      'Failed: Error: ErrImageNeverPull',
    ]);
    // Looked at again after 10 s: still missing.
    await step(h.clock, 10_000, 250);
    expect(h.sim.podState('default/never')).toBe('SandboxReady');
    // An IfNotPresent pod pulls the image; the next look finds it.
    await createPod(h, 'puller', 'kubeling-node-0', 'app:2');
    await step(h.clock, 12_000, 250);
    expect((await pod(h, 'never')).status?.phase).toBe('Running');
    expect((await eventsOf(h, 'never')).at(-1)).toBe('Pulled: Container image "app:2" already present on machine');
  });
});
