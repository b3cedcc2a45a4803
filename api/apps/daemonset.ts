import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { formatLabelSelector } from '../selector.js';
import { notSupported } from '../validation.js';
import { intOrPercentValue, validateNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { invalidRendered, goIntOrString } from './go-format.js';
import { containerCells, defaultTemplate, validateNonNegative, validateSelectorImmutable, validateWorkloadSpec } from './workload.js';
import { daemonSetSchema, type DaemonSet } from './daemonset-statefulset-schemas.js';

/** apps/v1 SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1, maxSurge 0; history 10. */
export function defaultDaemonSet(obj: KubeObject): void {
  const ds = obj as DaemonSet;
  const spec = (ds.spec ??= {});
  const strategy = (spec.updateStrategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec);
}

export function validateDaemonSet(obj: KubeObject, old?: KubeObject): FieldError[] {
  const ds = obj as DaemonSet;
  const spec = ds.spec ?? {};
  const errs = validateWorkloadSpec(spec, 'ReplicaSet');
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const s = spec.updateStrategy ?? {};
  if (s.type !== 'RollingUpdate' && s.type !== 'OnDelete') {
    errs.push(notSupported('spec.updateStrategy.type', s.type ?? '', ['OnDelete', 'RollingUpdate']));
  }
  if (s.type === 'RollingUpdate' && s.rollingUpdate) {
    const p = 'spec.updateStrategy.rollingUpdate';
    const ru = s.rollingUpdate;
    errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
    errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
    errs.push(...validateNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
    if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
      errs.push(invalidRendered(`${p}.maxUnavailable`, goIntOrString(ru.maxUnavailable ?? 0), 'may not be 0 when `maxSurge` is 0'));
    }
  }
  if (old) errs.push(...validateSelectorImmutable(spec.selector, (old as DaemonSet).spec?.selector));
  return errs;
}

/** labels.FormatLabels of the template's nodeSelector: `k=v,k2=v2` or `<none>`. */
function nodeSelectorCell(ds: DaemonSet): string {
  const sel = (ds.spec?.template?.spec as { nodeSelector?: Record<string, string> } | undefined)?.nodeSelector ?? {};
  const keys = Object.keys(sel).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${sel[k]}`).join(',');
}

/** printDaemonSet: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE [CONTAINERS IMAGES SELECTOR]. */
export function daemonSetRow(obj: KubeObject, now: number): unknown[] {
  const ds = obj as DaemonSet;
  const st = ds.status ?? {};
  const [names, images] = containerCells(ds.spec?.template);
  return [
    ds.metadata.name ?? '',
    st.desiredNumberScheduled ?? 0,
    st.currentNumberScheduled ?? 0,
    st.numberReady ?? 0,
    st.updatedNumberScheduled ?? 0,
    st.numberAvailable ?? 0,
    nodeSelectorCell(ds),
    age(obj, now),
    names,
    images,
    formatLabelSelector(ds.spec?.selector),
  ];
}

export const daemonSetResource: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  listKind: 'DaemonSetList',
  plural: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: daemonSetSchema,
  subresources: { status: true },
  hasGeneration: true,
  defaults: defaultDaemonSet,
  validate: validateDaemonSet,
  tableColumns: [
    nameColumn,
    column('Desired', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/', { type: 'integer' }),
    column('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/', { type: 'integer' }),
    column('Ready', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.', { type: 'integer' }),
    column('Up-to-date', 'The total number of nodes that are running updated daemon pod', { type: 'integer' }),
    column('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)', { type: 'integer' }),
    column('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node\'s labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/'),
    ageColumn,
    column('Containers', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'Images referenced by each container in the template.', { priority: 1 }),
    column('Selector', 'A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template\'s labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', { priority: 1 }),
  ],
  tableRow: daemonSetRow,
  prepareForCreate(obj) {
    // The four counters are not omitempty: a new DaemonSet shows them as 0.
    obj['status'] = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
  },
};
