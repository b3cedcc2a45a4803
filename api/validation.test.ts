import { describe, expect, it } from 'vitest';
import {
  invalid,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSLabel,
  notSupported,
  required,
  validateImmutable,
  validateLabelSelector,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './validation.js';

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('name checks', () => {
  it.each([
    ['web', true],
    ['web-1', true],
    ['a.b.c', true],
    ['Foo_Bar', false],
    ['-web', false],
    ['web.', false],
    ['a'.repeat(253), true],
    ['a'.repeat(254), false],
  ])('isDNS1123Subdomain(%j) valid=%s', (v, ok) => {
    expect(isDNS1123Subdomain(v).length === 0).toBe(ok);
  });

  it('words the subdomain and label errors as Kubernetes does', () => {
    expect(isDNS1123Subdomain('Foo_Bar')).toEqual([subdomainMsg]);
    expect(isDNS1123Label('a.b')).toEqual([labelMsg]);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it.each([
    ['app', []],
    ['example.com/app', []],
    ['app.kubernetes.io/name', []],
    ['/app', ['prefix part must be non-empty']],
    ['a/b/c', ['a qualified name must consist of']],
    ['example.com/', ['name part must be non-empty', 'name part must consist of']],
    ['Bad_Prefix/app', ['prefix part a lowercase RFC 1123 subdomain']],
    ['-app', ['name part must consist of']],
  ])('isQualifiedName(%j)', (v, prefixes) => {
    const errs = isQualifiedName(v);
    expect(errs.length).toBe(prefixes.length);
    prefixes.forEach((p, i) => expect(errs[i]).toContain(p));
  });

  it('label values may be empty but not odd', () => {
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('v1.2_3-x')).toEqual([]);
    expect(isValidLabelValue('-x')[0]).toContain("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'");
    expect(isValidLabelValue('a'.repeat(64))).toContain('must be no more than 63 characters');
  });
});

describe('FieldError builders', () => {
  it('formats as field.Error does', () => {
    expect(required('spec.containers')).toEqual({ type: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' });
    expect(invalid('spec.replicas', -1, 'must be greater than or equal to 0').message).toBe(
      'Invalid value: -1: must be greater than or equal to 0',
    );
    expect(notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']).message).toBe(
      'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    );
    expect(validateImmutable('b', 'a', 'spec.selector')).toEqual([
      { type: 'FieldValueInvalid', field: 'spec.selector', message: 'Invalid value: "b": field is immutable' },
    ]);
    expect(validateImmutable({ a: [1] }, { a: [1] }, 'x')).toEqual([]);
  });
});

describe('validateObjectMeta', () => {
  const ns = { namespaced: true };
  it.each([
    ['valid', { name: 'web', namespace: 'default' }, ns, []],
    ['name required', { namespace: 'default' }, ns, ['metadata.name: Required value: name or generateName is required']],
    ['generateName suffices', { generateName: 'web-', namespace: 'default' }, ns, []],
    ['bad name', { name: 'Foo_Bar', namespace: 'default' }, ns, [`metadata.name: Invalid value: "Foo_Bar": ${subdomainMsg}`]],
    ['namespace required', { name: 'web' }, ns, ['metadata.namespace: Required value']],
    ['namespace forbidden', { name: 'web', namespace: 'x' }, { namespaced: false }, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['label name for namespace', { name: 'a.b' }, { namespaced: false, nameValidator: nameIsDNSLabel }, [`metadata.name: Invalid value: "a.b": ${labelMsg}`]],
    [
      'bad label key',
      { name: 'web', namespace: 'd', labels: { 'bad key': 'v' } },
      ns,
      ['metadata.labels: Invalid value: "bad key": name part must consist of'],
    ],
    [
      'bad label value',
      { name: 'web', namespace: 'd', labels: { app: '-v' } },
      ns,
      ['metadata.labels: Invalid value: "-v": a valid label must be an empty string'],
    ],
    [
      'annotations too large',
      { name: 'web', namespace: 'd', annotations: { big: 'x'.repeat(256 * 1024) } },
      ns,
      ['metadata.annotations: Too long: may not be more than 262144 bytes'],
    ],
    [
      'owner reference without uid',
      { name: 'web', namespace: 'd', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '' }] },
      ns,
      ['metadata.ownerReferences.uid: Invalid value: "": uid must not be empty'],
    ],
  ] as const)('%s', (_name, meta, opts, want) => {
    const got = validateObjectMeta(meta as never, opts).map((e) => `${e.field}: ${e.message}`);
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(got[i]!.startsWith(w)).toBe(true));
  });

  it('forbids changing name and uid on update', () => {
    const errs = validateObjectMetaUpdate({ name: 'b', uid: '1' }, { name: 'a', uid: '2' });
    expect(errs.map((e) => e.field)).toEqual(['metadata.name', 'metadata.uid']);
  });
});

describe('validateLabelSelector', () => {
  it('checks operators and values', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: [] },
          { key: 'tier', operator: 'Exists', values: ['x'] },
          { key: 'tier', operator: 'Near' },
        ],
      },
      'spec.selector',
    );
    expect(errs.map((e) => `${e.field}: ${e.message}`)).toEqual([
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
    ]);
  });
});
