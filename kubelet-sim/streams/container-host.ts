import type { Container } from '../../api/core/container.js';
import type { Pod } from '../../api/core/pod.js';
import type { Service } from '../../api/core/service.js';
import type { Clock } from '../../lib/clock.js';
import { resolveContainerEnv, type ConfigSources } from '../container-config.js';
import { alwaysReadOnly, volumeContent } from '../volume-content.js';
import { DEFAULT_CLUSTER_DNS, etcHosts, podHostname, resolvConf, type ClusterDns } from '../etc-files.js';
import { processClock } from '../process-clock.js';
import { containerEnv } from '../service-env.js';
import { IMAGE_DIRS, SimFs } from '../shell/sim-fs.js';
import type { NetHost, ShellHost } from '../shell/types.js';
import { macFor, podIpCommand } from './pod-net-commands.js';

/**
 * The world a process in a simulated container sees: its filesystem (kept per container
 * run, so files written by one exec are there for the next and for `kubectl cp`), its
 * environ (container env + Service variables) and its network (NetHost). One per
 * kubelet-sim process; entries of runs that ended are dropped when the map grows.
 */

export interface ContainerTarget {
  pod: Pod;
  container: Container;
  node: string;
  hostIP: string;
  podIP?: string;
  /** The run's start (epoch ms): a restart gets a fresh filesystem. */
  startedAt: number;
}

/** The simulated network as seen from one container: given by the kubelet-sim, which knows the data path. */
export type NetFactory = (target: ContainerTarget) => NetHost;

const MAX_FILESYSTEMS = 2000;
/** Simulated time a client spends on a request besides the server's answer: wget's start, its DNS lookup, the connection. */
export const CLIENT_REQUEST_MS = 5;

export class ContainerHosts {
  private readonly filesystems = new Map<string, SimFs>();
  /** Each run's env as resolved at its start: a container's environment never changes while it runs. */
  private readonly envs = new Map<string, Array<{ name: string; value?: string; valueFrom?: unknown }> | undefined>();

  constructor(
    private readonly clock: Clock,
    private readonly services: () => readonly Service[],
    private readonly net: NetFactory = () => ({}),
    /** ConfigMaps and Secrets, for env/envFrom (container-config.ts); absent: only plain env values. */
    private readonly config?: ConfigSources,
    /** kubelet's --cluster-dns and --cluster-domain, for /etc/resolv.conf and /etc/hosts. */
    private readonly dns: ClusterDns = DEFAULT_CLUSTER_DNS,
  ) {}

