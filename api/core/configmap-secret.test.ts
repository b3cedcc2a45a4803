import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { base64Error, configMapResource, configMapSchema, type ConfigMap } from './configmap.js';
import { secretResource, secretSchema, type Secret } from './secret.js';

const o = (x: ConfigMap | Secret) => x as unknown as KubeObject;
const meta = { name: 'cfg', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' };
const fmt = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

describe('configmap', () => {
  it('validates keys and duplicate keys', () => {
    const cm = configMapSchema.parse({ metadata: meta, data: { 'ok.key': 'v', 'bad key': 'v', dup: 'x' }, binaryData: { dup: 'AAAA' } });
    expect(fmt(configMapResource.validate(o(cm)))).toEqual([
      'data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')',
      'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
    ]);
  });

  it('forbids changes once immutable', () => {
    const old = configMapSchema.parse({ metadata: meta, immutable: true, data: { a: '1' } });
    const next = configMapSchema.parse({ metadata: meta, immutable: false, data: { a: '2' } });
    expect(fmt(configMapResource.validate(o(next), o(old)))).toEqual([
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(configMapResource.validate(o(structuredClone(old)), o(old))).toEqual([]);
  });

  it('prints the number of keys', () => {
    const cm = configMapSchema.parse({ metadata: meta, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } });
    expect(configMapResource.tableRow(o(cm), Date.parse('2024-05-01T12:00:00Z'))).toEqual(['cfg', 3, '60m']);
  });
});

describe('secret', () => {
  it('merges stringData into data and defaults the type', () => {
    const s = secretSchema.parse({ metadata: meta, data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'hello', c: 'wörld' } });
    secretResource.defaults(o(s));
    expect(s).toEqual({
      metadata: meta,
      type: 'Opaque',
      data: { a: 'eA==', b: 'aGVsbG8=', c: 'd8O2cmxk' },
    });
  });

  it.each([
    ['YWJj', undefined],
    ['YWI=', undefined],
    ['', undefined],
    ['YWJ', 'illegal base64 data at input byte 0'],
    ['ab$c', 'illegal base64 data at input byte 2'],
  ])('base64 %j → %s', (v, want) => {
    expect(base64Error(v)).toBe(want);
  });

  it.each([
    ['Opaque', { a: 'YQ==' }, {}, []],
    ['Opaque', { a: 'not base64!' }, {}, ['data[a]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3']],
    ['kubernetes.io/tls', { 'tls.crt': 'YQ==' }, {}, ['data[tls.key]: Required value']],
    ['kubernetes.io/service-account-token', {}, {}, ['metadata.annotations[kubernetes.io/service-account.name]: Required value']],
    ['kubernetes.io/service-account-token', {}, { 'kubernetes.io/service-account.name': 'default' }, []],
    ['kubernetes.io/dockerconfigjson', {}, {}, ['data[.dockerconfigjson]: Required value']],
    ['kubernetes.io/basic-auth', {}, {}, ['data[username]: Required value', 'data[password]: Required value']],
  ])('type %s data %j', (type, data, annotations, want) => {
    const s = secretSchema.parse({ metadata: { ...meta, annotations }, type, data });
    expect(fmt(secretResource.validate(o(s)))).toEqual(want);
  });

  it('keeps the type and immutable data fixed', () => {
    const old = secretSchema.parse({ metadata: meta, type: 'Opaque', immutable: true, data: { a: 'YQ==' } });
    const next = secretSchema.parse({ metadata: meta, type: 'kubernetes.io/basic-auth', immutable: true, data: { username: 'YQ==' } });
    expect(fmt(secretResource.validate(o(next), o(old)))).toEqual([
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });

  it('prints NAME TYPE DATA AGE and selects on type', () => {
    const s = secretSchema.parse({ metadata: meta, type: 'Opaque', data: { a: 'YQ==' } });
    expect(secretResource.tableRow(o(s), Date.parse('2024-05-01T12:00:00Z'))).toEqual(['cfg', 'Opaque', 1, '60m']);
    expect(secretResource.fieldSelectors!.type!(o(s))).toBe('Opaque');
    expect(secretResource.shortNames).toEqual([]);
  });
});
