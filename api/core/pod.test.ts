import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { imageTag, defaultImagePullPolicy } from './pod-defaults.js';
import { podResource, podSchema, type Pod } from './pod.js';
import { computeQOSClass } from './qos.js';

function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): Pod {
  return podSchema.parse({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...meta }, spec });
}

function defaulted(p: Pod): Pod {
  podResource.defaults(p as unknown as KubeObject);
  return p;
}

function errors(p: Pod, old?: Pod): string[] {
  return podResource.validate(p as unknown as KubeObject, old as unknown as KubeObject).map((e) => `${e.field}: ${e.message}`);
}

describe('pod defaults', () => {
  it('fills what kube-apiserver fills on create', () => {
    const p = defaulted(pod({ containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] }));
    expect(p.spec).toEqual({
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
  });

  it.each([
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.27', '1.27', 'IfNotPresent'],
    ['registry:5000/team/app', 'latest', 'Always'],
    ['registry:5000/team/app:v2', 'v2', 'IfNotPresent'],
    ['nginx@sha256:abcd', '', 'IfNotPresent'],
  ])('image %s has tag %j and pull policy %s', (image, tag, policy) => {
    expect(imageTag(image)).toBe(tag);
    expect(defaultImagePullPolicy(image)).toBe(policy);
  });

  it('keeps what the user wrote and does not duplicate tolerations', () => {
    const p = defaulted(
      pod({
        containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Never' }],
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 0,
        tolerations: [{ operator: 'Exists' }],
        serviceAccountName: 'builder',
      }),
    );
    expect(p.spec?.containers[0]?.imagePullPolicy).toBe('Never');
    expect(p.spec?.restartPolicy).toBe('Never');
    expect(p.spec?.terminationGracePeriodSeconds).toBe(0);
    expect(p.spec?.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(p.spec?.serviceAccount).toBe('builder');
  });

  it('defaults requests to limits, probes and volume modes', () => {
    const p = defaulted(
      pod({
        containers: [
          {
            name: 'a',
            image: 'x:1',
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
            readinessProbe: { httpGet: { port: 8080 } },
          },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'scratch' }],
      }),
    );
    const c = p.spec!.containers[0]!;
    expect(c.resources?.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(c.readinessProbe).toEqual({
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(p.spec!.volumes).toEqual([
      { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
      { name: 'scratch', emptyDir: {} },
    ]);
  });

  it('prepareForCreate resets status to Pending with the QoS class', () => {
    const p = defaulted(pod({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }));
    (p as { status?: unknown }).status = { phase: 'Running', podIP: '1.2.3.4' };
    podResource.prepareForCreate!(p as unknown as KubeObject);
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
  });

  it('keeps podIP and podIPs in step', () => {
    const p = pod({ containers: [{ name: 'a', image: 'x' }] });
    p.status = { podIP: '10.0.0.5', hostIPs: [{ ip: '192.168.0.2' }] };
    defaulted(p);
    expect(p.status).toMatchObject({ podIPs: [{ ip: '10.0.0.5' }], hostIP: '192.168.0.2' });
  });
});

describe('computeQOSClass', () => {
  const c = (resources: Record<string, unknown>) => ({ name: 'c', image: 'x', resources });
  it.each([
    ['no resources', [c({})], 'BestEffort'],
    ['requests only', [c({ requests: { cpu: '100m' } })], 'Burstable'],
    ['equal limits', [c({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })], 'Guaranteed'],
    ['requests below limits', [c({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })], 'Burstable'],
    ['limits only (requests default to them)', [c({ limits: { cpu: '1', memory: '1Gi' } })], 'Guaranteed'],
    ['only cpu limit', [c({ requests: { cpu: '1' }, limits: { cpu: '1' } })], 'Burstable'],
    ['other resources ignored', [c({ requests: { 'nvidia.com/gpu': '1' } })], 'BestEffort'],
    ['zero requests', [c({ requests: { cpu: '0' } })], 'BestEffort'],
  ])('%s → %s', (_n, containers, want) => {
    expect(computeQOSClass({ containers } as never)).toBe(want);
  });
});

describe('pod validation', () => {
  const base = { containers: [{ name: 'app', image: 'nginx' }] };
  it('accepts a defaulted pod', () => {
    expect(errors(defaulted(pod(base)))).toEqual([]);
  });

  it.each([
    ['no containers', { containers: [] }, ['spec.containers: Required value']],
    ['image required', { containers: [{ name: 'app' }] }, ['spec.containers[0].image: Required value']],
    [
      'container name not a label',
      { containers: [{ name: 'App_1', image: 'x' }] },
      [
        "spec.containers[0].name: Invalid value: \"App_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    [
      'duplicate container names',
      { containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] },
      ['spec.containers[1].name: Duplicate value: "a"'],
    ],
    [
      'bad restart policy',
      { ...base, restartPolicy: 'Sometimes' },
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ],
    [
      'bad pull policy',
      { containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Maybe' }] },
      ['spec.containers[0].imagePullPolicy: Unsupported value: "Maybe": supported values: "Always", "IfNotPresent", "Never"'],
    ],
    [
      'port out of range',
      { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] },
      ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ],
    [
      'request above limit',
      { containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] },
      ['spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    ],
    [
      'unknown volume',
      { containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
      ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    ],
    [
      'exists toleration with value',
      { ...base, tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] },
      ['spec.tolerations[0].operator: Invalid value: {"key":"k","operator":"Exists","value":"v"}: value must be empty when `operator` is \'Exists\''],
    ],
    [
      'tolerationSeconds needs NoExecute',
      { ...base, tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] },
      ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"],
    ],
    [
      'empty node selector terms',
      { ...base, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } },
      ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term'],
    ],
  ])('%s', (_name, spec, want) => {
    expect(errors(defaulted(pod(spec)))).toEqual(want);
  });

  describe('updates', () => {
    const old = defaulted(pod({ containers: [{ name: 'app', image: 'nginx:1.26' }], activeDeadlineSeconds: 100 }));
    const update = (change: (p: Pod) => void) => {
      const p = structuredClone(old);
      change(p);
      return errors(p, old);
    };

    it('allows image, lower activeDeadlineSeconds and added tolerations', () => {
      expect(
        update((p) => {
          p.spec!.containers[0]!.image = 'nginx:1.27';
          p.spec!.activeDeadlineSeconds = 50;
          p.spec!.tolerations!.push({ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' });
        }),
      ).toEqual([]);
    });

    it('forbids other spec changes with Kubernetes wording', () => {
      const errs = update((p) => {
        p.spec!.nodeName = 'node-1';
      });
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatch(
        /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
      );
      expect(errs[0]).toContain('NodeName');
    });

    it('forbids adding containers, raising the deadline or dropping tolerations', () => {
      expect(update((p) => p.spec!.containers.push({ name: 'b', image: 'x' }))).toEqual([
        'spec.containers: Forbidden: pod updates may not add or remove containers',
      ]);
      expect(update((p) => (p.spec!.activeDeadlineSeconds = 200))).toEqual([
        'spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value',
      ]);
      expect(update((p) => (p.spec!.tolerations = []))[0]).toBe(
        'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
      );
    });
  });
});

describe('pod field selectors', () => {
  it('reads the selectable fields', () => {
    const p = defaulted(pod({ containers: [{ name: 'a', image: 'x' }], nodeName: 'n1' }));
    p.status = { phase: 'Running', podIPs: [{ ip: '10.1.0.7' }] };
    const f = podResource.fieldSelectors!;
    const o = p as unknown as KubeObject;
    expect(f['spec.nodeName']!(o)).toBe('n1');
    expect(f['status.phase']!(o)).toBe('Running');
    expect(f['status.podIP']!(o)).toBe('10.1.0.7');
    expect(f['spec.schedulerName']!(o)).toBe('default-scheduler');
    expect(f['spec.restartPolicy']!(o)).toBe('Always');
    expect(f['spec.serviceAccountName']!(o)).toBe('default');
    expect(f['status.nominatedNodeName']!(o)).toBe('');
  });
});
