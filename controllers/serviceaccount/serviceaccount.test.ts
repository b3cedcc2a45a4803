import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../client/api-error.js';
import { isNamespaceTerminating, serviceAccountsToCreate } from './serviceaccounts-controller.js';
import { DESCRIPTION_ANNOTATION, rootCaChange, ROOT_CA_CONFIGMAP } from './root-ca-publisher.js';

describe('serviceAccountsToCreate', () => {
  const ns = (phase?: string, deleting = false) => ({ metadata: { name: 'a', deletionTimestamp: deleting ? 'x' : undefined }, status: phase ? { phase } : undefined });
  it.each<[string, ReturnType<typeof ns>, string[], string[]]>([
    ['active, missing', ns('Active'), [], ['default']],
    ['active, present', ns('Active'), ['default'], []],
    ['no phase yet', ns(), [], ['default']],
    ['terminating', ns('Terminating', true), [], []],
    ['deleting before the phase flips', ns('Active', true), [], []],
  ])('%s', (_name, n, present, expected) => {
    expect(serviceAccountsToCreate(n, (x) => present.includes(x))).toEqual(expected);
  });

  it('recognises the apiserver refusing content in a terminating namespace', () => {
    const refused = ApiError.from(403, 'unable to create new content in namespace a because it is being terminated', 'Forbidden', {
      causes: [{ reason: 'NamespaceTerminating' }],
    });
    expect(isNamespaceTerminating(refused)).toBe(true);
    expect(isNamespaceTerminating(ApiError.from(403, 'configmaps "x" is forbidden: unable to create new content in namespace a because it is being terminated'))).toBe(true);
    expect(isNamespaceTerminating(ApiError.from(403, 'no', 'Forbidden'))).toBe(false);
    expect(isNamespaceTerminating(ApiError.from(409, 'because it is being terminated'))).toBe(false);
  });
});

describe('rootCaChange', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n';
  it('creates the ConfigMap when missing', () => {
    const { create } = rootCaChange(undefined, 'a', pem);
    expect(create).toMatchObject({ metadata: { name: ROOT_CA_CONFIGMAP, namespace: 'a' }, data: { 'ca.crt': pem } });
    expect(create!.metadata.annotations![DESCRIPTION_ANNOTATION]).toBeTruthy();
  });
  it('leaves a correct one alone and resets an edited one', () => {
    const good = rootCaChange(undefined, 'a', pem).create!;
    expect(rootCaChange(good, 'a', pem)).toEqual({});
    const edited: KubeObject = { ...good, data: { 'ca.crt': 'tampered', extra: 'y' } };
    expect(rootCaChange(edited, 'a', pem).update!.data).toEqual({ 'ca.crt': pem });
  });
});
