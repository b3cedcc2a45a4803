import { z } from 'zod';
import {
  labelSelectorSchema,
  localObjectReferenceSchema,
  objectMetaSchema,
  quantitySchema,
  resourceListSchema,
  stringMapSchema,
} from '../meta.js';
import {
  containerSchema,
  objectFieldSelectorSchema,
  resourceFieldSelectorSchema,
  resourceRequirementsSchema,
  seLinuxOptionsSchema,
  seccompProfileSchema,
  windowsSecurityContextOptionsSchema,
} from './container.js';

/**
 * core/v1 PodSpec and PodTemplateSpec. apps/v1 (Deployment, ReplicaSet, …) imports
 * podTemplateSpecSchema; volume sources nobody simulates are kept as opaque records.
 */

const keyToPath = z.object({ key: z.string(), path: z.string(), mode: z.number().int().optional() });

const downwardAPIVolumeFile = z.object({
  path: z.string(),
  fieldRef: objectFieldSelectorSchema.optional(),
  resourceFieldRef: resourceFieldSelectorSchema.optional(),
  mode: z.number().int().optional(),
});

const configMapProjection = z.object({
  name: z.string().optional(),
  items: z.array(keyToPath).optional(),
  optional: z.boolean().optional(),
});

/** A volume source we do not model: any object, kept as written. */
const opaqueSource = z.record(z.string(), z.unknown());

export const volumeSchema = z.object({
  name: z.string(),
  emptyDir: z.object({ medium: z.string().optional(), sizeLimit: quantitySchema.optional() }).optional(),
  hostPath: z.object({ path: z.string(), type: z.string().optional() }).optional(),
  configMap: z
    .object({
      name: z.string().optional(),
      items: z.array(keyToPath).optional(),
      defaultMode: z.number().int().optional(),
      optional: z.boolean().optional(),
    })
    .optional(),
  secret: z
    .object({
      secretName: z.string().optional(),
      items: z.array(keyToPath).optional(),
      defaultMode: z.number().int().optional(),
      optional: z.boolean().optional(),
    })
    .optional(),
  persistentVolumeClaim: z.object({ claimName: z.string(), readOnly: z.boolean().optional() }).optional(),
  downwardAPI: z.object({ items: z.array(downwardAPIVolumeFile).optional(), defaultMode: z.number().int().optional() }).optional(),
  projected: z
    .object({
      sources: z
        .array(
          z.object({
            secret: configMapProjection.optional(),
            configMap: configMapProjection.optional(),
            downwardAPI: z.object({ items: z.array(downwardAPIVolumeFile).optional() }).optional(),
            serviceAccountToken: z
              .object({
                audience: z.string().optional(),
                expirationSeconds: z.number().int().optional(),
                path: z.string(),
              })
              .optional(),
            clusterTrustBundle: opaqueSource.optional(),
          }),
        )
        .optional(),
      defaultMode: z.number().int().optional(),
    })
    .optional(),
  nfs: z.object({ server: z.string(), path: z.string(), readOnly: z.boolean().optional() }).optional(),
  csi: z
    .object({
      driver: z.string(),
      readOnly: z.boolean().optional(),
      fsType: z.string().optional(),
      volumeAttributes: stringMapSchema.optional(),
      nodePublishSecretRef: localObjectReferenceSchema.optional(),
    })
    .optional(),
  ephemeral: opaqueSource.optional(),
  image: z.object({ reference: z.string().optional(), pullPolicy: z.string().optional() }).optional(),
  iscsi: opaqueSource.optional(),
  gcePersistentDisk: opaqueSource.optional(),
  awsElasticBlockStore: opaqueSource.optional(),
  azureDisk: opaqueSource.optional(),
  azureFile: opaqueSource.optional(),
  cephfs: opaqueSource.optional(),
  cinder: opaqueSource.optional(),
  fc: opaqueSource.optional(),
  flexVolume: opaqueSource.optional(),
  flocker: opaqueSource.optional(),
  gitRepo: opaqueSource.optional(),
  glusterfs: opaqueSource.optional(),
  photonPersistentDisk: opaqueSource.optional(),
  portworxVolume: opaqueSource.optional(),
  quobyte: opaqueSource.optional(),
  rbd: opaqueSource.optional(),
  scaleIO: opaqueSource.optional(),
  storageos: opaqueSource.optional(),
  vsphereVolume: opaqueSource.optional(),
});
export type Volume = z.infer<typeof volumeSchema>;

/** The volume source keys of a Volume (everything but name). */
export const volumeSourceKeys = Object.keys(volumeSchema.shape).filter((k) => k !== 'name');

export const nodeSelectorRequirementSchema = z.object({
  key: z.string(),
  operator: z.string(),
  values: z.array(z.string()).optional(),
});

export const nodeSelectorTermSchema = z.object({
  matchExpressions: z.array(nodeSelectorRequirementSchema).optional(),
  matchFields: z.array(nodeSelectorRequirementSchema).optional(),
});
export type NodeSelectorTerm = z.infer<typeof nodeSelectorTermSchema>;

