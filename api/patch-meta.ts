/**
 * The strategic-merge-patch metadata of our kinds: Kubernetes' `patchStrategy` and
 * `patchMergeKey` struct tags (k8s.io/api types.go), by field path. The strategic merge
 * patch and the server-side apply functions read it to decide, per list, whether to merge
 * items by key or replace the list, and per map whether to merge or replace.
 *
 * Paths are dotted JSON field names without list indices: a list item's fields continue
 * the list's path (`spec.template.spec.containers.env` is the env of every container).
 * A field with no entry has Kubernetes' default: lists replace, maps merge. That is also
 * what every field of a kind not listed here gets (merge-patch semantics, as Kubernetes
 * gives custom resources).
 *
 * Tags checked against k8s.io/api v1.32 (the strings compiled into kubectl 1.32). Notable
 * fields WITHOUT a tag, so replaced as a whole: pod tolerations, node taints, Endpoints
 * subsets, EndpointSlice endpoints/ports, HPA metrics, RBAC rules/subjects,
 * ServiceAccount imagePullSecrets, Namespace spec.finalizers, containers' envFrom.
 */

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface FieldPatchMeta {
  strategy: PatchStrategy;
  /** The key that identifies items of a merged list of objects. Absent for a merged list of primitives (a set). */
  mergeKey?: string;
  /**
   * Server-side apply only: the list-map keys, when they are more than the merge key
   * (`+listMapKey` markers: container ports are keyed by containerPort and protocol).
   */
  applyKeys?: string[];
  /** Server-side apply only: schema defaults for key fields an item may omit (protocol: TCP). */
  applyKeyDefaults?: Record<string, string | number>;
}

/** Field path → metadata. Plain data, so tests can build their own. */
export type PatchMeta = Readonly<Record<string, FieldPatchMeta>>;

/** The metadata of the field at `path`, or undefined (lists replace, maps merge). */
export function fieldMeta(meta: PatchMeta, path: string): FieldPatchMeta | undefined {
  return Object.hasOwn(meta, path) ? meta[path] : undefined;
}

/** Whether the field's lists merge (strategy merge or merge,retainKeys). */
export function isMergeStrategy(m: FieldPatchMeta | undefined): boolean {
  return m?.strategy === 'merge' || m?.strategy === 'merge,retainKeys';
}

const merge = (mergeKey?: string, apply?: Pick<FieldPatchMeta, 'applyKeys' | 'applyKeyDefaults'>): FieldPatchMeta => ({
  strategy: 'merge',
  ...(mergeKey ? { mergeKey } : {}),
  ...apply,
});
const replace: FieldPatchMeta = { strategy: 'replace' };

type Table = Record<string, FieldPatchMeta>;

function under(prefix: string, table: Table): Table {
  const out: Table = {};
  for (const [k, v] of Object.entries(table)) out[prefix ? `${prefix}.${k}` : k] = v;
  return out;
}

const protocolTCP = { protocol: 'TCP' };

/** metav1.ObjectMeta. */
const objectMeta: Table = {
  finalizers: merge(),
  ownerReferences: merge('uid'),
};

/** core/v1 Container and EphemeralContainerCommon (same tags). */
const container: Table = {
  ports: merge('containerPort', { applyKeys: ['containerPort', 'protocol'], applyKeyDefaults: protocolTCP }),
  env: merge('name'),
  volumeMounts: merge('mountPath'),
  volumeDevices: merge('devicePath'),
  envFrom: replace,
  resizePolicy: replace,
};

/** core/v1 PodSpec. */
const podSpec: Table = {
  volumes: { strategy: 'merge,retainKeys', mergeKey: 'name' },
  ...under('initContainers', container),
  initContainers: merge('name'),
  ...under('containers', container),
  containers: merge('name'),
  ...under('ephemeralContainers', container),
  ephemeralContainers: merge('name'),
  imagePullSecrets: merge('name'),
  hostAliases: merge('ip'),
  topologySpreadConstraints: merge('topologyKey', { applyKeys: ['topologyKey', 'whenUnsatisfiable'] }),
  schedulingGates: merge('name'),
  resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name' },
  tolerations: replace,
  readinessGates: replace,
};

