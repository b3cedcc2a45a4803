import type { FieldError } from '../types.js';
import { isValidQuantity, parseQuantity } from '../quantity.js';
import {
  deepEqual,
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  notFound,
  notSupported,
  required,
  validateLabelSelector,
  validateLabels,
} from '../validation.js';
import type { Container, Probe } from './container.js';
import type { NodeSelectorTerm, PodAffinityTerm, PodSpec, Toleration } from './pod-spec.js';
import { volumeSourceKeys } from './pod-spec.js';

/**
 * Pod spec validation, worded as pkg/apis/core/validation words it. validatePodSpec serves
 * Pods and every pod template (apps/v1 passes `spec.template.spec`).
 */

export const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const terminationMessagePolicies = ['FallbackToLogsOnError', 'File'];
const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const nodeSelectorOperators = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'];
const maxInt32 = 2147483647;

function inclusiveRange(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

function validateResources(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  for (const [kind, list] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, q] of Object.entries(list)) {
      const p = `${path}.resources.${kind}[${name}]`;
      if (!isValidQuantity(q)) errs.push(invalid(p, q, 'must be a valid quantity'));
      else if (parseQuantity(q) < 0) errs.push(invalid(p, q, 'must be greater than or equal to 0'));
    }
  }
  for (const [name, q] of Object.entries(requests)) {
    const lim = limits[name];
    if (lim === undefined || !isValidQuantity(q) || !isValidQuantity(lim)) continue;
    if (parseQuantity(q) > parseQuantity(lim)) {
      errs.push(invalid(`${path}.resources.requests[${name}]`, String(q), `must be less than or equal to ${name} limit of ${lim}`));
    }
  }
  return errs;
}

