import type { z } from 'zod';
import { objectReferenceSchema, objectSchema } from '../meta.js';
import type { FieldError } from '../types.js';
import { required } from '../validation.js';

/**
 * core/v1 Binding: the body of POST pods/{name}/binding (and POST bindings), which the
 * scheduler sends to place a pod. Not stored, so not in coreResources.
 */
export const bindingSchema = objectSchema({
  target: objectReferenceSchema,
});
export type Binding = z.infer<typeof bindingSchema>;

/** ValidatePodBinding: a target node name is required, and the target must be a Node. */
export function validateBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  if (!b.target?.name) errs.push(required('target.name'));
  if (b.target?.kind && b.target.kind !== 'Node') {
    errs.push({ type: 'FieldValueNotSupported', field: 'target.kind', message: `Unsupported value: ${JSON.stringify(b.target.kind)}: supported values: "Node", "<empty>"` });
  }
  return errs;
}
