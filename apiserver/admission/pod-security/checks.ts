/**
 * The Pod Security Standards' checks (kube's staging/src/k8s.io/pod-security-admission/
 * policy/check_*.go), one pure function each over a pod's metadata and spec. A check
 * returns undefined when the pod passes, else kube's reason and detail. `level` says
 * where the check belongs; `overrides` names the baseline check a restricted one
 * replaces; `since` is the first policy version (v1.x) that has it.
 */

export type Level = 'privileged' | 'baseline' | 'restricted';

export interface CheckResult {
  reason: string;
  detail: string;
}

interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string; localhostProfile?: string };
  appArmorProfile?: { type?: string; localhostProfile?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
  windowsOptions?: { hostProcess?: boolean };
}
interface ContainerLike {
  name: string;
  securityContext?: SecurityContext;
  ports?: Array<{ hostPort?: number }>;
}
export interface PodSpecLike {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  os?: { name?: string };
  securityContext?: SecurityContext & { sysctls?: Array<{ name: string; value?: string }> };
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
  volumes?: Array<{ name: string } & Record<string, unknown>>;
}
export interface PodMetaLike {
  annotations?: Record<string, string>;
}

export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  since: number;
  overrides?: string;
  run(meta: PodMetaLike, spec: PodSpecLike): CheckResult | undefined;
}

/** Init containers, containers, ephemeral containers: kube's visiting order. */
function allContainers(spec: PodSpecLike): ContainerLike[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

const quote = (xs: readonly string[]): string => xs.map((x) => JSON.stringify(x)).join(', ');
const containersPhrase = (names: readonly string[]): string => `${names.length === 1 ? 'container' : 'containers'} ${quote(names)}`;
const isWindows = (spec: PodSpecLike): boolean => spec.os?.name === 'windows';

const hostProcess: Check = {
  id: 'hostProcess',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const pod = spec.securityContext?.windowsOptions?.hostProcess === true;
    const bad = allContainers(spec).filter((c) => c.securityContext?.windowsOptions?.hostProcess === true).map((c) => c.name);
    if (!pod && bad.length === 0) return undefined;
    const who = [pod ? 'pod' : '', bad.length ? containersPhrase(bad) : ''].filter(Boolean).join(' and ');
    return { reason: 'hostProcess', detail: `${who} must not set securityContext.windowsOptions.hostProcess=true` };
  },
};

const hostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const set = [spec.hostNetwork && 'hostNetwork=true', spec.hostPID && 'hostPID=true', spec.hostIPC && 'hostIPC=true'].filter(Boolean) as string[];
    return set.length ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
  },
};

