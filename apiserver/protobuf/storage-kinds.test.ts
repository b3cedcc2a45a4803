import { describe, expect, it } from 'vitest';
import { decodeProtobufObject } from './decode.js';
import { bf, entry, envelope, mf, vf } from './test-wire.js';

/**
 * The kinds added for workloads and storage (StatefulSet, DaemonSet, ControllerRevision,
 * PersistentVolume(Claim), ReplicationController, StorageClass, CSI kinds): wire bodies
 * written field by field as gogo-protobuf would, decoded to the JSON a Go client sends.
 */
const meta = (name: string, namespace?: string) => mf(1, bf(1, name), ...(namespace ? [bf(3, namespace)] : []));

function qty(no: number, key: string, value: string) {
  // map<string, Quantity>: entry { 1: key, 2: Quantity { 1: string } }
  return mf(no, bf(1, key), mf(2, bf(1, value)));
}

describe('protobuf decoding of the workload and storage kinds', () => {
  it('StatefulSet with a volumeClaimTemplate', () => {
    const body = envelope(
      'apps/v1',
      'StatefulSet',
      meta('web', 'default'),
      mf(
        2,
        vf(1, 2),
        mf(2, entry(1, 'app', 'nginx')),
        mf(3, mf(1, entry(11, 'app', 'nginx')), mf(2, mf(2, bf(1, 'nginx'), bf(2, 'nginx')))),
        mf(4, mf(1, bf(1, 'www')), mf(2, bf(1, 'ReadWriteOnce'), mf(2, qty(2, 'storage', '1Gi')))),
        bf(5, 'nginx'),
        mf(7, bf(1, 'RollingUpdate'), mf(2, vf(1, 1))),
      ),
    );
    const { object } = decodeProtobufObject(body);
    expect(object['spec']).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      serviceName: 'nginx',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: {} }],
    });
    expect(object['status']).toEqual({ replicas: 0, availableReplicas: 0 });
  });

  it('DaemonSet with a surge rolling update', () => {
    const body = envelope('apps/v1', 'DaemonSet', meta('agent', 'kube-system'), mf(2, mf(1, entry(1, 'k', 'v')), mf(2), mf(3, bf(1, 'RollingUpdate'), mf(2, mf(2, vf(1, 1), bf(3, '10%'))))));
    const { object } = decodeProtobufObject(body);
    expect(object['spec']).toMatchObject({ selector: { matchLabels: { k: 'v' } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '10%' } } });
    expect(object['status']).toEqual({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  });

  it('ControllerRevision: data is the raw JSON', () => {
    const body = envelope('apps/v1', 'ControllerRevision', meta('web-5d8f', 'default'), mf(2, bf(1, '{"spec":{"template":{"x":1}}}')), vf(3, 2));
    expect(decodeProtobufObject(body).object).toMatchObject({ data: { spec: { template: { x: 1 } } }, revision: 2 });
  });

  it('PersistentVolume with an inlined hostPath source and node affinity', () => {
    const body = envelope(
      'v1',
      'PersistentVolume',
      meta('pv1'),
      mf(2, qty(1, 'storage', '10Gi'), mf(2, mf(3, bf(1, '/mnt/data'))), bf(3, 'ReadWriteOnce'), bf(5, 'Retain'), bf(6, 'manual'), mf(9, mf(1, mf(1, mf(1, bf(1, 'kubernetes.io/hostname'), bf(2, 'In'), bf(3, 'n1')))))),
    );
    const { object } = decodeProtobufObject(body);
    expect(object['spec']).toEqual({
      capacity: { storage: '10Gi' },
      hostPath: { path: '/mnt/data' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'manual',
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
    });
  });

  it('PersistentVolumeClaim, ReplicationController and StorageClass', () => {
    const pvc = decodeProtobufObject(envelope('v1', 'PersistentVolumeClaim', meta('data', 'default'), mf(2, bf(1, 'ReadWriteOncePod'), mf(2, qty(2, 'storage', '5Gi')), bf(5, 'standard')))).object;
    expect(pvc['spec']).toEqual({ accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'standard' });
    const rc = decodeProtobufObject(envelope('v1', 'ReplicationController', meta('rc', 'default'), mf(2, vf(1, 3), entry(2, 'app', 'x')))).object;
    expect(rc).toMatchObject({ spec: { replicas: 3, selector: { app: 'x' } }, status: { replicas: 0 } });
    const sc = decodeProtobufObject(envelope('storage.k8s.io/v1', 'StorageClass', meta('fast'), bf(2, 'rancher.io/local-path'), vf(6, true), bf(7, 'WaitForFirstConsumer'), mf(8, mf(1, bf(1, 'zone'), bf(2, 'a'))))).object;
    expect(sc).toMatchObject({ provisioner: 'rancher.io/local-path', allowVolumeExpansion: true, volumeBindingMode: 'WaitForFirstConsumer', allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['a'] }] }] });
  });

  it('CSIDriver, CSINode and VolumeAttachment', () => {
    const drv = decodeProtobufObject(envelope('storage.k8s.io/v1', 'CSIDriver', meta('hostpath.csi.k8s.io'), mf(2, vf(1, false), bf(3, 'Persistent')))).object;
    expect(drv['spec']).toEqual({ attachRequired: false, volumeLifecycleModes: ['Persistent'] });
    const node = decodeProtobufObject(envelope('storage.k8s.io/v1', 'CSINode', meta('n1'), mf(2, mf(1, bf(1, 'hostpath.csi.k8s.io'), bf(2, 'n1'))))).object;
    expect(node['spec']).toEqual({ drivers: [{ name: 'hostpath.csi.k8s.io', nodeID: 'n1', topologyKeys: null }] });
    const va = decodeProtobufObject(envelope('storage.k8s.io/v1', 'VolumeAttachment', meta('csi-1'), mf(2, bf(1, 'hostpath.csi.k8s.io'), mf(2, bf(1, 'pv1')), bf(3, 'n1')))).object;
    expect(va).toMatchObject({ spec: { attacher: 'hostpath.csi.k8s.io', source: { persistentVolumeName: 'pv1' }, nodeName: 'n1' }, status: { attached: false } });
  });
});
