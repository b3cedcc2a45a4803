import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { invalid, validateImmutable } from '../validation.js';
import { controllerRevisionSchema, type ControllerRevision } from './daemonset-statefulset-schemas.js';

/** ValidateControllerRevision(+Update): revision ≥ 0; data never changes. */
export function validateControllerRevision(obj: KubeObject, old?: KubeObject): FieldError[] {
  const cr = obj as ControllerRevision;
  const errs: FieldError[] = [];
  if (cr.revision < 0) errs.push(invalid('revision', cr.revision, 'must be greater than or equal to 0'));
  if (old) errs.push(...validateImmutable(cr.data, (old as ControllerRevision).data, 'data'));
  return errs;
}

/** printControllerRevision: NAME CONTROLLER REVISION AGE; CONTROLLER is `<kind>.<group>/<name>`. */
export function controllerRevisionRow(obj: KubeObject, now: number): unknown[] {
  const cr = obj as ControllerRevision;
  const ref = cr.metadata.ownerReferences?.find((r) => r.controller);
  let controller = '<none>';
  if (ref) {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    controller = `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
  }
  return [cr.metadata.name ?? '', controller, cr.revision, age(obj, now)];
}

export const controllerRevisionResource: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  listKind: 'ControllerRevisionList',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  shortNames: [],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: controllerRevisionSchema,
  subresources: {},
  hasGeneration: false,
  defaults() {},
  validate: validateControllerRevision,
  tableColumns: [
    nameColumn,
    column('Controller', 'Controller of the object'),
    column('Revision', 'Revision indicates the revision of the state represented by Data.', { type: 'integer' }),
    ageColumn,
  ],
  tableRow: controllerRevisionRow,
};
