import { describe, expect, it } from 'vitest';
import type { KubectlResult } from './harness.js';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * The scheduler's VolumeBinding plugin and the PV controller with the real kubectl: local
 * volumes pin a pod to their node, claims that cannot bind give kube-scheduler's
 * FailedScheduling messages, expansion follows the class, and the CSI kinds are served.
 */
const cluster = useClusterWithComponents({ nodes: 2 });

function ok(res: KubectlResult, what: string): string {
  if (res.code !== 0) throw new Error(`kubectl ${what} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout;
}
const run = async (c: ClusterWithComponents, args: string[]) => ok(await c.kubectl(args), args.join(' '));
const apply = async (c: ClusterWithComponents, yaml: string) => ok(await c.kubectl(['apply', '-f', '-'], { stdin: yaml }), 'apply');

const pod = (name: string, claim: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers: [{name: c, image: nginx, volumeMounts: [{name: d, mountPath: /data}]}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: ${claim}}}]
`;
const claim = (name: string, cls: string, size = '1Gi') => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec: {accessModes: [ReadWriteOnce], storageClassName: "${cls}", resources: {requests: {storage: ${size}}}}
`;
const localVolume = (name: string, cls: string, node: string) => `
apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: "${cls}"
  local: {path: /mnt/disks/${name}}
  nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [${node}]}]}]}}
