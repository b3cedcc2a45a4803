import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { age, ageColumn, column, humanDuration, nameColumn } from '../printers.js';
import { invalid, notSupported, required } from '../validation.js';

/**
 * certificates.k8s.io/v1 CertificateSigningRequest: a PKCS#10 request for a certificate
 * from a named signer. The requester's identity is recorded at create (spec.username,
 * groups…); `kubectl certificate approve|deny` writes the approval subresource; the
 * kubernetes.io/kube-apiserver-client signer then issues the certificate
 * (apiserver/auth/certificates/).
 */

export const KEY_USAGES = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment',
  'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing',
  'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing',
  'microsoft sgc', 'netscape sgc',
] as const;

const conditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastUpdateTime: z.string().nullable().optional(),
  lastTransitionTime: z.string().nullable().optional(),
});

export const csrSchema = objectSchema({
  spec: z.object({
    request: z.string(),
    signerName: z.string(),
    expirationSeconds: z.number().int().optional(),
    usages: z.array(z.string()).optional(),
    username: z.string().optional(),
    uid: z.string().optional(),
    groups: z.array(z.string()).optional(),
    extra: z.record(z.string(), z.array(z.string())).optional(),
  }),
  status: z.object({ conditions: z.array(conditionSchema).optional(), certificate: z.string().optional() }).optional(),
});
export type CertificateSigningRequest = z.infer<typeof csrSchema>;

const SIGNER_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/[A-Za-z0-9][-A-Za-z0-9_.]*$/;

/** kube's ValidateCertificateSigningRequestCreate, the parts a user meets. */
export function validateCsr(obj: KubeObject): FieldError[] {
  const csr = obj as unknown as CertificateSigningRequest;
  const errs: FieldError[] = [];
  const spec = csr.spec ?? ({} as CertificateSigningRequest['spec']);
  if (!spec.request) errs.push(required('spec.request'));
  else {
    const pem = Buffer.from(spec.request, 'base64').toString('utf8');
    if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(pem)) errs.push(invalid('spec.request', '<bytes>', 'PEM block type must be CERTIFICATE REQUEST'));
  }
  if (!spec.signerName) errs.push(required('spec.signerName'));
  else if (!SIGNER_NAME.test(spec.signerName)) errs.push(invalid('spec.signerName', spec.signerName, 'must be a fully qualified domain and path of the form \'example.com/signer-name\''));
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) {
    errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  if (!spec.usages || spec.usages.length === 0) errs.push(required('spec.usages'));
  (spec.usages ?? []).forEach((u, i) => {
    if (!(KEY_USAGES as readonly string[]).includes(u)) errs.push(notSupported(`spec.usages[${i}]`, u, KEY_USAGES));
  });
  const conds = csr.status?.conditions ?? [];
  const approved = conds.findIndex((c) => c.type === 'Approved');
  const denied = conds.findIndex((c) => c.type === 'Denied');
  if (approved >= 0 && denied >= 0) {
    const i = Math.max(approved, denied);
    errs.push(invalid(`status.conditions[${i}].type`, conds[i]!.type, 'Approved and Denied conditions are mutually exclusive'));
  }
  return errs;
}

/** kubectl's CONDITION column: the condition types, `Issued` once signed, `Pending` before. */
export function csrCondition(csr: CertificateSigningRequest): string {
  const types = (csr.status?.conditions ?? []).filter((c) => c.status !== 'False').map((c) => c.type);
  if (csr.status?.certificate) types.push('Issued');
  return types.length ? types.join(',') : 'Pending';
}

export const csrResource: ResourceType = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  listKind: 'CertificateSigningRequestList',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  shortNames: ['csr'],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: csrSchema,
  subresources: { status: true },
  hasGeneration: false,
  defaults() {
    // v1 has no defaults: usages and signerName are required.
  },
  validate: validateCsr,
  tableColumns: [
    nameColumn,
    ageColumn,
    column('SignerName', 'Name of the signer that should sign the certificate'),
    column('Requestor', 'Name of the user who submitted the request'),
    column('RequestedDuration', 'Duration the requester asked the certificate to be valid for'),
    column('Condition', 'The state of the request'),
  ],
  tableRow: (o: KubeObject, now: number) => {
    const csr = o as unknown as CertificateSigningRequest;
    return [
      o.metadata.name ?? '',
      age(o, now),
      csr.spec?.signerName ?? '',
      csr.spec?.username ?? '',
      csr.spec?.expirationSeconds ? humanDuration(csr.spec.expirationSeconds * 1000) : '<none>',
      csrCondition(csr),
    ];
  },
};