  private fsFor(t: ContainerTarget): SimFs {
    const key = `${t.pod.metadata.uid}/${t.container.name}/${t.startedAt}`;
    let fs = this.filesystems.get(key);
    if (fs) return fs;
    fs = new SimFs(() => this.clock.now());
    for (const d of IMAGE_DIRS) fs.mkdirp(d);
    fs.write('/etc/resolv.conf', resolvConf(t.pod, this.dns));
    fs.write('/etc/hosts', etcHosts(t.pod, t.pod.spec?.hostNetwork ? t.hostIP : t.podIP, this.dns.domain));
    fs.write('/etc/hostname', `${t.pod.spec?.hostNetwork ? t.node : podHostname(t.pod)}\n`);
    fs.write('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
    fs.mkdirp('/var/run/secrets/kubernetes.io/serviceaccount');
    fs.write('/var/run/secrets/kubernetes.io/serviceaccount/namespace', t.pod.metadata.namespace ?? 'default');
    if (this.filesystems.size >= MAX_FILESYSTEMS) this.filesystems.delete(this.filesystems.keys().next().value!);
    this.filesystems.set(key, fs);
    this.mountConfigVolumes(t, fs, true);
    this.declareMounts(t, fs);
    return fs;
  }

  /**
   * Which paths a process may change, as in kube: configMap, secret, downwardAPI and
   * projected volumes are always read-only, other mounts when `readOnly: true`, the root
   * filesystem with securityContext.readOnlyRootFilesystem (the kubelet's /etc/hosts,
   * resolv.conf, hostname and termination log stay writable bind mounts).
   */
  private declareMounts(t: ContainerTarget, fs: SimFs): void {
    for (const m of t.container.volumeMounts ?? []) {
      if (!m.mountPath) continue;
      const root = SimFs.resolve('/', m.mountPath);
      const apiData = alwaysReadOnly(t.pod, m.name);
      if (!apiData && !m.subPath && !fs.get(root)) fs.mkdirp(root);
      fs.mount(root, Boolean(m.readOnly) || apiData);
    }
    fs.mount('/var/run/secrets/kubernetes.io/serviceaccount', true);
    for (const f of ['/etc/hosts', '/etc/resolv.conf', '/etc/hostname', '/dev/termination-log']) fs.mount(f, false);
    fs.setRootReadOnly(t.container.securityContext?.readOnlyRootFilesystem === true);
  }

  /**
   * The container's configMap, secret, downwardAPI and projected volumes as files under their
   * mountPaths (only the key given by a subPath mount). Called when the filesystem is made
   * and again for every process started in it, so an edited ConfigMap or Secret shows in
   * the next `kubectl exec`, as the kubelet's periodic volume sync shows it (kube takes up
   * to a minute; here the next process sees it). subPath mounts keep what they got at
   * start, as in kube. A key deleted from the source disappears from the mount.
   */
  private mountConfigVolumes(t: ContainerTarget, fs: SimFs, first: boolean): void {
    if (!this.config) return;
    for (const m of t.container.volumeMounts ?? []) {
      if (!m.mountPath || (!first && m.subPath)) continue;
      const vol = t.pod.spec?.volumes?.find((v) => v.name === m.name) as
        | { configMap?: { defaultMode?: number }; secret?: { defaultMode?: number }; downwardAPI?: { defaultMode?: number }; projected?: { defaultMode?: number } }
        | undefined;
      if (!vol || !(vol.configMap || vol.secret || vol.downwardAPI || vol.projected)) continue;
      const content = volumeContent(t.pod, m.name, this.config);
      if (!content?.ok) continue;
      const files = content.files;
      const mode = (vol.configMap ?? vol.secret ?? vol.downwardAPI ?? vol.projected)?.defaultMode ?? 0o644;
      const root = SimFs.resolve('/', m.mountPath);
      if (m.subPath) {
        const data = files.get(m.subPath);
        if (data !== undefined) fs.write(root, data, { parents: true, mode, force: true });
        continue;
      }
      fs.mkdirp(root);
      const wanted = new Set<string>();
      for (const [rel, data] of files) {
        const path = SimFs.resolve(root, rel);
        if (!path.startsWith(`${root}/`)) continue; // items paths never leave the mount
        wanted.add(path);
        fs.write(path, data, { parents: true, mode, force: true });
      }
      if (!first) {
        for (const name of fs.list(root)) {
          const path = `${root}/${name}`;
          if (!fs.isDir(path) && !wanted.has(path)) fs.remove(path, false, true);
        }
      }
    }
  }

  /** The container's env entries with envFrom and valueFrom resolved (kube's order); plain values when a source is missing. */
  private configuredEnv(t: ContainerTarget): Array<{ name: string; value?: string; valueFrom?: unknown }> | undefined {
    const key = `${t.pod.metadata.uid}/${t.container.name}/${t.startedAt}`;
    if (this.envs.has(key)) return this.envs.get(key);
    const env = this.resolveEnv(t);
    if (this.envs.size >= MAX_FILESYSTEMS) this.envs.delete(this.envs.keys().next().value!);
    this.envs.set(key, env);
    return env;
  }

  private resolveEnv(t: ContainerTarget): Array<{ name: string; value?: string; valueFrom?: unknown }> | undefined {
    const c = t.container;
    if (!this.config || ((c.envFrom?.length ?? 0) === 0 && !(c.env ?? []).some((e) => e.valueFrom !== undefined))) return c.env;
    const r = resolveContainerEnv(t.pod, c, this.config);
    return r.ok ? [...r.env].map(([name, value]) => ({ name, value })) : c.env;
  }

  /** The host and environ for a process started now in the container (tty: the session has a terminal). */
  hostFor(t: ContainerTarget, tty: boolean): { host: ShellHost; env: Map<string, string> } {
    const hostname = t.pod.spec?.hostNetwork ? t.node : podHostname(t.pod);
    const env = containerEnv({
      namespace: t.pod.metadata.namespace ?? 'default',
      enableServiceLinks: t.pod.spec?.enableServiceLinks,
      services: this.services(),
      startedAt: t.startedAt,
      hostname,
      env: this.configuredEnv(t),
      tty,
    });
    const ip = t.pod.spec?.hostNetwork ? t.hostIP : t.podIP;
    const outer = this.net(t);
    const podCommands: NetHost['command'] = (argv) => {
      const own = outer.command?.(argv);
      if (own) return own;
      if (!ip || t.pod.spec?.hostNetwork) return undefined;
      return podIpCommand(argv, { podIP: ip, ifIndex: 3 + (Number(ip.split('.')[3]) || 0), mac: macFor(ip) });
    };
    // The client's own share of a request (program start, DNS lookup, connect) on top of
    // the server's answer time: the usage calibration's loop overhead (usage/calibration.test.ts).
    const http: NetHost['http'] = outer.http && (async (req) => {
      const res = await outer.http!(req);
      return { ...res, latencyMs: res.latencyMs + CLIENT_REQUEST_MS };
    });
    // Each process sleeps on its own clock: waits in a chain keep simulated time even when
    // the host's timers fire late (process-clock.ts), so a loop's rate is the model's.
    const fs = this.fsFor(t);
    this.mountConfigVolumes(t, fs, false);
    const host: ShellHost = { clock: processClock(this.clock), fs, hostname, net: { ...outer, ...(http ? { http } : {}), command: podCommands } };
    return { host, env };
  }
}
