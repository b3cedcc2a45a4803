/**
 * Message descriptors: what each protobuf field number means and how its value appears in
 * the JSON a Go client (kubectl) would have sent for the same object.
 *
 * Kubernetes' Go types are encoded by gogo-protobuf, which writes every non-pointer field
 * (even "" and 0) and only the pointer fields that are set. The JSON encoding of the same
 * struct follows the `json:"name,omitempty"` tags. To reproduce that JSON from the wire we
 * need, per field, both the protobuf facts (number, type, repeated, map) and the Go facts
 * (pointer or value, omitempty or not, inlined struct). A field spec is one short string:
 *
 *   '<number> <jsonName> <type>'
 *
 *   type     a scalar (string int32 int64 bool bytes double), a message name from the
 *            message tables, or a well-known type (Time MicroTime IntOrString Quantity
 *            FieldsV1 RawExtension)
 *   *type    a Go pointer: present on the wire → in the JSON (even when zero), else absent
 *   []type   repeated (a Go slice)
 *   {}type   map<string, type>
 *   type!    no omitempty: the zero value (or null for a nil slice/map/pointer) is written
 *   ...Type  a struct embedded with `json:",inline"`: its fields are merged into ours
 *
 * A value struct (message without `*`) is always written, since omitempty never drops a
 * Go struct — that is why kubectl's JSON carries `"status": {}` and `"resources": {}`.
 *
 * The tables are our own data, written from Kubernetes' generated.proto and types.go.
 */

export const SCALAR_TYPES = ['string', 'int32', 'int64', 'bool', 'bytes', 'double'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/** Messages with a custom JSON form (apimachinery's Time, IntOrString, Quantity, …). */
export const WELL_KNOWN_TYPES = ['Time', 'MicroTime', 'IntOrString', 'Quantity', 'FieldsV1', 'RawExtension'] as const;
export type WellKnownType = (typeof WELL_KNOWN_TYPES)[number];

export interface FieldDescriptor {
  readonly no: number;
  readonly name: string;
  readonly type: string;
  readonly kind: 'scalar' | 'wellKnown' | 'message';
  readonly card: 'single' | 'repeated' | 'map';
  readonly pointer: boolean;
  readonly omitEmpty: boolean;
  readonly inline: boolean;
}

export interface MessageDescriptor {
  readonly name: string;
  /** In declaration order (the JSON key order). */
  readonly fields: readonly FieldDescriptor[];
  readonly byNumber: ReadonlyMap<number, FieldDescriptor>;
}

/** A table of messages: name → field specs. */
export type MessageTable = Readonly<Record<string, readonly string[]>>;

export type MessageRegistry = ReadonlyMap<string, MessageDescriptor>;

const SPEC = /^(\d+) ([A-Za-z][A-Za-z0-9]*) (\.\.\.|\*|\[\]|\{\})?([A-Za-z][A-Za-z0-9]*)(!)?$/;

export function parseFieldSpec(spec: string): FieldDescriptor {
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`bad field spec: ${JSON.stringify(spec)}`);
  const [, no, name, prefix, type, bang] = m;
  const kind = (SCALAR_TYPES as readonly string[]).includes(type)
    ? 'scalar'
    : (WELL_KNOWN_TYPES as readonly string[]).includes(type)
      ? 'wellKnown'
      : 'message';
  const inline = prefix === '...';
  if (inline && kind !== 'message') throw new Error(`only messages can be inlined: ${spec}`);
  return {
    no: Number(no),
    name,
    type,
    kind,
    card: prefix === '[]' ? 'repeated' : prefix === '{}' ? 'map' : 'single',
    pointer: prefix === '*',
    omitEmpty: bang === undefined,
    inline,
  };
}

/**
 * Compiles message tables into a registry, checking that every referenced message exists
 * and that no field number or JSON name repeats within a message.
 */
export function compileMessages(...tables: MessageTable[]): MessageRegistry {
  const registry = new Map<string, MessageDescriptor>();
  for (const table of tables) {
    for (const [name, specs] of Object.entries(table)) {
      if (registry.has(name)) throw new Error(`message ${name} defined twice`);
      const fields = specs.map(parseFieldSpec);
      const byNumber = new Map<number, FieldDescriptor>();
      const names = new Set<string>();
      for (const f of fields) {
        if (byNumber.has(f.no)) throw new Error(`${name}: field number ${f.no} repeats`);
        if (!f.inline && names.has(f.name)) throw new Error(`${name}: field ${f.name} repeats`);
        byNumber.set(f.no, f);
        names.add(f.name);
      }
      registry.set(name, { name, fields, byNumber });
    }
  }
  for (const msg of registry.values()) {
    for (const f of msg.fields) {
      if (f.kind === 'message' && !registry.has(f.type)) throw new Error(`${msg.name}.${f.name}: unknown message ${f.type}`);
    }
  }
  return registry;
}
