import type { ResourceType } from '../types.js';
import { hpaV1Conversion } from './hpa-conversion.js';
import { defaultHPA } from './hpa-defaults.js';
import { hpaColumns, hpaRow } from './hpa-printer.js';
import { hpaSchema } from './hpa-schemas.js';
import { validateHPA } from './hpa-validation.js';

/** HorizontalPodAutoscaler: stored as autoscaling/v2, also served as autoscaling/v1. */
export const hpaResource: ResourceType = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  listKind: 'HorizontalPodAutoscalerList',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: hpaSchema,
  conversions: [hpaV1Conversion],
  subresources: { status: true },
  hasGeneration: true,
  defaults: defaultHPA,
  validate: validateHPA,
  tableColumns: hpaColumns,
  tableRow: hpaRow,
  prepareForCreate(obj) {
    // What a fresh HPA shows in v2: desiredReplicas and currentMetrics are not omitempty.
    obj['status'] = { currentMetrics: null, desiredReplicas: 0 };
  },
};
