import type { Container, Probe } from './container.js';
import type { PodSpec, Toleration, Volume } from './pod-spec.js';

/**
 * Kubernetes' v1 defaulting for pods and pod templates (pkg/apis/core/v1/defaults.go),
 * plus what the default admission chain adds to every new Pod (ServiceAccount,
 * DefaultTolerationSeconds, Priority). All functions fill in place and never overwrite
 * a value the user wrote.
 */

export const DefaultTerminationGracePeriodSeconds = 30;
export const DefaultSchedulerName = 'default-scheduler';
export const DefaultNotReadyTolerationSeconds = 300;
export const DefaultUnreachableTolerationSeconds = 300;
export const TaintNodeNotReady = 'node.kubernetes.io/not-ready';
export const TaintNodeUnreachable = 'node.kubernetes.io/unreachable';

/** The tag of an image reference ('' for a digest-only reference); `latest` when absent. */
export function imageTag(image: string | undefined): string {
  let ref = image ?? '';
  const at = ref.indexOf('@');
  const hasDigest = at >= 0;
  if (hasDigest) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const tag = colon > slash ? ref.slice(colon + 1) : '';
  if (tag === '' && !hasDigest) return 'latest';
  return tag;
}

/** Always for `:latest` or an untagged image, IfNotPresent otherwise. */
export function defaultImagePullPolicy(image: string | undefined): string {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHandler(h: { httpGet?: { path?: string; scheme?: string } } | undefined): void {
  if (!h?.httpGet) return;
  h.httpGet.path ??= '/';
  h.httpGet.scheme ??= 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  defaultHandler(p);
}

/** SetDefaults_Container and everything nested under a container. */
export function defaultContainer(c: Container, hostNetwork = false): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultImagePullPolicy(c.image);
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const p of c.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (hostNetwork && !p.hostPort) p.hostPort = p.containerPort;
  }
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.fieldRef;
    if (ref && !ref.apiVersion) ref.apiVersion = 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHandler(c.lifecycle?.postStart);
  defaultHandler(c.lifecycle?.preStop);
}

/** Volume source defaults (mode 0644, hostPath type ''), and emptyDir for a source-less volume. */
export function defaultVolume(v: Volume): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && (v as Record<string, unknown>)[k] !== undefined);
  if (sources.length === 0) v.emptyDir = {};
  if (v.secret) v.secret.defaultMode ??= 0o644;
  if (v.configMap) v.configMap.defaultMode ??= 0o644;
  if (v.downwardAPI) v.downwardAPI.defaultMode ??= 0o644;
  if (v.projected) {
    v.projected.defaultMode ??= 0o644;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      for (const item of s.downwardAPI?.items ?? []) if (item.fieldRef && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
    }
  }
  if (v.hostPath) v.hostPath.type ??= '';
  for (const item of v.downwardAPI?.items ?? []) if (item.fieldRef && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
}

/**
 * SetDefaults_PodSpec and the defaults nested in it: for a Pod and for every pod template
 * (Deployment, ReplicaSet, …). Pod-only defaults live in defaultPod.
 */
export function defaultPodSpec(spec: PodSpec): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!spec.securityContext) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = DefaultTerminationGracePeriodSeconds;
  if (!spec.schedulerName) spec.schedulerName = DefaultSchedulerName;
  // The deprecated serviceAccount field mirrors serviceAccountName (v1 conversion).
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.containers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.initContainers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** Whether one toleration covers the given NoExecute taint key (DefaultTolerationSeconds' test). */
function toleratesNoExecute(t: Toleration, key: string): boolean {
  return (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect);
}

/** DefaultTolerationSeconds admission: tolerate not-ready/unreachable NoExecute for 300s. */
export function addDefaultTolerations(spec: PodSpec): void {
  const list = spec.tolerations ?? [];
  const add: Toleration[] = [];
  if (!list.some((t) => toleratesNoExecute(t, TaintNodeNotReady))) {
    add.push({ key: TaintNodeNotReady, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DefaultNotReadyTolerationSeconds });
  }
  if (!list.some((t) => toleratesNoExecute(t, TaintNodeUnreachable))) {
    add.push({ key: TaintNodeUnreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DefaultUnreachableTolerationSeconds });
  }
  if (add.length > 0) spec.tolerations = [...list, ...add];
}

/** Requests default to limits for each resource with a limit and no request (SetDefaults_Pod). */
function defaultRequestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits) return;
  const requests = (c.resources!.requests ??= {});
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
}

/**
 * Everything a new Pod gets beyond its spec's defaults: SetDefaults_Pod (requests from
 * limits, enableServiceLinks) and the admission chain (serviceAccountName `default`,
 * default NoExecute tolerations). priority and preemptionPolicy come from the Priority
 * admission plugin (apiserver/admission/priority.ts), which reads PriorityClasses.
 */
export function defaultPodOnlySpec(spec: PodSpec): void {
  for (const c of spec.containers ?? []) defaultRequestsFromLimits(c);
  for (const c of spec.initContainers ?? []) defaultRequestsFromLimits(c);
  spec.enableServiceLinks ??= true;
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
  spec.serviceAccount = spec.serviceAccountName;
  addDefaultTolerations(spec);
}
