import type { ResourceType } from '../types.js';
import { deploymentResource } from './deployment.js';
import { replicaSetResource } from './replicaset.js';
import { daemonSetResource } from './daemonset.js';
import { statefulSetResource } from './statefulset.js';
import { controllerRevisionResource } from './controller-revision.js';

export { scaleSchema, type Scale } from '../autoscaling/scale.js';
export * from './schemas.js';
export { defaultDeployment, validateDeployment, deploymentResource } from './deployment.js';
export { defaultReplicaSet, validateReplicaSet, replicaSetResource } from './replicaset.js';
export { scaledValueFromIntOrPercent, intOrPercentValue } from './int-or-percent.js';

/** apps/v1 kinds, in discovery order. */
export const appsResources: ResourceType[] = [controllerRevisionResource, daemonSetResource, deploymentResource, replicaSetResource, statefulSetResource];
export * from './daemonset-statefulset-schemas.js';
export { daemonSetResource, defaultDaemonSet, validateDaemonSet } from './daemonset.js';
export { statefulSetResource, defaultStatefulSet, validateStatefulSet } from './statefulset.js';
export { controllerRevisionResource } from './controller-revision.js';
