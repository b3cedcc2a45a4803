import { parse } from 'yaml';
import type { PodSecurityConfig } from './pod-security/admission.js';
import { parseLevel, parseVersion, type LevelVersion, type Policy } from './pod-security/policy.js';

/**
 * kube-apiserver's --admission-control-config-file: an AdmissionConfiguration
 * (apiserver.config.k8s.io/v1) whose `plugins` entry for PodSecurity carries an inline
 * PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1): the policy of
 * unlabelled namespaces (`defaults`) and the `exemptions`. Other plugins' entries are
 * accepted and ignored. A malformed file is an error naming what is wrong (the apiserver
 * does not start), as kube-apiserver's is.
 */

export class AdmissionConfigError extends Error {}

const CONFIG_VERSIONS = ['apiserver.config.k8s.io/v1', 'apiserver.config.k8s.io/v1alpha1', 'apiserver.k8s.io/v1alpha1'];
const PSA_VERSIONS = ['pod-security.admission.config.k8s.io/v1', 'pod-security.admission.config.k8s.io/v1beta1', 'pod-security.admission.config.k8s.io/v1alpha1'];

function strings(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new AdmissionConfigError(`${field}: must be a list of strings`);
  return value as string[];
}

function levelVersion(defaults: Record<string, unknown>, mode: string): LevelVersion {
  const rawLevel = defaults[mode] ?? 'privileged';
  const rawVersion = defaults[`${mode}-version`] ?? 'latest';
  const level = typeof rawLevel === 'string' ? parseLevel(rawLevel) : undefined;
  if (!level) throw new AdmissionConfigError(`defaults.${mode}: Invalid value: ${JSON.stringify(rawLevel)}: must be one of privileged, baseline, restricted`);
  const minor = typeof rawVersion === 'string' ? parseVersion(rawVersion) : undefined;
  if (minor === undefined) throw new AdmissionConfigError(`defaults.${mode}-version: Invalid value: ${JSON.stringify(rawVersion)}: must be "latest" or "v1.x"`);
  return { level, minor };
}

/** The PodSecurity settings of an AdmissionConfiguration document (YAML or JSON). */
export function parseAdmissionConfiguration(text: string): PodSecurityConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new AdmissionConfigError(`unable to parse the admission configuration: ${(err as Error).message}`);
  }
  const root = doc as { apiVersion?: unknown; kind?: unknown; plugins?: unknown } | null;
  if (!root || typeof root !== 'object') throw new AdmissionConfigError('the admission configuration is not an object');
  if (root.kind !== 'AdmissionConfiguration' || !CONFIG_VERSIONS.includes(String(root.apiVersion))) {
    throw new AdmissionConfigError(`unexpected kind ${JSON.stringify(root.kind)} of apiVersion ${JSON.stringify(root.apiVersion)}: want AdmissionConfiguration of apiserver.config.k8s.io/v1`);
  }
  const plugins = root.plugins ?? [];
  if (!Array.isArray(plugins)) throw new AdmissionConfigError('plugins: must be a list');
  const entry = plugins.find((p) => (p as { name?: unknown })?.name === 'PodSecurity') as { configuration?: unknown; path?: unknown } | undefined;
  if (!entry) return {};
  if (entry.path !== undefined) throw new AdmissionConfigError('plugins[PodSecurity].path: configuration files by path are not supported; give the configuration inline');
  const cfg = entry.configuration as { apiVersion?: unknown; kind?: unknown; defaults?: unknown; exemptions?: unknown } | undefined;
  if (!cfg || typeof cfg !== 'object') return {};
  if (cfg.kind !== 'PodSecurityConfiguration' || !PSA_VERSIONS.includes(String(cfg.apiVersion))) {
    throw new AdmissionConfigError(`plugins[PodSecurity].configuration: unexpected kind ${JSON.stringify(cfg.kind)} of apiVersion ${JSON.stringify(cfg.apiVersion)}: want PodSecurityConfiguration of pod-security.admission.config.k8s.io/v1`);
  }
  const out: PodSecurityConfig = {};
  if (cfg.defaults !== undefined) {
    const d = (cfg.defaults ?? {}) as Record<string, unknown>;
    const policy: Policy = { enforce: levelVersion(d, 'enforce'), audit: levelVersion(d, 'audit'), warn: levelVersion(d, 'warn') };
    out.defaults = policy;
  }
  if (cfg.exemptions !== undefined) {
    const e = (cfg.exemptions ?? {}) as Record<string, unknown>;
    out.exemptions = {
      usernames: strings(e.usernames, 'exemptions.usernames'),
      namespaces: strings(e.namespaces, 'exemptions.namespaces'),
      runtimeClasses: strings(e.runtimeClasses, 'exemptions.runtimeClasses'),
    };
  }
  return out;
}
