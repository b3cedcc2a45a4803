import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../api/types.js';
import { evaluatePod, forbiddenDetail, policyFromLabels } from './policy.js';
import { namespaceWarnings, validateNamespace, validatePod, validatePodController } from './admission.js';

const latest = (level: 'baseline' | 'restricted') => ({ level, minor: Infinity });
const restrictedContext = { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
const spec = (over: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({ containers: [{ name: 'c', image: 'nginx', ...container }], ...over });
const detail = (level: 'baseline' | 'restricted', s: Record<string, unknown>) => forbiddenDetail(evaluatePod(latest(level), {}, s));

describe('PodSecurity labels', () => {
  it('parses levels and versions, and reports bad values with kube\'s messages', () => {
    expect(policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.25' }).policy.enforce).toEqual({ level: 'baseline', minor: 25 });
    const bad = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'bogus', 'pod-security.kubernetes.io/warn-version': 'v2.0' });
    expect(bad.policy.enforce.level).toBe('restricted');
    expect(bad.errors.map((e) => `${e.field}: ${e.message}`)).toEqual([
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "bogus": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "v2.0": must be "latest" or "v1.x"',
    ]);
    expect(policyFromLabels({ 'pod-security.kubernetes.io/audit': 'nope' }).policy.audit.level).toBe('privileged');
  });
});

describe('baseline checks', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['privileged', spec({}, { securityContext: { privileged: true } }), 'privileged (container "c" must not set securityContext.privileged=true)'],
    ['host namespaces', spec({ hostNetwork: true, hostPID: true }), 'host namespaces (hostNetwork=true, hostPID=true)'],
    ['host ports', spec({}, { ports: [{ containerPort: 80, hostPort: 8080 }] }), 'hostPort (container "c" uses hostPort 8080)'],
    ['hostPath', { ...spec(), volumes: [{ name: 'h', hostPath: { path: '/' } }] }, 'hostPath volumes (volume "h")'],
    ['capabilities', spec({}, { securityContext: { capabilities: { add: ['NET_ADMIN', 'CHOWN'] } } }), 'non-default capabilities (container "c" must not include "NET_ADMIN" in securityContext.capabilities.add)'],
    ['sysctls', spec({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }), 'forbidden sysctls (kernel.msgmax)'],
    ['seccomp Unconfined', spec({ securityContext: { seccompProfile: { type: 'Unconfined' } } }), 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'],
    ['procMount', spec({}, { securityContext: { procMount: 'Unmasked' } }), 'procMount (container "c" must not set securityContext.procMount to "Unmasked")'],
  ];
  for (const [name, s, want] of cases) it(name, () => expect(detail('baseline', s)).toBe(want));

  it('passes a plain pod', () => expect(evaluatePod(latest('baseline'), {}, spec())).toEqual([]));
});

