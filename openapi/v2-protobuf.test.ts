import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { fixtureModel } from './fixture-model.js';
import { ProtoWriter } from './protobuf-writer.js';
import { buildV2Document } from './v2-document.js';
import { encodeV2Document } from './v2-protobuf.js';

/** A minimal protobuf reader: field number → raw values (varints as numbers, length-delimited as bytes). */
type Fields = Map<number, Array<number | Uint8Array>>;

function decode(bytes: Uint8Array): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = bytes[i++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  };
  while (i < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = bytes.subarray(i, i + len);
      i += len;
    } else if (wire === 1) {
      value = bytes.subarray(i, i + 8);
      i += 8;
    } else throw new Error(`unexpected wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const text = (v: number | Uint8Array | undefined): string => Buffer.from(v as Uint8Array).toString('utf8');
const one = (f: Fields, n: number): Fields => decode(f.get(n)![0] as Uint8Array);
const all = (f: Fields, n: number): Fields[] => (f.get(n) ?? []).map((v) => decode(v as Uint8Array));
/** Repeated Named* entries (name = 1, value = 2) as a map. */
const named = (entries: Fields[]): Map<string, Fields> => new Map(entries.map((e) => [text(e.get(1)![0]), decode(e.get(2)![0] as Uint8Array)]));

describe('ProtoWriter', () => {
  it('writes varints, strings and skips proto3 defaults', () => {
    const bytes = new ProtoWriter().string(1, 'a'.repeat(200)).bool(2, true).bool(3, false).string(4, '').int(5, 300).finish();
    const f = decode(bytes);
    expect(text(f.get(1)![0])).toHaveLength(200);
    expect(f.get(2)).toEqual([1]);
    expect(f.has(3)).toBe(false);
    expect(f.has(4)).toBe(false);
    expect(f.get(5)).toEqual([300]);
  });
});

describe('encodeV2Document', () => {
  const doc = buildV2Document(fixtureModel());
  const root = decode(encodeV2Document(doc));

  it('writes the document header', () => {
    expect(text(root.get(1)![0])).toBe('2.0');
    expect(text(one(root, 2).get(1)![0])).toBe('Kubernetes');
  });

  it('writes definitions with their type, properties and GVK extension as YAML', () => {
    const defs = named(all(one(root, 9), 1));
    const widget = defs.get('dev.kubeling.example.v1alpha1.Widget')!;
    expect(text(one(widget, 22).get(1)![0])).toBe('object');
    const props = named(all(one(widget, 25), 1));
    expect([...props.keys()].sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(text(props.get('spec')!.get(1)![0])).toBe('#/definitions/dev.kubeling.example.v1alpha1.WidgetSpec');
    const ext = named(all(widget, 31));
    const gvkYaml = text(ext.get('x-kubernetes-group-version-kind')!.get(2)![0]);
    expect(YAML.parse(gvkYaml)).toEqual([{ group: 'example.kubeling.dev', kind: 'Widget', version: 'v1alpha1' }]);
  });

  it('writes the merge key of a list field', () => {
    const spec = named(all(one(root, 9), 1)).get('dev.kubeling.example.v1alpha1.WidgetSpec')!;
    const parts = named(all(one(spec, 25), 1)).get('parts')!;
    const ext = named(all(parts, 31));
    expect(YAML.parse(text(ext.get('x-kubernetes-patch-merge-key')!.get(2)![0]))).toBe('name');
  });

  it('writes PATCH operations with consumes, query parameters and GVK', () => {
    const paths = named(all(one(root, 8), 2));
    const item = paths.get('/apis/example.kubeling.dev/v1alpha1/namespaces/{namespace}/widgets/{name}')!;
    const patch = one(item, 8);
    expect(text(patch.get(5)![0])).toBe('patchExampleKubelingDevV1alpha1NamespacedWidget');
    expect((patch.get(7) ?? []).map(text)).toContain('application/strategic-merge-patch+json');
    const queryNames = all(patch, 8)
      .map((p) => one(p, 1)) // ParametersItem.parameter
      .filter((p) => p.has(2)) // Parameter.non_body_parameter
      .map((p) => one(one(p, 2), 3)) // NonBodyParameter.query_parameter_sub_schema
      .map((q) => text(q.get(4)![0]));
    expect(queryNames).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    const ext = named(all(patch, 13));
    expect(YAML.parse(text(ext.get('x-kubernetes-group-version-kind')!.get(2)![0]))).toEqual({
      group: 'example.kubeling.dev',
      version: 'v1alpha1',
      kind: 'Widget',
    });
    const pathParams = all(item, 9)
      .map((p) => one(one(p, 1), 2))
      .filter((nb) => nb.has(4)) // NonBodyParameter.path_parameter_sub_schema
      .map((nb) => one(nb, 4));
    expect(pathParams.map((p) => text(p.get(4)![0]))).toContain('name');
  });
});
