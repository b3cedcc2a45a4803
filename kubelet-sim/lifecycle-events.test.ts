import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/core/pod.js';
import { imageSizeOf } from './image-cache.js';
import type { PodImagePlan } from './image-pull.js';
import { goDurationMs, lifecycleEvents } from './lifecycle-events.js';
import { newPodSim, transition, type PodSim } from './pod-lifecycle.js';
import { renderPodStatus } from './pod-status.js';
import { defaultStageConfig as cfg } from './stages.js';

const T0 = Date.UTC(2026, 0, 1);

function makePod(containers: Array<{ name: string; image: string; imagePullPolicy?: string }>, inits: typeof containers = []): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', resourceVersion: '7' },
    spec: { nodeName: 'n0', containers, initContainers: inits.length > 0 ? inits : undefined },
    status: { phase: 'Pending' },
  } as Pod;
}

/** Sandbox up at T0 + 500 with the given plan, images ready at T0 + 500 + pullMs: the events of both steps. */
function start(pod: Pod, image: PodImagePlan, pullMs: number): { sim: PodSim; events: string[] } {
  const admitted = transition(newPodSim(), 'Admitted', { now: T0, cfg });
  const sandbox = transition(admitted, 'SandboxReady', { now: T0 + 500, podIP: '100.96.0.2', image, cfg });
  const pulled = transition(sandbox, 'Pulled', { now: T0 + 500 + pullMs, cfg });
  const events = [...lifecycleEvents(pod, admitted, sandbox, T0 + 500), ...lifecycleEvents(pod, sandbox, pulled, T0 + 500 + pullMs)];
  return { sim: pulled, events: events.map((e) => `${e.type} ${e.reason} ${e.ref.fieldPath}: ${e.message}`) };
}

describe('image events (golden)', () => {
  it('a pull: Pulling, then Pulled with the time in Go duration form and the size', () => {
    const pod = makePod([{ name: 'app', image: 'nginx:1.27' }]);
    expect(start(pod, { plan: 'pull', mask: 1 }, 1234).events).toEqual([
      'Normal Pulling spec.containers{app}: Pulling image "nginx:1.27"',
      `Normal Pulled spec.containers{app}: Successfully pulled image "nginx:1.27" in 1.234s (1.234s including waiting). Image size: ${imageSizeOf('nginx:1.27')} bytes.`,
    ]);
  });

  it('an image on the node: only Pulled "already present"; Always: a short pull', () => {
    const pod = makePod([{ name: 'app', image: 'nginx:1.27' }]);
    expect(start(pod, { plan: 'present', mask: 0 }, 0).events).toEqual([
      'Normal Pulled spec.containers{app}: Container image "nginx:1.27" already present on machine',
    ]);
    expect(start(pod, { plan: 'refresh', mask: 1 }, 180).events[1]).toContain('Successfully pulled image "nginx:1.27" in 180ms (180ms including waiting)');
  });

  it('per container: the init container pulls, the cached one is present', () => {
    const pod = makePod([{ name: 'app', image: 'nginx:1.27' }], [{ name: 'init', image: 'busybox:1.36' }]);
    const events = start(pod, { plan: 'pull', mask: 1 }, 900).events;
    expect(events).toHaveLength(3);
    expect(events[0]).toBe('Normal Pulling spec.initContainers{init}: Pulling image "busybox:1.36"');
    expect(events[1]).toMatch(/^Normal Pulled spec\.initContainers\{init\}: Successfully pulled image "busybox:1\.36" in 900ms/);
    expect(events[2]).toBe('Normal Pulled spec.containers{app}: Container image "nginx:1.27" already present on machine');
  });

  it('Never without the image: ErrImageNeverPull and Failed on every look, the waiting reason in the status', () => {
    const pod = makePod([
      { name: 'app', image: 'app:2', imagePullPolicy: 'Never' },
      { name: 'side', image: 'nginx:1.27' },
    ]);
    const admitted = transition(newPodSim(), 'Admitted', { now: T0, cfg });
    const blocked: PodImagePlan = { plan: 'never-missing', mask: 1 };
    const first = transition(admitted, 'SandboxReady', { now: T0 + 500, podIP: '100.96.0.2', image: blocked, cfg });
    const again = transition(first, 'SandboxReady', { now: T0 + 12_000, podIP: '100.96.0.2', image: blocked, cfg });
    const expected = [
      'Warning ErrImageNeverPull app: Container image "app:2" is not present with pull policy of Never',
      'Warning Failed app: Error: ErrImageNeverPull',
    ];
    const show = (a: PodSim, b: PodSim, now: number) => lifecycleEvents(pod, a, b, now).map((e) => `${e.type} ${e.reason} ${e.ref.fieldPath?.slice(16, -1)}: ${e.message}`);
    expect(show(admitted, first, T0 + 500)).toEqual(expected);
    expect(show(first, again, T0 + 12_000)).toEqual(expected);
    expect(again.sandboxAt).toBe(T0 + 500);
    const status = renderPodStatus({ pod, sim: again, hostIP: '10.0.0.10', now: T0 + 12_000, cfg });
    expect(status.phase).toBe('Pending');
    expect(status.containerStatuses!.map((c) => c.state?.waiting)).toEqual([
      { reason: 'ErrImageNeverPull', message: 'Container image "app:2" is not present with pull policy of Never' },
      { reason: 'ContainerCreating' },
    ]);
    // The image arrived (another pod pulled it): the next look finds it present.
    const present = transition(again, 'SandboxReady', { now: T0 + 24_000, podIP: '100.96.0.2', image: { plan: 'present', mask: 0 }, cfg });
    expect(lifecycleEvents(pod, again, present, T0 + 24_000)).toEqual([]);
    expect(renderPodStatus({ pod, sim: present, hostIP: '10.0.0.10', now: T0 + 24_000, cfg }).containerStatuses![0]!.state?.waiting?.reason).toBe('ContainerCreating');
  });

  it('a pod adopted without a plan pulls every image, as before caching', () => {
    const pod = makePod([{ name: 'app', image: 'nginx:1.27' }]);
    const sandbox = { ...newPodSim(), state: 'SandboxReady' as const, sandboxAt: T0 };
    const pulled = transition(sandbox, 'Pulled', { now: T0 + 1000, cfg });
    expect(lifecycleEvents(pod, sandbox, pulled, T0 + 1000)[0]!.message).toMatch(/^Successfully pulled image "nginx:1.27" in 1s/);
  });
});

describe('goDurationMs (Go time.Duration String)', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [61_250, '1m1.25s'],
    [3_600_000, '1h0m0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(goDurationMs(ms)).toBe(text);
  });
});