/** core/v1 PodTemplateSpec. */
const podTemplateSpec: Table = {
  ...under('metadata', objectMeta),
  ...under('spec', podSpec),
};

const conditionsByType: Table = { conditions: merge('type') };

/** Every kind's table starts with its metadata. */
function kindTable(...parts: Table[]): PatchMeta {
  return Object.freeze(Object.assign({}, under('metadata', objectMeta), ...parts));
}

const tables: Record<string, PatchMeta> = {
  // core/v1
  '/Pod': kindTable(
    under('spec', podSpec),
    under('status', {
      ...conditionsByType,
      podIPs: merge('ip'),
      hostIPs: merge('ip'),
      resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name' },
    }),
  ),
  '/Node': kindTable(
    under('spec', { podCIDRs: merge(), taints: replace }),
    under('status', { ...conditionsByType, addresses: merge('type') }),
  ),
  '/Service': kindTable(
    under('spec', {
      ports: merge('port', { applyKeys: ['port', 'protocol'], applyKeyDefaults: protocolTCP }),
    }),
    under('status', conditionsByType),
  ),
  '/Endpoints': kindTable({ subsets: replace }),
  '/Event': kindTable(),
  '/ConfigMap': kindTable(),
  '/Secret': kindTable(),
  '/ServiceAccount': kindTable({ secrets: merge('name'), imagePullSecrets: replace }),
  '/Namespace': kindTable(under('spec', { finalizers: replace }), under('status', conditionsByType)),
  // apps/v1
  'apps/Deployment': kindTable(
    under('spec', { strategy: { strategy: 'retainKeys' }, ...under('template', podTemplateSpec) }),
    under('status', conditionsByType),
  ),
  'apps/ReplicaSet': kindTable(under('spec.template', podTemplateSpec), under('status', conditionsByType)),
  'apps/DaemonSet': kindTable(under('spec.template', podTemplateSpec), under('status', conditionsByType)),
  'apps/StatefulSet': kindTable(under('spec.template', podTemplateSpec), under('status', conditionsByType)),
  'apps/ControllerRevision': kindTable(),
  // batch/v1
  'batch/Job': kindTable(under('spec.template', podTemplateSpec), under('status', conditionsByType)),
  'batch/CronJob': kindTable(under('spec.jobTemplate.spec.template', podTemplateSpec)),
  // autoscaling/v2 (v1 objects have none of these list fields, so the table fits both)
  'autoscaling/HorizontalPodAutoscaler': kindTable(under('spec', { metrics: replace }), under('status', conditionsByType)),
  // coordination.k8s.io/v1
  'coordination.k8s.io/Lease': kindTable(),
  // discovery.k8s.io/v1
  'discovery.k8s.io/EndpointSlice': kindTable({ endpoints: replace, ports: replace }),
  // policy/v1: a PDB's selector is replaced whole, not merged.
  'policy/PodDisruptionBudget': kindTable(under('spec', { selector: replace }), under('status', conditionsByType)),
  // rbac.authorization.k8s.io/v1
  'rbac.authorization.k8s.io/Role': kindTable({ rules: replace }),
  'rbac.authorization.k8s.io/ClusterRole': kindTable({ rules: replace }),
  'rbac.authorization.k8s.io/RoleBinding': kindTable({ subjects: replace }),
  'rbac.authorization.k8s.io/ClusterRoleBinding': kindTable({ subjects: replace }),
};

const empty: PatchMeta = Object.freeze({});

/** The patch metadata of a kind; {} (everything default) for kinds not in the table. */
export function patchMetaFor(group: string, kind: string): PatchMeta {
  return tables[`${group}/${kind}`] ?? empty;
}
