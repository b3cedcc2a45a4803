import { stringify } from 'yaml';

/**
 * YAML manifests for `kubectl … -f -`, written as a user would write them (no defaults,
 * no status). Each returns the document text.
 */

export function podYaml(name: string, opts: { namespace?: string; labels?: Record<string, string>; spec?: Record<string, unknown> } = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(opts.namespace ? { namespace: opts.namespace } : {}), labels: opts.labels ?? { app: name } },
    spec: opts.spec ?? { containers: [{ name: 'c', image: 'nginx:1.27' }] },
  });
}

export function configMapYaml(name: string, data: Record<string, string>, opts: { namespace?: string } = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
    data,
  });
}

export function namespaceYaml(name: string): string {
  return stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export function deploymentYaml(name: string, replicas: number): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
    },
  });
}

/** The validation message Kubernetes gives for a name that is not a DNS-1123 subdomain. */
export function rfc1123SubdomainMessage(value: string): string {
  return (
    `Invalid value: "${value}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, ` +
    `'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation ` +
    `is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`
  );
}
