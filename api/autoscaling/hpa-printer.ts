import type { KubeObject, TableColumnDefinition } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { canonicalQuantity } from '../quantity.js';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from './hpa-schemas.js';

/** printHorizontalPodAutoscaler: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE. */

/** Quantity.String(): the canonical form ("1000m" → "1"); an unset quantity prints "0". */
export function quantityString(q: string | number | undefined): string {
  if (q === undefined) return '0';
  try {
    return canonicalQuantity(q);
  } catch {
    return String(q);
  }
}

function metricCell(spec: MetricSpec, status: MetricStatus | undefined): string {
  const unknown = '<unknown>';
  switch (spec.type) {
    case 'External': {
      const t = spec.external?.target ?? {};
      const cur = status?.external;
      if (t.averageValue !== undefined) {
        const c = cur?.current?.averageValue !== undefined ? quantityString(cur.current.averageValue) : unknown;
        return `${c}/${quantityString(t.averageValue)} (avg)`;
      }
      return `${cur ? quantityString(cur.current?.value) : unknown}/${quantityString(t.value)}`;
    }
    case 'Pods': {
      const cur = status?.pods;
      return `${cur ? quantityString(cur.current?.averageValue) : unknown}/${quantityString(spec.pods?.target?.averageValue)}`;
    }
    case 'Object': {
      const t = spec.object?.target ?? {};
      const cur = status?.object;
      if (t.averageValue !== undefined) {
        const c = cur?.current?.averageValue !== undefined ? quantityString(cur.current.averageValue) : unknown;
        return `${c}/${quantityString(t.averageValue)} (avg)`;
      }
      return `${cur ? quantityString(cur.current?.value) : unknown}/${quantityString(t.value)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const cur = spec.type === 'Resource' ? status?.resource : status?.containerResource;
      const t = src?.target ?? {};
      const name = src?.name ?? '';
      if (t.averageValue !== undefined) {
        return `${name}: ${cur ? quantityString(cur.current?.averageValue) : unknown}/${quantityString(t.averageValue)}`;
      }
      const c = cur?.current?.averageUtilization !== undefined ? `${cur.current.averageUtilization}%` : unknown;
      const target = t.averageUtilization !== undefined ? `${t.averageUtilization}%` : '<auto>';
      return `${name}: ${c}/${target}`;
    }
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: the first two targets as `current/target`, then `+ N more...`. */
export function formatHPAMetrics(specs: MetricSpec[] | undefined, statuses: MetricStatus[] | null | undefined): string {
  if (!specs || specs.length === 0) return '<none>';
  const list = specs.map((s, i) => metricCell(s, statuses?.[i]));
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
  return list.join(', ');
}

export function hpaRow(obj: KubeObject, now: number): unknown[] {
  const hpa = obj as HorizontalPodAutoscaler;
  const spec = hpa.spec ?? {};
  const ref = spec.scaleTargetRef ?? {};
  return [
    hpa.metadata.name ?? '',
    `${ref.kind ?? ''}/${ref.name ?? ''}`,
    formatHPAMetrics(spec.metrics, hpa.status?.currentMetrics),
    spec.minReplicas !== undefined ? String(spec.minReplicas) : '<unset>',
    spec.maxReplicas ?? 0,
    hpa.status?.currentReplicas ?? 0,
    age(obj, now),
  ];
}

export const hpaColumns: TableColumnDefinition[] = [
  nameColumn,
  column(
    'Reference',
    'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
  ),
  column(
    'Targets',
    'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond.',
  ),
  column(
    'MinPods',
    'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available.',
  ),
  column('MaxPods', 'maxReplicas is the upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.'),
  column('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.'),
  ageColumn,
];
