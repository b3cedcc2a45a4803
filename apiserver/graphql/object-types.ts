import { z } from 'zod';
import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfigMap,
  type GraphQLOutputType,
} from './graphql-js.js';
import {
  conditionSchema,
  labelSelectorRequirementSchema,
  labelSelectorSchema,
  localObjectReferenceSchema,
  objectMetaSchema,
  objectReferenceSchema,
  ownerReferenceSchema,
} from '../../api/meta.js';
import { typeNames as kubernetesTypeNames } from '../../openapi/type-names.js';
import { GraphQLJSON, GraphQLLong } from './scalars.js';
import { groupPrefix, isGraphqlName, singularize, upperFirst } from './naming.js';

/**
 * Turns the kinds' zod schemas (through z.toJSONSchema) into GraphQL output types.
 *
 * Every nested object becomes a named object type. Names follow Kubernetes where we know
 * them: the position table the OpenAPI generator uses (`PodSpec.containers` →
 * Container), then shared meta/v1 shapes by structure (ObjectMeta, LabelSelector, …), then
 * `<Kind>Spec`/`<Kind>Status`; any other object is named after its parent and field
 * (`PodSpecDnsConfig`). The same name at two positions is one type when the shapes match;
 * a different shape under a taken name gets the group, then the parent, as a prefix.
 * Maps, unions (int-or-string, quantities) and opaque values are JSON.
 *
 * The walk is in schema order and kind order only, so names are stable across starts.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  description?: string;
  [key: string]: unknown;
};

/** Marks a custom kind's int64 integer (fromOpenApi), served as Long. */
const CUSTOM_LONG = 'x-kubeling-long';

/** Kubernetes int64 fields whose values can exceed GraphQL's 32-bit Int. */
const LONG_FIELDS = new Set(['sizeBytes', 'runAsUser', 'runAsGroup', 'fsGroup', 'supplementalGroups', 'activeDeadlineSeconds']);

export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const js = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' }) as JsonSchema;
  delete js.$schema;
  return js;
}

/** A shape's identity for sharing types: the schema without `required` and descriptions. */
export function shapeSignature(schema: unknown): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) {
      if (key === 'required' || key === 'description' || key === '$schema') continue;
      out[key] = strip((v as Record<string, unknown>)[key]);
    }
    return out;
  };
  return JSON.stringify(strip(schema));
}

const WELL_KNOWN: ReadonlyArray<[z.ZodType, string]> = [
  [objectMetaSchema, 'ObjectMeta'],
  [ownerReferenceSchema, 'OwnerReference'],
  [labelSelectorSchema, 'LabelSelector'],
  [labelSelectorRequirementSchema, 'LabelSelectorRequirement'],
  [conditionSchema, 'Condition'],
  [objectReferenceSchema, 'ObjectReference'],
  [localObjectReferenceSchema, 'LocalObjectReference'],
];

let wellKnownBySignature: Map<string, string> | undefined;

function wellKnownName(signature: string): string | undefined {
  wellKnownBySignature ??= new Map(WELL_KNOWN.map(([schema, name]) => [shapeSignature(toJsonSchema(schema)), name]));
  return wellKnownBySignature.get(signature);
}

/** `core.v1.PodTemplateSpec` → PodTemplateSpec. */
function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Where an object sits: for naming it and its children. */
interface Position {
  /** The Kubernetes name of the nearest enclosing type that has one (table key prefix). */
  anchor: string;
  /** Field path from the anchor to here. */
  path: string[];
  /** The GraphQL name of the enclosing type. */
  parent: string;
  /** The field holding this value (singular form when it holds a list's items). */
  field: string;
  /** The kind's group, for disambiguating names. */
  group: string;
  /** The enclosing type is the kind itself (for `<Kind>Spec`/`<Kind>Status`). */
  atKindRoot: boolean;
  /** The position key of the kind's own name, for table lookups (`Pod`). */
  kind: string;
}

export class ObjectTypeBuilder {
  private readonly byName = new Map<string, { signature: string; type: GraphQLObjectType }>();
  private readonly bySignature = new Map<string, GraphQLObjectType>();

