import type { ResourceType } from '../types.js';
import { pdbResource } from './pdb.js';

export {
  pdbSchema,
  pdbSpecSchema,
  pdbStatusSchema,
  pdbResource,
  validatePDB,
  type PodDisruptionBudget,
  type PodDisruptionBudgetSpec,
  type PodDisruptionBudgetStatus,
} from './pdb.js';

/** policy kinds. */
export const policyResources: ResourceType[] = [pdbResource];