`;

async function schedulingMessage(c: ClusterWithComponents, podName: string): Promise<string> {
  return waitUntil(async () => {
    const out = await run(c, ['get', 'events', '--field-selector', `involvedObject.name=${podName},reason=FailedScheduling`, '-o', 'jsonpath={.items[0].message}']);
    if (out) return out;
    throw new Error('no FailedScheduling event yet');
  }, `FailedScheduling for ${podName}`, 30_000);
}

describe('volume binding with kubectl 1.32', () => {
  it('binds a WaitForFirstConsumer claim to a local volume and runs the pod on its node', async () => {
    const c = cluster();
    const nodes = (await run(c, ['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(' ');
    const target = nodes[1]!;
    await apply(c, `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local-storage}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n`);
    await apply(c, localVolume('local-pv', 'local-storage', target) + '---' + claim('local-claim', 'local-storage'));
    expect(await run(c, ['get', 'pvc', 'local-claim', '-o', 'jsonpath={.status.phase}'])).toBe('Pending');
    await apply(c, pod('uses-local', 'local-claim'));
    const node = await waitUntil(async () => {
      const out = await run(c, ['get', 'pod', 'uses-local', '-o', 'jsonpath={.spec.nodeName} {.status.phase}']);
      if (/ Running$/.test(out)) return out.split(' ')[0];
      throw new Error(out);
    }, 'uses-local running', 30_000);
    expect(node).toBe(target);
    expect(await run(c, ['get', 'pvc', 'local-claim', '-o', 'jsonpath={.status.phase} {.spec.volumeName}'])).toBe('Bound local-pv');
  });

  it('provisions a standard claim on the node the scheduler chose', async () => {
    const c = cluster();
    await apply(c, claim('dyn', 'standard') + '---' + pod('uses-dyn', 'dyn'));
    const out = await waitUntil(async () => {
      const o = await run(c, ['get', 'pod', 'uses-dyn', '-o', 'jsonpath={.spec.nodeName} {.status.phase}']);
      if (/ Running$/.test(o)) return o;
      throw new Error(o);
    }, 'uses-dyn running', 30_000);
    const node = out.split(' ')[0];
    expect(await run(c, ['get', 'pvc', 'dyn', '-o', 'jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/selected-node}'])).toBe(node);
    const pv = await run(c, ['get', 'pvc', 'dyn', '-o', 'jsonpath={.spec.volumeName}']);
    expect(await run(c, ['get', 'pv', pv, '-o', 'jsonpath={.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}'])).toBe(node);
  });

  it('says why pods with claims that cannot bind stay Pending', async () => {
    const c = cluster();
    await apply(c, `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: external}\nprovisioner: example.com/absent\nvolumeBindingMode: Immediate\n`);
    await apply(c, claim('never', 'external') + '---' + pod('waits-immediate', 'never'));
    expect(await schedulingMessage(c, 'waits-immediate')).toMatch(/^0\/2 nodes are available: pod has unbound immediate PersistentVolumeClaims\. /);

    await apply(c, claim('nolocal', 'local-storage') + '---' + pod('waits-local', 'nolocal'));
    expect(await schedulingMessage(c, 'waits-local')).toMatch(/^0\/2 nodes are available: 2 node\(s\) didn't find available persistent volumes to bind\. /);

    // A claim bound (statically) to a volume pinned to a node that does not exist.
    await apply(c, localVolume('far-pv', '', 'gone-node') + '---' + claim('far', ''));
    await waitUntil(async () => {
      const o = await run(c, ['get', 'pvc', 'far', '-o', 'jsonpath={.status.phase}']);
      if (o === 'Bound') return o;
      throw new Error(o);
    }, 'far bound', 30_000);
    await apply(c, pod('waits-far', 'far'));
    expect(await schedulingMessage(c, 'waits-far')).toMatch(/^0\/2 nodes are available: 2 node\(s\) had volume node affinity conflict\. /);
    expect(await run(c, ['get', 'pod', 'waits-far', '-o', 'jsonpath={.status.phase}'])).toBe('Pending');

    const missing = await c.kubectl(['apply', '-f', '-'], { stdin: pod('no-claim', 'does-not-exist') });
    expect(missing.code).toBe(0);
    expect(await schedulingMessage(c, 'no-claim')).toMatch(/^0\/2 nodes are available: persistentvolumeclaim "does-not-exist" not found\. /);
  });

  it('lets one pod use a ReadWriteOncePod claim', async () => {
    const c = cluster();
    await apply(c, claim('solo', 'standard').replace('[ReadWriteOnce]', '[ReadWriteOncePod]') + '---' + pod('solo-1', 'solo'));
    await waitUntil(async () => {
      const o = await run(c, ['get', 'pod', 'solo-1', '-o', 'jsonpath={.status.phase}']);
      if (o === 'Running') return o;
      throw new Error(o);
    }, 'solo-1 running', 30_000);
    await apply(c, pod('solo-2', 'solo'));
    expect(await schedulingMessage(c, 'solo-2')).toMatch(/^0\/2 nodes are available: node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode\. /);
  });

  it('expands a claim only when its class allows it; never shrinks', async () => {
    const c = cluster();
    const refused = await c.kubectl(['patch', 'pvc', 'dyn', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('persistentvolumeclaims "dyn" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
    await apply(c, `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: growable}\nprovisioner: rancher.io/local-path\nallowVolumeExpansion: true\n`);
    await apply(c, claim('grow', 'growable'));
    await waitUntil(async () => {
      const o = await run(c, ['get', 'pvc', 'grow', '-o', 'jsonpath={.status.phase}']);
      if (o === 'Bound') return o;
      throw new Error(o);
    }, 'grow bound', 30_000);
    await run(c, ['patch', 'pvc', 'grow', '-p', '{"spec":{"resources":{"requests":{"storage":"4Gi"}}}}']);
    await waitUntil(async () => {
      const o = await run(c, ['get', 'pvc', 'grow', '-o', 'jsonpath={.status.capacity.storage}']);
      if (o === '4Gi') return o;
      throw new Error(o);
    }, 'grow expanded', 30_000);
    const shrink = await c.kubectl(['patch', 'pvc', 'grow', '-p', '{"spec":{"resources":{"requests":{"storage":"1Gi"}}}}']);
    expect(shrink.code).toBe(1);
    expect(shrink.stderr).toContain('spec.resources.requests.storage: Forbidden: field can not be less than status.capacity');
  });

  it('keeps a claim in use Terminating until its pod is gone, then reclaims its volume', async () => {
    const c = cluster();
    const pv = await run(c, ['get', 'pvc', 'dyn', '-o', 'jsonpath={.spec.volumeName}']);
    expect(await run(c, ['get', 'pvc', 'dyn', '-o', 'jsonpath={.metadata.finalizers}'])).toBe('["kubernetes.io/pvc-protection"]');
    expect(await run(c, ['delete', 'pvc', 'dyn', '--wait=false'])).toBe('persistentvolumeclaim "dyn" deleted\n');
    expect(await run(c, ['get', 'pvc', 'dyn', '--no-headers'])).toMatch(/^dyn\s+Bound\s/);
    expect(await run(c, ['get', 'pvc', 'dyn', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).not.toBe('');
    await run(c, ['delete', 'pod', 'uses-dyn', '--wait=false']);
    await waitUntil(async () => {
      const o = await c.kubectl(['get', 'pv', pv]);
      if (o.code === 1 && o.stderr.includes('NotFound')) return o;
      throw new Error(o.stdout + o.stderr);
    }, 'claim and volume gone', 30_000);
    expect((await c.kubectl(['get', 'pvc', 'dyn'])).code).toBe(1);
  });

  it('serves CSIDriver, CSINode and VolumeAttachment', async () => {
    const c = cluster();
    await apply(c, `apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {name: hostpath.csi.k8s.io}\nspec: {podInfoOnMount: true, volumeLifecycleModes: [Persistent, Ephemeral]}\n`);
    const drivers = await run(c, ['get', 'csidrivers']);
    expect(drivers).toMatch(/^NAME\s+ATTACHREQUIRED\s+PODINFOONMOUNT\s+STORAGECAPACITY\s+TOKENREQUESTS\s+REQUIRESREPUBLISH\s+MODES\s+AGE\nhostpath\.csi\.k8s\.io\s+true\s+true\s+false\s+<unset>\s+false\s+Persistent,Ephemeral\s+\d+s\n$/);
    await apply(c, `apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {name: n1}\nspec: {drivers: [{name: hostpath.csi.k8s.io, nodeID: n1, topologyKeys: null}]}\n`);
    expect(await run(c, ['get', 'csinode', 'n1', '--no-headers'])).toMatch(/^n1\s+1\s+\d+s\n$/);
    await apply(c, `apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata: {name: va1}\nspec: {attacher: hostpath.csi.k8s.io, nodeName: n1, source: {persistentVolumeName: local-pv}}\n`);
    expect(await run(c, ['get', 'volumeattachment', 'va1', '--no-headers'])).toMatch(/^va1\s+hostpath\.csi\.k8s\.io\s+local-pv\s+n1\s+false\s+\d+s\n$/);
    const bad = await c.kubectl(['apply', '-f', '-'], { stdin: `apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata: {name: va2}\nspec: {attacher: x, source: {}}\n` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('spec.nodeName: Required value');
    expect(bad.stderr).toContain('spec.source: Forbidden: must specify exactly one of persistentVolumeName and inlineVolumeSpec');
  });
});