  /**
   * @param reserved names the caller defines itself (kinds, wrappers, root types), which
   *   nested types must not take.
   * @param table position → Kubernetes type name (defaults to the OpenAPI generator's).
   */
  constructor(
    private readonly reserved: ReadonlySet<string>,
    private readonly table: Readonly<Record<string, string>> = kubernetesTypeNames,
  ) {}

  /** The object type of a kind, named `typeName`; its fields follow the schema. */
  kindType(
    typeName: string,
    kind: string,
    group: string,
    schema: z.ZodType,
    description?: string,
    /** Fields beyond the schema's (relations), read once the schema is assembled. */
    extra?: () => GraphQLFieldConfigMap<any, any>,
  ): GraphQLObjectType {
    const js = toJsonSchema(schema);
    const signature = shapeSignature(js);
    const own = this.fields(js, { anchor: kind, path: [], parent: typeName, field: '', group, atKindRoot: true, kind });
    const fields = extra ? () => ({ ...own, ...extra() }) : own;
    const type = new GraphQLObjectType({ name: typeName, description, fields });
    this.byName.set(typeName, { signature, type });
    return type;
  }

  /**
   * The object type of a custom kind, from its CRD's structural OpenAPI v3 schema:
   * objects are types (named after the kind and field: `StableExampleComCronTabSpec`),
   * arrays lists, and int-or-string, preserve-unknown-fields and untyped values JSON.
   * apiVersion, kind and metadata are the built-in ones (ObjectMeta), whatever the schema says.
   */
  customKindType(
    typeName: string,
    group: string,
    openApiV3: unknown,
    description?: string,
    extra?: () => GraphQLFieldConfigMap<any, any>,
  ): GraphQLObjectType {
    const root = fromOpenApi(openApiV3);
    const properties = { ...(root.properties ?? {}) };
    properties.apiVersion = { type: 'string' };
    properties.kind = { type: 'string' };
    properties.metadata = toJsonSchema(objectMetaSchema);
    const js: JsonSchema = { type: 'object', properties };
    const own = this.fields(js, { anchor: typeName, path: [], parent: typeName, field: '', group, atKindRoot: true, kind: typeName });
    const fields = extra ? () => ({ ...own, ...extra() }) : own;
    const type = new GraphQLObjectType({ name: typeName, description, fields });
    this.byName.set(typeName, { signature: shapeSignature(js), type });
    return type;
  }

  /** Every nested type created so far, by name (for tests and the schema's type list). */
  types(): GraphQLObjectType[] {
    return [...this.byName.values()].map((e) => e.type);
  }

  private fields(js: JsonSchema, pos: Position): GraphQLFieldConfigMap<unknown, unknown> {
    const out: GraphQLFieldConfigMap<unknown, unknown> = {};
    for (const [key, sub] of Object.entries(js.properties ?? {})) {
      // Not expressible as a GraphQL field; still served through the JSON `object` query.
      if (!isGraphqlName(key)) continue;
      const child: Position = { ...pos, field: key, path: [...pos.path, key] };
      out[key] = { type: this.outputType(sub, child), ...(sub.description ? { description: sub.description } : {}) };
    }
    return out;
  }

  private outputType(js: JsonSchema, pos: Position): GraphQLOutputType {
    const alternatives = (js.anyOf ?? js.oneOf)?.filter((s) => s.type !== 'null');
    if (alternatives) return alternatives.length === 1 ? this.outputType(alternatives[0], pos) : GraphQLJSON;
    const types = (Array.isArray(js.type) ? js.type : js.type ? [js.type] : []).filter((t) => t !== 'null');
    if (types.length !== 1) return GraphQLJSON;
    switch (types[0]) {
      case 'string':
        return GraphQLString;
      case 'boolean':
        return GraphQLBoolean;
      case 'number':
        return GraphQLFloat;
      case 'integer':
        return LONG_FIELDS.has(pos.field) || js[CUSTOM_LONG] === true ? GraphQLLong : GraphQLInt;
      case 'array':
        if (!js.items) return GraphQLJSON;
        return new GraphQLList(this.outputType(js.items, { ...pos, field: singularize(pos.field) }));
      case 'object':
        if (!js.properties || !Object.keys(js.properties).some(isGraphqlName)) return GraphQLJSON;
        return this.objectType(js, pos);
      default:
        return GraphQLJSON;
    }
  }