describe('restricted checks', () => {
  it('lists the four failures of a plain pod in kube\'s order', () => {
    expect(detail('restricted', spec())).toBe(
      'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('puts baseline failures first and replaces the baseline checks it overrides', () => {
    expect(detail('restricted', { ...spec({}, { securityContext: { ...restrictedContext, privileged: true, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } }), volumes: [{ name: 'n', nfs: {} }] })).toBe(
      'privileged (container "c" must not set securityContext.privileged=true), unrestricted capabilities (container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add), restricted volume types (volume "n" uses restricted volume type "nfs")',
    );
  });

  it('reports explicit bad values over missing ones', () => {
    expect(detail('restricted', spec({ securityContext: { runAsNonRoot: false, runAsUser: 0 } }, { securityContext: { ...restrictedContext, runAsNonRoot: undefined } }))).toBe(
      'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false), runAsUser=0 (pod must not set runAsUser=0)',
    );
  });

  it('passes a hardened pod, and a pod-level seccomp profile covers every container', () => {
    expect(evaluatePod(latest('restricted'), {}, spec({}, { securityContext: restrictedContext }))).toEqual([]);
    const { seccompProfile, ...rest } = restrictedContext;
    expect(evaluatePod(latest('restricted'), {}, spec({ securityContext: { seccompProfile } }, { securityContext: rest }))).toEqual([]);
  });

  it('older policy versions skip checks added later', () => {
    expect(evaluatePod({ level: 'restricted', minor: 18 }, {}, spec({}, { securityContext: { ...restrictedContext, seccompProfile: undefined } }))).toEqual([]);
  });
});

const ns = (labels: Record<string, string>) => ({ metadata: { name: 'team', labels } }) as KubeObject;
const podObj = (name: string, s: Record<string, unknown> = spec()) => ({ metadata: { name, namespace: 'team' }, spec: s }) as KubeObject;

describe('PodSecurity admission', () => {
  it('refuses a pod under enforce, warns under warn, annotates under audit', () => {
    const labels = { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' };
    const refused = validatePod({}, { operation: 'CREATE', namespace: 'team', username: 'u', namespaceLabels: labels, object: podObj('p', spec({ hostNetwork: true })), oldObject: null });
    expect(refused.forbidden).toBe('violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)');
    expect(refused.warnings).toEqual([]);
    const warned = validatePod({}, { operation: 'CREATE', namespace: 'team', username: 'u', namespaceLabels: labels, object: podObj('p'), oldObject: null });
    expect(warned.forbidden).toBeUndefined();
    expect(warned.warnings[0]).toMatch(/^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    expect(warned.auditAnnotations['pod-security.kubernetes.io/enforce-policy']).toBe('baseline:latest');
    expect(warned.auditAnnotations['pod-security.kubernetes.io/audit-violations']).toMatch(/^would violate PodSecurity "restricted:latest": /);
  });

  it('exempts configured users and namespaces, and ignores status updates', () => {
    const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
    const req = { operation: 'CREATE' as const, namespace: 'team', username: 'ops', namespaceLabels: labels, object: podObj('p'), oldObject: null };
    expect(validatePod({ exemptions: { usernames: ['ops'] } }, req).forbidden).toBeUndefined();
    expect(validatePod({ exemptions: { namespaces: ['team'] } }, req).forbidden).toBeUndefined();
    expect(validatePod({}, { ...req, subresource: 'status' }).forbidden).toBeUndefined();
    expect(validatePod({}, req).forbidden).toBeDefined();
  });

  it('an update that changes only images and labels is let through', () => {
    const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
    const old = podObj('p');
    const next = { ...podObj('p', spec({}, { image: 'nginx:2' })), metadata: { name: 'p', labels: { a: 'b' } } } as KubeObject;
    expect(validatePod({}, { operation: 'UPDATE', namespace: 'team', username: 'u', namespaceLabels: labels, object: next, oldObject: old }).forbidden).toBeUndefined();
  });

  it('workloads get warnings, never a refusal', () => {
    const deployment = { metadata: { name: 'd', namespace: 'team' }, spec: { template: { metadata: {}, spec: spec({ hostPID: true }) } } } as KubeObject;
    const out = validatePodController({}, 'Deployment', { namespace: 'team', username: 'u', namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'baseline' }, object: deployment });
    expect(out.forbidden).toBeUndefined();
    expect(out.warnings).toEqual(['would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)']);
    const cron = { metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: spec({ hostIPC: true }) } } } } } as KubeObject;
    expect(validatePodController({}, 'CronJob', { namespace: 'team', username: 'u', namespaceLabels: { 'pod-security.kubernetes.io/warn': 'baseline' }, object: cron }).warnings).toEqual([
      'would violate PodSecurity "baseline:latest": host namespaces (hostIPC=true)',
    ]);
  });

  it('namespaces: invalid labels are refused on create; tightening enforce warns about existing pods', async () => {
    const created = await validateNamespace({}, { operation: 'CREATE', object: ns({ 'pod-security.kubernetes.io/enforce': 'strict' }), oldObject: null, pods: async () => [] });
    expect(created.invalid?.[0]?.message).toBe('Invalid value: "strict": must be one of privileged, baseline, restricted');
    const pods = [podObj('b'), podObj('a'), podObj('c'), podObj('host', spec({ hostNetwork: true }))];
    const updated = await validateNamespace({}, { operation: 'UPDATE', object: ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), oldObject: ns({}), pods: async () => pods });
    expect(updated.warnings).toEqual(['existing pods in namespace "team" violate the new PodSecurity enforce level "baseline:latest"', 'host: host namespaces']);
    const relaxed = await validateNamespace({}, { operation: 'UPDATE', object: ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), oldObject: ns({ 'pod-security.kubernetes.io/enforce': 'restricted' }), pods: async () => pods });
    expect(relaxed.warnings).toEqual([]);
  });

  it('groups pods with the same failure under the first name', () => {
    const pods = [podObj('b'), podObj('a'), podObj('c')];
    expect(namespaceWarnings('team', latest('restricted'), pods)).toEqual([
      'existing pods in namespace "team" violate the new PodSecurity enforce level "restricted:latest"',
      'a (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
  });
});
