import { describe, expect, it } from 'vitest';
import { applyServerSideApply } from './apply-patch.js';
import { PatchError } from './errors.js';
import { patchMetaFor } from '../../api/patch-meta.js';

type Obj = Record<string, any>;

const deploymentMeta = patchMetaFor('apps', 'Deployment');

function liveDeployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web' }, finalizers: ['a'] },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx:1.14', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] },
            { name: 'sidecar', image: 'busybox' },
          ],
          tolerations: [{ key: 'a', operator: 'Exists' }],
        },
      },
    },
  };
}

const applied = (spec: Obj, metadata: Obj = { name: 'web' }): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec });

describe('applyServerSideApply', () => {
  it('creates from the applied configuration when nothing is live, dropping nulls', () => {
    const cfg = applied({ replicas: 1, paused: null, template: { spec: { containers: [{ name: 'c', image: 'i', args: null }] } } });
    expect(applyServerSideApply(null, cfg, deploymentMeta)).toEqual(
      applied({ replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }),
    );
  });

  it('merges maps and keeps live fields the configuration does not mention', () => {
    const out = applyServerSideApply(liveDeployment(), applied({ replicas: 5 }, { name: 'web', labels: { tier: 'fe' } }), deploymentMeta) as Obj;
    expect(out.spec.replicas).toBe(5);
    expect(out.metadata).toMatchObject({ uid: 'u1', resourceVersion: '7', labels: { app: 'web', tier: 'fe' } });
    expect(out.spec.template.spec.containers).toHaveLength(2);
  });

  it('merges containers by name, env by name, ports by containerPort+protocol', () => {
    const cfg = applied({
      template: {
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx:1.16', ports: [{ containerPort: 80 }, { containerPort: 443 }], env: [{ name: 'B', value: '2' }] },
            { name: 'metrics', image: 'exporter' },
          ],
        },
      },
    });
    const out = applyServerSideApply(liveDeployment(), cfg, deploymentMeta) as Obj;
    const containers = out.spec.template.spec.containers;
    expect(containers.map((c: Obj) => c.name)).toEqual(['nginx', 'sidecar', 'metrics']);
    expect(containers[0].image).toBe('nginx:1.16');
    // protocol defaults to TCP when matching, so port 80 is the live one, not a duplicate.
    expect(containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }]);
    expect(containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
  });

  it('atomic lists (tolerations) are replaced; sets (finalizers) are unions', () => {
    const cfg = applied({ template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } }, { name: 'web', finalizers: ['b', 'a'] });
    const out = applyServerSideApply(liveDeployment(), cfg, deploymentMeta) as Obj;
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
  });

  it('a null in the configuration changes nothing (removal is not modelled)', () => {
    const out = applyServerSideApply(liveDeployment(), applied({ replicas: null }), deploymentMeta) as Obj;
    expect(out.spec.replicas).toBe(3);
  });

  it('Service ports are keyed by port and protocol', () => {
    const svcMeta = patchMetaFor('', 'Service');
    const live = { spec: { ports: [{ port: 53, protocol: 'UDP', name: 'dns' }, { port: 53, protocol: 'TCP', name: 'dns-tcp' }] } };
    const out = applyServerSideApply(live, { spec: { ports: [{ port: 53, targetPort: 5353 }] } }, svcMeta) as Obj;
    expect(out.spec.ports).toEqual([
      { port: 53, protocol: 'UDP', name: 'dns' },
      { port: 53, protocol: 'TCP', name: 'dns-tcp', targetPort: 5353 },
    ]);
  });

  it('a PDB selector (atomic) is replaced', () => {
    const live = { spec: { selector: { matchLabels: { a: '1' } } } };
    const out = applyServerSideApply(live, { spec: { selector: { matchLabels: { b: '2' } } } }, patchMetaFor('policy', 'PodDisruptionBudget')) as Obj;
    expect(out.spec.selector).toEqual({ matchLabels: { b: '2' } });
  });

  it('never mutates its inputs', () => {
    const live = liveDeployment();
    const cfg = applied({ template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'X', value: 'y' }] }] } } });
    const before = [structuredClone(live), structuredClone(cfg)];
    const out = applyServerSideApply(live, cfg, deploymentMeta) as Obj;
    expect([live, cfg]).toEqual(before);
    out.spec.template.spec.containers[0].env.push({ name: 'Z' });
    expect(cfg.spec.template.spec.containers[0].env).toHaveLength(1);
  });

  const errors: Array<[string, unknown, string]> = [
    ['a configuration that is not an object', ['x'], 'error decoding YAML: the applied configuration must be an object'],
    [
      'an associative item without its key',
      applied({ template: { spec: { containers: [{ image: 'x' }] } } }),
      '.spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    ],
    [
      'duplicate keys',
      applied({ template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } }),
      '.spec.template.spec.containers: duplicate entries for key [name="a"]',
    ],
  ];
  it.each(errors)('rejects %s with 400', (_name, cfg, message) => {
    try {
      applyServerSideApply(liveDeployment(), cfg, deploymentMeta);
      expect.unreachable('applied');
    } catch (err) {
      expect(err).toBeInstanceOf(PatchError);
      expect((err as PatchError).code).toBe(400);
      expect((err as PatchError).message).toBe(message);
    }
  });
});
