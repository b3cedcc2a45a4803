import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { podResource } from '../../api/core/pod.js';
import { startLiveApiserver, type LiveApiserver } from '../../test/helpers/live-apiserver.js';
import { AdmissionConfigError, parseAdmissionConfiguration } from './admission-config.js';

const config = (psa: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
${psa}`;

describe('--admission-control-config-file', () => {
  it('reads PodSecurity defaults and exemptions', () => {
    const cfg = parseAdmissionConfiguration(config('    defaults: {enforce: baseline, warn: restricted, warn-version: v1.30}\n    exemptions: {namespaces: [kube-system], usernames: [ops]}\n'));
    expect(cfg.defaults).toEqual({ enforce: { level: 'baseline', minor: Infinity }, audit: { level: 'privileged', minor: Infinity }, warn: { level: 'restricted', minor: 30 } });
    expect(cfg.exemptions).toEqual({ namespaces: ['kube-system'], usernames: ['ops'], runtimeClasses: [] });
    expect(parseAdmissionConfiguration('apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n')).toEqual({});
  });

  const bad: Array<[string, string, string]> = [
    ['not YAML', '{', 'unable to parse the admission configuration'],
    ['wrong kind', 'apiVersion: v1\nkind: ConfigMap\n', 'unexpected kind "ConfigMap" of apiVersion "v1": want AdmissionConfiguration of apiserver.config.k8s.io/v1'],
    ['bad level', config('    defaults: {enforce: strict}\n'), 'defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted'],
    ['bad version', config('    defaults: {audit-version: "1.2"}\n'), 'defaults.audit-version: Invalid value: "1.2": must be "latest" or "v1.x"'],
    ['bad exemptions', config('    exemptions: {usernames: ops}\n'), 'exemptions.usernames: must be a list of strings'],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name}`, () => {
      expect(() => parseAdmissionConfiguration(text)).toThrow(AdmissionConfigError);
      expect(() => parseAdmissionConfiguration(text)).toThrow(message);
    });
  }
});

describe('PodSecurity defaults on a live apiserver', () => {
  let api: LiveApiserver | undefined;
  afterEach(async () => {
    await api?.close();
  });

  it('enforces the default level in unlabelled namespaces, but not in exempt ones', async () => {
    api = await startLiveApiserver({ podSecurity: parseAdmissionConfiguration(config('    defaults: {enforce: baseline}\n    exemptions: {namespaces: [free]}\n')) });
    for (const name of ['plain', 'free']) await api.client.create(namespaceResource, { metadata: { name } });
    const hostPod = (ns: string) => ({ metadata: { name: 'h', namespace: ns }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx' }] } }) as KubeObject;
    await expect(api.client.create(podResource, hostPod('plain'))).rejects.toThrow('pods "h" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)');
    await expect(api.client.create(podResource, hostPod('free'))).resolves.toMatchObject({ metadata: { name: 'h' } });
  });
});
