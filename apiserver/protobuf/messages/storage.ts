import type { MessageTable } from '../descriptor.js';

/** storage.k8s.io/v1 (storage/v1/generated.proto, types.go). */
export const storageMessages: MessageTable = {
  StorageClass: [
    '1 metadata ObjectMeta',
    '2 provisioner string!',
    '3 parameters {}string',
    '4 reclaimPolicy *string',
    '5 mountOptions []string',
    '6 allowVolumeExpansion *bool',
    '7 volumeBindingMode *string',
    '8 allowedTopologies []TopologySelectorTerm',
  ],
  TopologySelectorTerm: ['1 matchLabelExpressions []TopologySelectorLabelRequirement'],
  TopologySelectorLabelRequirement: ['1 key string!', '2 values []string!'],

  CSIDriver: ['1 metadata ObjectMeta', '2 spec CSIDriverSpec!'],
  CSIDriverSpec: [
    '1 attachRequired *bool',
    '2 podInfoOnMount *bool',
    '3 volumeLifecycleModes []string',
    '4 storageCapacity *bool',
    '5 fsGroupPolicy *string',
    '6 tokenRequests []CSITokenRequest',
    '7 requiresRepublish *bool',
    '8 seLinuxMount *bool',
    '9 nodeAllocatableUpdatePeriodSeconds *int64',
  ],
  CSITokenRequest: ['1 audience string!', '2 expirationSeconds *int64'],

  CSINode: ['1 metadata ObjectMeta', '2 spec CSINodeSpec!'],
  CSINodeSpec: ['1 drivers []CSINodeDriver!'],
  CSINodeDriver: ['1 name string!', '2 nodeID string!', '3 topologyKeys []string!', '4 allocatable *VolumeNodeResources'],
  VolumeNodeResources: ['1 count *int32'],

  VolumeAttachment: ['1 metadata ObjectMeta', '2 spec VolumeAttachmentSpec!', '3 status VolumeAttachmentStatus'],
  VolumeAttachmentSpec: ['1 attacher string!', '2 source VolumeAttachmentSource!', '3 nodeName string!'],
  VolumeAttachmentSource: ['1 persistentVolumeName *string', '2 inlineVolumeSpec *PersistentVolumeSpec'],
  VolumeAttachmentStatus: ['1 attached bool!', '2 attachmentMetadata {}string', '3 attachError *VolumeError', '4 detachError *VolumeError'],
  VolumeError: ['1 time Time', '2 message string', '3 errorCode *int32'],
};