function validateProbe(probe: Probe | undefined, path: string, liveness: boolean, readiness = false): FieldError[] {
  if (!probe) return [];
  const errs: FieldError[] = [];
  if (probe.terminationGracePeriodSeconds !== undefined) {
    if (readiness) errs.push(forbidden(`${path}.terminationGracePeriodSeconds`, 'must not be set for readinessProbes'));
    else if (probe.terminationGracePeriodSeconds <= 0) errs.push(invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  if (probe.grpc) errs.push(...invalidEach(`${path}.grpc.port`, probe.grpc.port, isValidPortNum(probe.grpc.port)));
  if (probe.httpGet?.scheme !== undefined && !['HTTP', 'HTTPS'].includes(probe.httpGet.scheme)) {
    errs.push(notSupported(`${path}.httpGet.scheme`, probe.httpGet.scheme, ['HTTP', 'HTTPS']));
  }
  const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((h) => probe[h] !== undefined);
  if (handlers.length === 0) errs.push(required(path, 'must specify a handler type'));
  else if (handlers.length > 1) errs.push(forbidden(`${path}.${handlers[1]}`, 'may not specify more than 1 handler type'));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = probe[f];
    if (v !== undefined && v < 0) errs.push(invalid(`${path}.${f}`, v, 'must be greater than or equal to 0'));
  }
  if (liveness && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  if (typeof port === 'number') errs.push(...invalidEach(`${path}.${probe.httpGet ? 'httpGet' : 'tcpSocket'}.port`, port, isValidPortNum(port)));
  else if (typeof port === 'string') errs.push(...invalidEach(`${path}.${probe.httpGet ? 'httpGet' : 'tcpSocket'}.port`, port, isValidPortName(port)));
  return errs;
}

function validateContainer(c: Container, path: string, volumes: Set<string>, hostNetwork: boolean, init: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.image) errs.push(required(`${path}.image`));
  else if (c.image.trim() !== c.image) errs.push(invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  if (c.imagePullPolicy && !pullPolicies.includes(c.imagePullPolicy)) {
    errs.push(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, pullPolicies));
  }
  if (c.terminationMessagePolicy && !terminationMessagePolicies.includes(c.terminationMessagePolicy)) {
    errs.push(notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, terminationMessagePolicies));
  }
  if (c.restartPolicy !== undefined) {
    if (!init) errs.push(forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
    else if (c.restartPolicy !== 'Always') errs.push(notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  }
  const portNames = new Set<string>();
  (c.ports ?? []).forEach((p, i) => {
    const pp = `${path}.ports[${i}]`;
    if (p.name) {
      errs.push(...invalidEach(`${pp}.name`, p.name, isValidPortName(p.name)));
      if (portNames.has(p.name)) errs.push(duplicate(`${pp}.name`, p.name));
      portNames.add(p.name);
    }
    if (p.containerPort === 0) errs.push(required(`${pp}.containerPort`));
    else errs.push(...invalidEach(`${pp}.containerPort`, p.containerPort, isValidPortNum(p.containerPort)));
    if (p.hostPort) errs.push(...invalidEach(`${pp}.hostPort`, p.hostPort, isValidPortNum(p.hostPort)));
    if (hostNetwork && p.hostPort && p.hostPort !== p.containerPort) {
      errs.push(invalid(`${pp}.hostPort`, p.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
    }
    if (!p.protocol) errs.push(required(`${pp}.protocol`));
    else if (!supportedPortProtocols.includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, supportedPortProtocols));
  });
  (c.env ?? []).forEach((e, i) => {
    const ep = `${path}.env[${i}]`;
    if (!e.name) errs.push(required(`${ep}.name`));
    else if (!/^[\x20-\x7e]+$/.test(e.name) || e.name.includes('=')) {
      errs.push(invalid(`${ep}.name`, e.name, "a valid environment variable name must consist only of printable ASCII characters other than '='"));
    }
    if (e.valueFrom) {
      const n = Object.values(e.valueFrom).filter((v) => v !== undefined).length;
      if (n === 0) errs.push(invalid(`${ep}.valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (n > 1) errs.push(invalid(`${ep}.valueFrom`, '', 'may not have more than one field specified at a time'));
      if (e.value) errs.push(invalid(`${ep}.valueFrom`, '', 'may not be specified when `value` is not empty'));
    }
  });
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const mp = `${path}.volumeMounts[${i}]`;
    if (!m.name) errs.push(required(`${mp}.name`));
    else if (!volumes.has(m.name)) errs.push(notFound(`${mp}.name`, m.name));
    if (!m.mountPath) errs.push(required(`${mp}.mountPath`));
    else if (mountPaths.has(m.mountPath)) errs.push(invalid(`${mp}.mountPath`, m.mountPath, 'must be unique'));
    mountPaths.add(m.mountPath);
  });
  errs.push(...validateResources(c, path));
  if (init && c.restartPolicy !== 'Always') {
    // kube: only sidecars (restartPolicy Always) may have probes and lifecycle hooks.
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (c[f] !== undefined) errs.push(forbidden(`${path}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
    }
    return errs;
  }
  errs.push(...validateProbe(c.livenessProbe, `${path}.livenessProbe`, true));
  errs.push(...validateProbe(c.readinessProbe, `${path}.readinessProbe`, false, true));
  errs.push(...validateProbe(c.startupProbe, `${path}.startupProbe`, true));
  return errs;
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const tp = `${path}[${i}]`;
    if (t.key) errs.push(...invalidEach(`${tp}.key`, t.key, isQualifiedName(t.key)));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalid(`${tp}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalid(`${tp}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case '':
      case 'Equal':
        errs.push(...invalidEach(`${tp}.operator`, t.value ?? '', isValidLabelValue(t.value ?? '')));
        break;
      case 'Exists':
        if (t.value) errs.push(invalid(`${tp}.operator`, t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(`${tp}.operator`, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !taintEffects.includes(t.effect)) errs.push(notSupported(`${tp}.effect`, t.effect, taintEffects));
  });
  return errs;
}

function validateNodeSelectorTerm(term: NodeSelectorTerm, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [kind, reqs] of [['matchExpressions', term.matchExpressions], ['matchFields', term.matchFields]] as const) {
    (reqs ?? []).forEach((r, i) => {
      const rp = `${path}.${kind}[${i}]`;
      const n = r.values?.length ?? 0;
      switch (r.operator) {
        case 'In':
        case 'NotIn':
          if (n === 0) errs.push(required(`${rp}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (n > 0) errs.push(forbidden(`${rp}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          break;
        case 'Gt':
        case 'Lt':
          if (n !== 1) errs.push(required(`${rp}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
          break;
        default:
          errs.push(notSupported(`${rp}.operator`, r.operator, nodeSelectorOperators));
      }
      if (kind === 'matchExpressions') errs.push(...invalidEach(`${rp}.key`, r.key, isQualifiedName(r.key)));
    });
  }
  return errs;
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!term.topologyKey) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  else errs.push(...invalidEach(`${path}.topologyKey`, term.topologyKey, isQualifiedName(term.topologyKey)));
  errs.push(...validateLabelSelector(term.labelSelector, `${path}.labelSelector`));
  errs.push(...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`));
  return errs;
}

function validateAffinity(spec: PodSpec, path: string): FieldError[] {
  const a = spec.affinity;
  if (!a) return [];
  const errs: FieldError[] = [];
  const na = a.nodeAffinity;
  const req = na?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    const rp = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    if (req.nodeSelectorTerms.length === 0) errs.push(required(`${rp}.nodeSelectorTerms`, 'must have at least one node selector term'));
    req.nodeSelectorTerms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${rp}.nodeSelectorTerms[${i}]`)));
  }
  (na?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p, i) => {
    const pp = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    if (p.weight < 1 || p.weight > 100) errs.push(invalid(`${pp}.weight`, p.weight, 'must be in the range 1-100'));
    errs.push(...validateNodeSelectorTerm(p.preference, `${pp}.preference`));
  });
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[kind];
    if (!pa) continue;
    (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(t, `${path}.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
    );
    (pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w, i) => {
      const wp = `${path}.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (w.weight < 1 || w.weight > 100) errs.push(invalid(`${wp}.weight`, w.weight, 'must be in the range 1-100'));
      errs.push(...validatePodAffinityTerm(w.podAffinityTerm, `${wp}.podAffinityTerm`));
    });
  }
  return errs;
}

/** ValidatePodSpec: containers, volumes, policies, scheduling constraints. `path` is e.g. `spec`. */
export function validatePodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec) return [required(path)];
  // Volumes first: container mounts refer to them.
  const volumes = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    const vp = `${path}.volumes[${i}]`;
    if (!v.name) errs.push(required(`${vp}.name`));
    else {
      errs.push(...invalidEach(`${vp}.name`, v.name, isDNS1123Label(v.name)));
      if (volumes.has(v.name)) errs.push(duplicate(`${vp}.name`, v.name));
      volumes.add(v.name);
    }
    const sources = volumeSourceKeys.filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    if (sources.length === 0) errs.push(required(vp, 'must specify a volume type'));
    else if (sources.length > 1) errs.push(forbidden(`${vp}.${sources[1]}`, 'may not specify more than 1 volume type'));
  });

  const hostNetwork = spec.hostNetwork === true;
  const names = new Set<string>();
  const checkName = (c: Container, cp: string) => {
    if (!c.name) errs.push(required(`${cp}.name`));
    else {
      errs.push(...invalidEach(`${cp}.name`, c.name, isDNS1123Label(c.name)));
      if (names.has(c.name)) errs.push(duplicate(`${cp}.name`, c.name));
      names.add(c.name);
    }
  };
  (spec.initContainers ?? []).forEach((c, i) => {
    const cp = `${path}.initContainers[${i}]`;
    checkName(c, cp);
    errs.push(...validateContainer(c, cp, volumes, hostNetwork, true));
  });
  if (!spec.containers || spec.containers.length === 0) errs.push(required(`${path}.containers`));
  (spec.containers ?? []).forEach((c, i) => {
    const cp = `${path}.containers[${i}]`;
    checkName(c, cp);
    errs.push(...validateContainer(c, cp, volumes, hostNetwork, false));
  });

  if (spec.restartPolicy === undefined || spec.restartPolicy === '') errs.push(required(`${path}.restartPolicy`));
  else if (!restartPolicies.includes(spec.restartPolicy)) errs.push(notSupported(`${path}.restartPolicy`, spec.restartPolicy, restartPolicies));
  if (spec.dnsPolicy && !dnsPolicies.includes(spec.dnsPolicy)) errs.push(notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, dnsPolicies));
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig) errs.push(required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  if (spec.activeDeadlineSeconds !== undefined && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > maxInt32)) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, inclusiveRange(1, maxInt32)));
  }
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  if (spec.serviceAccountName) {
    errs.push(...invalidEach(`${path}.serviceAccountName`, spec.serviceAccountName, isDNS1123Subdomain(spec.serviceAccountName)));
  }
  if (spec.nodeName) errs.push(...invalidEach(`${path}.nodeName`, spec.nodeName, isDNS1123Subdomain(spec.nodeName)));
  if (spec.hostname) errs.push(...invalidEach(`${path}.hostname`, spec.hostname, isDNS1123Label(spec.hostname)));
  if (spec.subdomain) errs.push(...invalidEach(`${path}.subdomain`, spec.subdomain, isDNS1123Label(spec.subdomain)));
  if (spec.priorityClassName) {
    errs.push(...invalidEach(`${path}.priorityClassName`, spec.priorityClassName, isDNS1123Subdomain(spec.priorityClassName)));
  }
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  (spec.readinessGates ?? []).forEach((g, i) =>
    errs.push(...invalidEach(`${path}.readinessGates[${i}].conditionType`, g.conditionType, isQualifiedName(g.conditionType))),
  );
  errs.push(...validateAffinity(spec, `${path}.affinity`));
  (spec.topologySpreadConstraints ?? []).forEach((c, i) => {
    const cp = `${path}.topologySpreadConstraints[${i}]`;
    if (c.maxSkew <= 0) errs.push(invalid(`${cp}.maxSkew`, c.maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(`${cp}.topologyKey`, 'can not be empty'));
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable)) {
      errs.push(notSupported(`${cp}.whenUnsatisfiable`, c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway']));
    }
    errs.push(...validateLabelSelector(c.labelSelector, `${cp}.labelSelector`));
  });
  return errs;
}

// ---------- updates ----------

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** A short go-cmp-like diff of two pod specs, one line per changed top-level field. */
function specDiff(oldSpec: PodSpec, newSpec: PodSpec): string {
  const lines = ['  core.PodSpec{'];
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])];
  for (const k of keys) {
    const a = (oldSpec as Record<string, unknown>)[k];
    const b = (newSpec as Record<string, unknown>)[k];
    if (deepEqual(a, b)) continue;
    const goName = k.charAt(0).toUpperCase() + k.slice(1);
    lines.push(`- \t${goName}: ${a === undefined ? 'nil' : JSON.stringify(a)},`);
    lines.push(`+ \t${goName}: ${b === undefined ? 'nil' : JSON.stringify(b)},`);
  }
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}

function validateOnlyAddedTolerations(newT: Toleration[], oldT: Toleration[], path: string): FieldError[] {
  for (const old of oldT) {
    const found = newT.some((n) => deepEqual({ ...old, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

/**
 * ValidatePodUpdate's spec part: only images, activeDeadlineSeconds (decrease), added
 * tolerations, scheduling gates (removal) and a negative grace period → 1 may change.
 */
export function validatePodSpecUpdate(newSpec: PodSpec, oldSpec: PodSpec, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  for (const kind of ['containers', 'initContainers'] as const) {
    const n = newSpec[kind] ?? [];
    const o = oldSpec[kind] ?? [];
    if (n.length !== o.length) return [forbidden(`${path}.${kind}`, 'pod updates may not add or remove containers')];
  }
  const ads = newSpec.activeDeadlineSeconds;
  const oldAds = oldSpec.activeDeadlineSeconds;
  if (ads !== undefined) {
    if (ads < 0 || ads > maxInt32) return [invalid(`${path}.activeDeadlineSeconds`, ads, inclusiveRange(0, maxInt32))];
    if (oldAds !== undefined && oldAds < ads) return [invalid(`${path}.activeDeadlineSeconds`, ads, 'must be less than or equal to previous value')];
  } else if (oldAds !== undefined) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(newSpec.tolerations ?? [], oldSpec.tolerations ?? [], `${path}.tolerations`));
  if ((oldSpec.schedulingGates ?? []).length === 0 && (newSpec.schedulingGates ?? []).length > 0) {
    errs.push(forbidden(`${path}.schedulingGates`, 'only deletion is allowed, but found new scheduling gate'));
  }

  // Munge the updatable fields back to the old values; anything left over is forbidden.
  const munged: PodSpec = structuredClone(newSpec);
  munged.containers = munged.containers.map((c, i) => ({ ...c, image: oldSpec.containers[i]?.image }));
  if (munged.initContainers) munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: oldSpec.initContainers?.[i]?.image }));
  munged.activeDeadlineSeconds = oldAds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  // Ephemeral containers change only through pods/ephemeralcontainers: the pod registry
  // keeps the live list on every other update (apiserver/registry/hooks/pods.ts).
  munged.ephemeralContainers = oldSpec.ephemeralContainers;
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!deepEqual(munged, oldSpec)) {
    errs.push(forbidden(path, `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${specDiff(oldSpec, munged)}`));
  }
  return errs;
}
