import { randomInt } from 'node:crypto';

/**
 * kube's ServiceAccount admission plugin, the part that mounts the API credentials: a pod
 * whose ServiceAccount allows it (automountServiceAccountToken not false on the pod, else
 * on the ServiceAccount) gets a `kube-api-access-XXXXX` projected volume — a bound token
 * (3607 s), the cluster CA from ConfigMap kube-root-ca.crt and the namespace — mounted
 * read-only at /var/run/secrets/kubernetes.io/serviceaccount in every container and init
 * container that has nothing mounted there yet. Pure but for the random suffix.
 */

export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const VOLUME_PREFIX = 'kube-api-access-';
/** kube's utilrand alphabet: no vowels, no confusable characters. */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

interface Mount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface ContainerLike {
  volumeMounts?: Mount[];
}
export interface PodSpecLike {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  volumes?: Array<{ name: string } & Record<string, unknown>>;
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
}

export function randomSuffix(length = 5, pick: (n: number) => number = randomInt): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[pick(ALPHABET.length)];
  return out;
}

export function apiAccessVolume(name: string): { name: string; projected: Record<string, unknown> } {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** Adds the volume and mounts in place; `saAutomount` is the ServiceAccount's setting. */
export function mountServiceAccountToken(spec: PodSpecLike, saAutomount: boolean | undefined, suffix: string = randomSuffix()): void {
  if (spec.automountServiceAccountToken === false) return;
  if (spec.automountServiceAccountToken === undefined && saAutomount === false) return;
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const needing = containers.filter((c) => !(c.volumeMounts ?? []).some((m) => m.mountPath === TOKEN_MOUNT_PATH));
  if (needing.length === 0) return;
  let name = (spec.volumes ?? []).find((v) => v.name.startsWith(VOLUME_PREFIX) && 'projected' in v)?.name;
  if (!name) {
    name = `${VOLUME_PREFIX}${suffix}`;
    spec.volumes = [...(spec.volumes ?? []), apiAccessVolume(name)];
  }
  for (const c of needing) c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
}