export const podAffinityTermSchema = z.object({
  labelSelector: labelSelectorSchema.optional(),
  namespaces: z.array(z.string()).optional(),
  topologyKey: z.string(),
  namespaceSelector: labelSelectorSchema.optional(),
  matchLabelKeys: z.array(z.string()).optional(),
  mismatchLabelKeys: z.array(z.string()).optional(),
});
export type PodAffinityTerm = z.infer<typeof podAffinityTermSchema>;

const weightedPodAffinityTerm = z.object({ weight: z.number().int(), podAffinityTerm: podAffinityTermSchema });

const podAffinity = z.object({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTermSchema).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(weightedPodAffinityTerm).optional(),
});

export const affinitySchema = z.object({
  nodeAffinity: z
    .object({
      requiredDuringSchedulingIgnoredDuringExecution: z.object({ nodeSelectorTerms: z.array(nodeSelectorTermSchema) }).optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z
        .array(z.object({ weight: z.number().int(), preference: nodeSelectorTermSchema }))
        .optional(),
    })
    .optional(),
  podAffinity: podAffinity.optional(),
  podAntiAffinity: podAffinity.optional(),
});
export type Affinity = z.infer<typeof affinitySchema>;

export const tolerationSchema = z.object({
  key: z.string().optional(),
  operator: z.string().optional(),
  value: z.string().optional(),
  effect: z.string().optional(),
  tolerationSeconds: z.number().int().optional(),
});
export type Toleration = z.infer<typeof tolerationSchema>;

export const podSecurityContextSchema = z.object({
  seLinuxOptions: seLinuxOptionsSchema.optional(),
  windowsOptions: windowsSecurityContextOptionsSchema.optional(),
  runAsUser: z.number().int().optional(),
  runAsGroup: z.number().int().optional(),
  runAsNonRoot: z.boolean().optional(),
  supplementalGroups: z.array(z.number().int()).optional(),
  supplementalGroupsPolicy: z.string().optional(),
  fsGroup: z.number().int().optional(),
  sysctls: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  fsGroupChangePolicy: z.string().optional(),
  seccompProfile: seccompProfileSchema.optional(),
  appArmorProfile: seccompProfileSchema.optional(),
  seLinuxChangePolicy: z.string().optional(),
});

export const topologySpreadConstraintSchema = z.object({
  maxSkew: z.number().int(),
  topologyKey: z.string(),
  whenUnsatisfiable: z.string(),
  labelSelector: labelSelectorSchema.optional(),
  minDomains: z.number().int().optional(),
  nodeAffinityPolicy: z.string().optional(),
  nodeTaintsPolicy: z.string().optional(),
  matchLabelKeys: z.array(z.string()).optional(),
});
export type TopologySpreadConstraint = z.infer<typeof topologySpreadConstraintSchema>;

export const podSpecSchema = z.object({
  volumes: z.array(volumeSchema).optional(),
  initContainers: z.array(containerSchema).optional(),
  containers: z.array(containerSchema),
  ephemeralContainers: z.array(containerSchema).optional(),
  restartPolicy: z.string().optional(),
  terminationGracePeriodSeconds: z.number().int().optional(),
  activeDeadlineSeconds: z.number().int().optional(),
  dnsPolicy: z.string().optional(),
  nodeSelector: stringMapSchema.optional(),
  serviceAccountName: z.string().optional(),
  /** Deprecated alias of serviceAccountName, still written back by Kubernetes. */
  serviceAccount: z.string().optional(),
  automountServiceAccountToken: z.boolean().optional(),
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  shareProcessNamespace: z.boolean().optional(),
  securityContext: podSecurityContextSchema.optional(),
  imagePullSecrets: z.array(localObjectReferenceSchema).optional(),
  hostname: z.string().optional(),
  subdomain: z.string().optional(),
  affinity: affinitySchema.optional(),
  schedulerName: z.string().optional(),
  tolerations: z.array(tolerationSchema).optional(),
  hostAliases: z.array(z.object({ ip: z.string(), hostnames: z.array(z.string()).optional() })).optional(),
  priorityClassName: z.string().optional(),
  priority: z.number().int().optional(),
  dnsConfig: z
    .object({
      nameservers: z.array(z.string()).optional(),
      searches: z.array(z.string()).optional(),
      options: z.array(z.object({ name: z.string().optional(), value: z.string().optional() })).optional(),
    })
    .optional(),
  readinessGates: z.array(z.object({ conditionType: z.string() })).optional(),
  runtimeClassName: z.string().optional(),
  enableServiceLinks: z.boolean().optional(),
  preemptionPolicy: z.string().optional(),
  overhead: resourceListSchema.optional(),
  topologySpreadConstraints: z.array(topologySpreadConstraintSchema).optional(),
  setHostnameAsFQDN: z.boolean().optional(),
  os: z.object({ name: z.string() }).optional(),
  hostUsers: z.boolean().optional(),
  schedulingGates: z.array(z.object({ name: z.string() })).optional(),
  resourceClaims: z.array(opaqueSource).optional(),
  /** Pod-level resources (alpha in 1.32). */
  resources: resourceRequirementsSchema.optional(),
});
export type PodSpec = z.infer<typeof podSpecSchema>;

export const podTemplateSpecSchema = z.object({
  metadata: objectMetaSchema.optional(),
  spec: podSpecSchema.optional(),
});
export type PodTemplateSpec = z.infer<typeof podTemplateSpecSchema>;
