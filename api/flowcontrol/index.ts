import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { invalid, notSupported, required } from '../validation.js';
import { flowSchemaSchema, priorityLevelConfigurationSchema, type FlowSchema, type PriorityLevelConfiguration } from './schemas.js';

export * from './schemas.js';
export { MANDATORY_FLOW_SCHEMAS, MANDATORY_PRIORITY_LEVELS, SUGGESTED_FLOW_SCHEMAS, SUGGESTED_PRIORITY_LEVELS } from './bootstrap-config.js';

const GROUP = 'flowcontrol.apiserver.k8s.io';
const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const DISTINGUISHERS = ['ByNamespace', 'ByUser'] as const;
const SUBJECT_KINDS = ['Group', 'ServiceAccount', 'User'] as const;
const PL_TYPES = ['Exempt', 'Limited'] as const;
const LIMIT_RESPONSES = ['Queue', 'Reject'] as const;

/** ValidateFlowSchema, the checks a user meets first. */
export function validateFlowSchema(obj: KubeObject): FieldError[] {
  const fs = obj as FlowSchema;
  const errs: FieldError[] = [];
  const spec = fs.spec;
  if (!spec?.priorityLevelConfiguration?.name) errs.push(required('spec.priorityLevelConfiguration.name', 'must reference a priority level'));
  const p = spec?.matchingPrecedence;
  if (p !== undefined && (p < 1 || p > 10000)) errs.push(invalid('spec.matchingPrecedence', p, 'must be between 1 and 10000 inclusively'));
  const d = spec?.distinguisherMethod?.type;
  if (d !== undefined && !(DISTINGUISHERS as readonly string[]).includes(d)) errs.push(notSupported('spec.distinguisherMethod.type', d, DISTINGUISHERS));
  (spec?.rules ?? []).forEach((rule, i) => {
    if (rule.subjects.length === 0) errs.push(required(`spec.rules[${i}].subjects`, 'subjects must contain at least one value'));
    rule.subjects.forEach((s, j) => {
      const path = `spec.rules[${i}].subjects[${j}]`;
      if (!(SUBJECT_KINDS as readonly string[]).includes(s.kind)) errs.push(notSupported(`${path}.kind`, s.kind, SUBJECT_KINDS));
      else if (s.kind === 'User' && !s.user?.name) errs.push(required(`${path}.user.name`, 'username is required'));
      else if (s.kind === 'Group' && !s.group?.name) errs.push(required(`${path}.group.name`, 'name is required'));
      else if (s.kind === 'ServiceAccount' && (!s.serviceAccount?.name || !s.serviceAccount.namespace)) errs.push(required(`${path}.serviceAccount`, 'namespace and name are required'));
    });
    if (!rule.resourceRules?.length && !rule.nonResourceRules?.length) errs.push(required(`spec.rules[${i}]`, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
    rule.resourceRules?.forEach((r, j) => {
      if (r.verbs.length === 0) errs.push(required(`spec.rules[${i}].resourceRules[${j}].verbs`, 'verbs must contain at least one value'));
      if (!r.clusterScope && !r.namespaces?.length) errs.push(required(`spec.rules[${i}].resourceRules[${j}].namespaces`, 'resource rules that are not cluster scoped must supply at least one namespace'));
    });
  });
  return errs;
}

/** ValidatePriorityLevelConfiguration, the checks a user meets first. */
export function validatePriorityLevel(obj: KubeObject): FieldError[] {
  const pl = obj as PriorityLevelConfiguration;
  const errs: FieldError[] = [];
  const type = pl.spec?.type;
  if (!type) return [required('spec.type')];
  if (!(PL_TYPES as readonly string[]).includes(type)) return [notSupported('spec.type', type, PL_TYPES)];
  const name = pl.metadata.name;
  if (name === 'exempt' && type !== 'Exempt') errs.push(invalid('spec.type', type, 'type must be "Exempt" if and only if name is "exempt"'));
  if (name !== 'exempt' && type === 'Exempt') errs.push(invalid('spec.type', type, 'type must be "Exempt" if and only if name is "exempt"'));
  if (type === 'Limited') {
    const l = pl.spec.limited;
    if (!l) return [...errs, required('spec.limited', 'must not be empty when type is Limited')];
    if ((l.nominalConcurrencyShares ?? 0) < 0) errs.push(invalid('spec.limited.nominalConcurrencyShares', l.nominalConcurrencyShares, 'must be a non-negative integer'));
    const lr = l.limitResponse;
    if (lr && !(LIMIT_RESPONSES as readonly string[]).includes(lr.type)) errs.push(notSupported('spec.limited.limitResponse.type', lr.type, LIMIT_RESPONSES));
    const q = lr?.queuing;
    if (q?.queues !== undefined && q.queues <= 0) errs.push(invalid('spec.limited.limitResponse.queuing.queues', q.queues, 'must be positive'));
    if (q?.handSize !== undefined && (q.handSize <= 0 || q.handSize > (q.queues ?? 64))) {
      errs.push(invalid('spec.limited.limitResponse.queuing.handSize', q.handSize, 'should be positive and not greater than queues'));
    }
    if (q?.queueLengthLimit !== undefined && q.queueLengthLimit <= 0) errs.push(invalid('spec.limited.limitResponse.queuing.queueLengthLimit', q.queueLengthLimit, 'must be positive'));
  }
  return errs;
}

export const flowSchemaResource: ResourceType = {
  group: GROUP,
  version: 'v1',
  kind: 'FlowSchema',
  listKind: 'FlowSchemaList',
  plural: 'flowschemas',
  singular: 'flowschema',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: VERBS,
  schema: flowSchemaSchema,
  subresources: { status: true },
  hasGeneration: true,
  defaults(obj) {
    const spec = (obj as FlowSchema).spec;
    if (spec && spec.matchingPrecedence === undefined) spec.matchingPrecedence = 1000;
  },
  validate: validateFlowSchema,
  tableColumns: [
    nameColumn,
    column('PriorityLevel', 'The name of the priority level this flow schema matches requests to.'),
    column('MatchingPrecedence', 'The matching precedence of the flow schema.', { type: 'integer' }),
    column('DistinguisherMethod', 'How the flow schema distinguishes flows within its matches.'),
    ageColumn,
    column('MissingPL', 'Whether the flow schema references a priority level that does not exist.'),
  ],
  tableRow(obj, now) {
    const fs = obj as FlowSchema;
    const dangling = fs.status?.conditions?.find((c) => c.type === 'Dangling')?.status ?? '?';
    return [fs.metadata.name ?? '', fs.spec.priorityLevelConfiguration.name, fs.spec.matchingPrecedence ?? 1000, fs.spec.distinguisherMethod?.type ?? '<none>', age(obj, now), dangling];
  },
  prepareForCreate(obj) {
    delete obj['status'];
  },
};

export const priorityLevelConfigurationResource: ResourceType = {
  group: GROUP,
  version: 'v1',
  kind: 'PriorityLevelConfiguration',
  listKind: 'PriorityLevelConfigurationList',
  plural: 'prioritylevelconfigurations',
  singular: 'prioritylevelconfiguration',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: VERBS,
  schema: priorityLevelConfigurationSchema,
  subresources: { status: true },
  hasGeneration: true,
  defaults(obj) {
    // SetDefaults_PriorityLevelConfiguration (v1): 30 shares, 0 % lendable; a Queue response gets 64 queues, hand 8, length 50.
    const l = (obj as PriorityLevelConfiguration).spec?.limited;
    if (l) {
      l.nominalConcurrencyShares ??= 30;
      l.lendablePercent ??= 0;
      const lr = l.limitResponse;
      if (lr?.type === 'Queue') {
        lr.queuing ??= {};
        lr.queuing.queues ??= 64;
        lr.queuing.handSize ??= 8;
        lr.queuing.queueLengthLimit ??= 50;
      }
    }
    const e = (obj as PriorityLevelConfiguration).spec?.exempt;
    if (e) {
      e.nominalConcurrencyShares ??= 0;
      e.lendablePercent ??= 0;
    }
  },
  validate: validatePriorityLevel,
  tableColumns: [
    nameColumn,
    column('Type', 'The type of the priority level: Exempt or Limited.'),
    column('NominalConcurrencyShares', 'The nominal concurrency shares of the priority level.'),
    column('Queues', 'The number of queues of the priority level.'),
    column('HandSize', 'The hand size of the priority level.'),
    column('QueueLengthLimit', 'The maximum length of each queue of the priority level.'),
    ageColumn,
  ],
  tableRow(obj, now) {
    const pl = obj as PriorityLevelConfiguration;
    const l = pl.spec.limited;
    const q = l?.limitResponse?.queuing;
    return [pl.metadata.name ?? '', pl.spec.type, l?.nominalConcurrencyShares ?? '<none>', q?.queues ?? '<none>', q?.handSize ?? '<none>', q?.queueLengthLimit ?? '<none>', age(obj, now)];
  },
  prepareForCreate(obj) {
    delete obj['status'];
  },
};

/** flowcontrol.apiserver.k8s.io kinds. */
export const flowcontrolResources: ResourceType[] = [flowSchemaResource, priorityLevelConfigurationResource];