const privileged: Check = {
  id: 'privileged',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const bad = allContainers(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
    return bad.length ? { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` } : undefined;
  },
};

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const capabilitiesBaseline: Check = {
  id: 'capabilities_baseline',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const names: string[] = [];
    const caps = new Set<string>();
    for (const c of allContainers(spec)) {
      const bad = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
      if (bad.length) {
        names.push(c.name);
        for (const b of bad) caps.add(b);
      }
    }
    if (!names.length) return undefined;
    return { reason: 'non-default capabilities', detail: `${containersPhrase(names)} must not include ${quote([...caps].sort())} in securityContext.capabilities.add` };
  },
};

const hostPathVolumes: Check = {
  id: 'hostPathVolumes',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const bad = (spec.volumes ?? []).filter((v) => v.hostPath !== undefined && v.hostPath !== null).map((v) => v.name);
    return bad.length ? { reason: 'hostPath volumes', detail: `${bad.length === 1 ? 'volume' : 'volumes'} ${quote(bad)}` } : undefined;
  },
};

const hostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const names: string[] = [];
    const ports: number[] = [];
    for (const c of allContainers(spec)) {
      const used = (c.ports ?? []).map((p) => p.hostPort ?? 0).filter((p) => p !== 0);
      if (used.length) {
        names.push(c.name);
        for (const p of used) if (!ports.includes(p)) ports.push(p);
      }
    }
    if (!names.length) return undefined;
    const one = names.length === 1;
    return { reason: 'hostPort', detail: `${containersPhrase(names)} ${one ? 'uses' : 'use'} ${ports.length === 1 ? 'hostPort' : 'hostPorts'} ${ports.join(', ')}` };
  },
};

const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const appArmorProfile: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  since: 0,
  run(meta, spec) {
    const bad: string[] = [];
    const badField = (t: string | undefined) => t !== undefined && t !== 'RuntimeDefault' && t !== 'Localhost';
    if (badField(spec.securityContext?.appArmorProfile?.type)) bad.push(`pod must not set securityContext.appArmorProfile.type to ${JSON.stringify(spec.securityContext!.appArmorProfile!.type)}`);
    const badContainers = allContainers(spec).filter((c) => badField(c.securityContext?.appArmorProfile?.type));
    for (const c of badContainers) bad.push(`container ${JSON.stringify(c.name)} must not set securityContext.appArmorProfile.type to ${JSON.stringify(c.securityContext!.appArmorProfile!.type)}`);
    const annotations = Object.entries(meta.annotations ?? {})
      .filter(([k, v]) => k.startsWith(APPARMOR_PREFIX) && v !== 'runtime/default' && !v.startsWith('localhost/'))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .sort();
    if (annotations.length) bad.push(`${annotations.length === 1 ? 'annotation' : 'annotations'} ${annotations.join(', ')}`);
    if (!bad.length) return undefined;
    return { reason: bad.length === 1 ? 'forbidden AppArmor profile' : 'forbidden AppArmor profiles', detail: bad.join('; ') };
  },
};

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

const seLinuxOptions: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const types = new Set<string>();
    let user = false;
    let role = false;
    const who: string[] = [];
    const look = (o: SecurityContext['seLinuxOptions']): boolean => {
      if (!o) return false;
      let bad = false;
      if (o.type !== undefined && !SELINUX_TYPES.has(o.type)) {
        types.add(o.type);
        bad = true;
      }
      if (o.user) (user = true), (bad = true);
      if (o.role) (role = true), (bad = true);
      return bad;
    };
    const pod = look(spec.securityContext?.seLinuxOptions);
    const names = allContainers(spec).filter((c) => look(c.securityContext?.seLinuxOptions)).map((c) => c.name);
    if (!pod && !names.length) return undefined;
    if (pod) who.push('pod');
    if (names.length) who.push(containersPhrase(names));
    const what: string[] = [];
    if (types.size) what.push(`${types.size === 1 ? 'type' : 'types'} ${quote([...types].sort())}`);
    if (user) what.push('user may not be set');
    if (role) what.push('role may not be set');
    return { reason: 'seLinuxOptions', detail: `${who.join(' and ')} set forbidden securityContext.seLinuxOptions: ${what.join('; ')}` };
  },
};

const procMount: Check = {
  id: 'procMount',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const bad = allContainers(spec).filter((c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== 'Default').map((c) => c.name);
    if (!bad.length) return undefined;
    const value = allContainers(spec).find((c) => bad.includes(c.name))!.securityContext!.procMount!;
    return { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${JSON.stringify(value)}` };
  },
};

const seccompBaseline: Check = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const pod = spec.securityContext?.seccompProfile?.type === 'Unconfined';
    const bad = allContainers(spec).filter((c) => c.securityContext?.seccompProfile?.type === 'Unconfined').map((c) => c.name);
    if (!pod && !bad.length) return undefined;
    const who = [pod ? 'pod' : '', bad.length ? containersPhrase(bad) : ''].filter(Boolean).join(' and ');
    return { reason: 'seccompProfile', detail: `${who} must not set securityContext.seccompProfile.type to "Unconfined"` };
  },
};

const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);

const sysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  since: 0,
  run(_m, spec) {
    const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !SAFE_SYSCTLS.has(n));
    return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
  },
};

const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const restrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  since: 0,
  overrides: 'hostPathVolumes',
  run(_m, spec) {
    const names: string[] = [];
    const types: string[] = [];
    for (const v of spec.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
      if (type && !ALLOWED_VOLUME_TYPES.has(type)) {
        names.push(v.name);
        if (!types.includes(type)) types.push(type);
      }
    }
    if (!names.length) return undefined;
    const one = names.length === 1;
    return {
      reason: 'restricted volume types',
      detail: `${one ? 'volume' : 'volumes'} ${quote(names)} ${one ? 'uses' : 'use'} restricted volume ${types.length === 1 ? 'type' : 'types'} ${quote(types)}`,
    };
  },
};

const allowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  since: 8,
  run(_m, spec) {
    if (isWindows(spec)) return undefined;
    const bad = allContainers(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
    return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
  },
};

/**
 * The shape runAsNonRoot and seccompProfile share: explicit bad setters (pod, containers)
 * are reported first; else the containers no valid pod-level value covers.
 */
function settersOrImplicit(
  spec: PodSpecLike,
  podValue: unknown,
  podGood: boolean,
  containerValue: (c: ContainerLike) => unknown,
  good: (v: unknown) => boolean,
): { badSetters: string[]; badValues: string[]; implicit: string[] } {
  const badSetters: string[] = [];
  const badValues: string[] = [];
  if (podValue !== undefined && !good(podValue)) {
    badSetters.push('pod');
    badValues.push(String(podValue));
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of allContainers(spec)) {
    const v = containerValue(c);
    if (v !== undefined) {
      if (!good(v)) {
        explicit.push(c.name);
        if (!badValues.includes(String(v))) badValues.push(String(v));
      }
    } else if (!podGood) implicit.push(c.name);
  }
  if (explicit.length) badSetters.push(containersPhrase(explicit));
  return { badSetters, badValues: badValues.sort(), implicit };
}

const runAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  since: 0,
  run(_m, spec) {
    const podValue = spec.securityContext?.runAsNonRoot;
    const r = settersOrImplicit(spec, podValue, podValue === true, (c) => c.securityContext?.runAsNonRoot, (v) => v === true);
    if (r.badSetters.length) return { reason: 'runAsNonRoot != true', detail: `${r.badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
    if (r.implicit.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersPhrase(r.implicit)} must set securityContext.runAsNonRoot=true` };
    return undefined;
  },
};

const runAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  since: 23,
  run(_m, spec) {
    const pod = spec.securityContext?.runAsUser === 0;
    const bad = allContainers(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
    if (!pod && !bad.length) return undefined;
    const who = [pod ? 'pod' : '', bad.length ? containersPhrase(bad) : ''].filter(Boolean).join(' and ');
    return { reason: 'runAsUser=0', detail: `${who} must not set runAsUser=0` };
  },
};

const seccompRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  since: 19,
  overrides: 'seccompProfile_baseline',
  run(_m, spec) {
    if (isWindows(spec)) return undefined;
    const good = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
    const podType = spec.securityContext?.seccompProfile?.type;
    const r = settersOrImplicit(spec, podType, good(podType), (c) => c.securityContext?.seccompProfile?.type, good);
    if (r.badSetters.length) return { reason: 'seccompProfile', detail: `${r.badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${quote(r.badValues)}` };
    if (r.implicit.length) return { reason: 'seccompProfile', detail: `pod or ${containersPhrase(r.implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
    return undefined;
  },
};

const capabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  since: 22,
  overrides: 'capabilities_baseline',
  run(_m, spec) {
    if (isWindows(spec)) return undefined;
    const noDrop: string[] = [];
    const badAdd: string[] = [];
    const caps = new Set<string>();
    for (const c of allContainers(spec)) {
      const capsOf = c.securityContext?.capabilities;
      if (!(capsOf?.drop ?? []).includes('ALL')) noDrop.push(c.name);
      const bad = (capsOf?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
      if (bad.length) {
        badAdd.push(c.name);
        for (const b of bad) caps.add(b);
      }
    }
    const details: string[] = [];
    if (noDrop.length) details.push(`${containersPhrase(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
    if (badAdd.length) details.push(`${containersPhrase(badAdd)} must not include ${quote([...caps].sort())} in securityContext.capabilities.add`);
    return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
  },
};

/** Every check in kube's order: the baseline checks by ID, then the restricted ones by ID. */
export const CHECKS: readonly Check[] = [
  appArmorProfile,
  capabilitiesBaseline,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProcess,
  privileged,
  procMount,
  seLinuxOptions,
  seccompBaseline,
  sysctls,
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompRestricted,
];