  private objectType(js: JsonSchema, pos: Position): GraphQLObjectType {
    const signature = shapeSignature(js);
    const desired = this.kubernetesName(signature, pos);
    if (desired) {
      const existing = this.byName.get(desired);
      if (existing && existing.signature === signature) return existing.type;
      return this.create(js, signature, this.unique(desired, pos), { ...pos, anchor: desired, path: [] });
    }
    const shared = this.bySignature.get(signature);
    if (shared) return shared;
    return this.create(js, signature, this.unique(`${pos.parent}${upperFirst(pos.field)}`, pos), pos);
  }

  private kubernetesName(signature: string, pos: Position): string | undefined {
    const fromTable = this.table[`${pos.anchor}.${pos.path.join('.')}`];
    if (fromTable) return shortName(fromTable);
    const known = wellKnownName(signature);
    if (known) return known;
    if (pos.atKindRoot && pos.path.length === 1 && (pos.field === 'spec' || pos.field === 'status')) {
      return `${pos.kind}${upperFirst(pos.field)}`;
    }
    return undefined;
  }

  private create(js: JsonSchema, signature: string, name: string, pos: Position): GraphQLObjectType {
    const childPos: Position = { ...pos, parent: name, atKindRoot: false };
    const fields = this.fields(js, childPos);
    const type = new GraphQLObjectType({ name, fields });
    this.byName.set(name, { signature, type });
    if (!this.bySignature.has(signature)) this.bySignature.set(signature, type);
    return type;
  }

  /** Whether a type of this name exists or is reserved. */
  isTaken(name: string): boolean {
    return this.taken(name);
  }

  private taken(name: string): boolean {
    return this.reserved.has(name) || this.byName.has(name);
  }

  /** A free name: as desired, else with the group, else with the parent, else numbered. */
  private unique(desired: string, pos: Position): string {
    const candidates = [desired, `${groupPrefix(pos.group)}${desired}`, `${pos.parent}${desired}`];
    for (const name of candidates) if (!this.taken(name)) return name;
    for (let i = 2; ; i++) if (!this.taken(`${desired}${i}`)) return `${desired}${i}`;
  }
}

/**
 * A CRD's OpenAPI v3 schema as the JSON Schema subset the walk reads: values whose shape is
 * open (int-or-string, preserve-unknown-fields, no type) become `{}` (JSON); integers
 * without `format: int32` are int64 in Kubernetes (Long).
 */
function fromOpenApi(v: unknown): JsonSchema {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  const s = v as Record<string, unknown>;
  if (s['x-kubernetes-int-or-string'] === true || s['x-kubernetes-preserve-unknown-fields'] === true) return {};
  const type = typeof s.type === 'string' ? s.type : undefined;
  const out: JsonSchema = {};
  if (typeof s.description === 'string') out.description = s.description;
  switch (type) {
    case 'object': {
      const props = s.properties;
      if (props === null || typeof props !== 'object' || Array.isArray(props) || Object.keys(props).length === 0) return out; // a map: JSON
      out.type = 'object';
      out.properties = Object.fromEntries(Object.entries(props as Record<string, unknown>).map(([k, p]) => [k, fromOpenApi(p)]));
      return out;
    }
    case 'array':
      out.type = 'array';
      out.items = fromOpenApi(s.items);
      return out;
    case 'integer':
      out.type = 'integer';
      if (s.format !== 'int32') out[CUSTOM_LONG] = true;
      return out;
    case 'string':
    case 'boolean':
    case 'number':
      out.type = type;
      return out;
    default:
      return out;
  }
}
