import type { z } from 'zod';

/**
 * The shapes every part of Kubeling shares. Kind-specific types are inferred from the
 * zod schemas under api/<group>/; these are the generic ones the apiserver, client and
 * controllers handle without knowing the kind.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // Kind-specific top-level fields (spec, status, data, subsets, …).
  [field: string]: unknown;
}

/** Kubernetes' field.ErrorType names, as they appear in Status.details.causes[].reason. */
export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound';

/**
 * One validation failure. `message` is the full text Kubernetes prints after the field
 * path, e.g. for FieldValueInvalid: `Invalid value: "Foo": a lowercase RFC 1123 subdomain must …`.
 * The apiserver turns a list of these into a 422 Status: `Pod "x" is invalid: metadata.name: Invalid value: …`.
 */
export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with indices, as Kubernetes writes it: `spec.containers[0].image`. */
  field: string;
  message: string;
}

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0: default output; 1: only with `-o wide`. */
  priority: number;
}

/** How a kind's `scale` subresource reads and writes replicas. */
export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
  /**
   * spec.selector is a plain label map (core/v1 ReplicationController), not a
   * LabelSelector: the Scale's status.selector is that map as `k=v,…`.
   */
  selectorIsLabelMap?: boolean;
}

export interface VersionConversion {
  /** A served version other than the storage version (e.g. autoscaling/v1 for HPA). */
  version: string;
  schema: z.ZodType;
  /** Stored (storage-version) object → this version. Must not mutate its input. */
  fromStorage(obj: KubeObject): KubeObject;
  /** This version → storage version. Must not mutate its input. */
  toStorage(obj: KubeObject): KubeObject;
  /**
   * The API group this version is served in when it is not the kind's own: one stored
   * kind under two groups, as kube serves core/v1 Events as events.k8s.io/v1 Events.
   */
  group?: string;
  /**
   * Field selector labels of this version → the kind's selectable fields (kube's field
   * label conversion). When set, any other label is refused.
   */
  fieldLabels?: Record<string, string>;
  /**
   * Validation of writes made through this version, on the storage form, after the kind's
   * own (kube's strategies that validate by request version); `old` is given on update.
   */
  validate?(obj: KubeObject, old?: KubeObject): FieldError[];
}

/**
 * Everything the apiserver needs to serve one kind. One entry per kind in api/registry.ts;
 * routes, validation, discovery, OpenAPI, Table output and GraphQL follow from it.
 */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  /** The storage version, also served. */
  version: string;
  kind: string;
  listKind: string;
  /** Lower-case plural: the URL segment and the storage key segment. */
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  verbs: string[];
  /**
   * The object schema (storage version). Object schemas strip unknown keys (plain z.object)
   * and apply no zod defaults, so the parsed output is the input minus unknown fields:
   * the apiserver finds unknown fields (fieldValidation) by comparing the two.
   */
  schema: z.ZodType;
  /** Other served versions, converted to and from the storage version. */
  conversions?: VersionConversion[];
  /**
   * Set when changing versions needs a call out (a CRD with a conversion webhook): the
   * objects in `apiVersion`, in order (those already in it unchanged). The conversions'
   * synchronous functions are not usable then; callers go through this.
   */
  convertObjects?(objects: KubeObject[], apiVersion: string): Promise<KubeObject[]>;
  subresources: {
    status?: boolean;
    scale?: ScaleSubresource;
  };
  /** Whether metadata.generation is kept (bumped when anything but metadata/status changes). */
  hasGeneration: boolean;
  /**
   * Fills Kubernetes' defaults in place. Called on every create and update, after
   * schema parsing and before validation (like defaulting on decode).
   */
  defaults(obj: KubeObject): void;
  /**
   * Kind-specific validation beyond the schema's shapes (metadata name/labels are checked
   * by the apiserver for every kind). `old` is given on update, for immutable fields.
   */
  validate(obj: KubeObject, old?: KubeObject): FieldError[];
  /** Columns for Table output, as kube-apiserver's printers declare them (NAME first). */
  tableColumns: TableColumnDefinition[];
  /** One row of cells for obj, matching tableColumns; `now` for AGE-like cells. */
  tableRow(obj: KubeObject, now: number): unknown[];
  /** Optional row conditions (kube marks finished pods' rows `Completed`). */
  tableRowConditions?(obj: KubeObject): Array<{ type: string; status: string; reason?: string; message?: string }>;
  /**
   * Field selectors beyond metadata.name and metadata.namespace (which every kind has):
   * field path → value getter (string form, as Kubernetes compares them).
   */
  fieldSelectors?: Record<string, (obj: KubeObject) => string | undefined>;
  /**
   * Optional: resets fields a user cannot set on create (e.g. status), or that a main-
   * resource update must not change (status) / a status update must not change (spec).
   */
  prepareForCreate?(obj: KubeObject): void;
}
