import type { ResourceType } from '../types.js';
import { hpaResource } from './hpa.js';

export * from './hpa-schemas.js';
export { scaleSchema, type Scale } from './scale.js';
export { defaultHPA, defaultScaleUpRules, defaultScaleDownRules, defaultCPUUtilization } from './hpa-defaults.js';
export { validateHPA } from './hpa-validation.js';
export { formatHPAMetrics } from './hpa-printer.js';
export {
  hpaToV1,
  hpaFromV1,
  hpaV1Conversion,
  metricsAnnotation,
  currentMetricsAnnotation,
  conditionsAnnotation,
  behaviorAnnotation,
} from './hpa-conversion.js';
export { hpaResource } from './hpa.js';

/** autoscaling kinds, in discovery order. */
export const autoscalingResources: ResourceType[] = [hpaResource];
