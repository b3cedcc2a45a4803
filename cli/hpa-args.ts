import type { HpaControllerConfig } from '../hpa/hpa-controller.js';
import type { ClientRunOptions, FlagValues } from './client-args.js';
import { parseDuration } from './duration.js';
import { InvalidValue, parseLogLevel, parsePath } from './values.js';

/**
 * The flags of the HPA controller, with kube-controller-manager's names and defaults
 * (hpa/hpa-controller.ts): `kubeling hpa` takes them, and so does `up`, which starts the
 * controller in-process.
 */

export type HpaFlagSettings = Partial<Pick<HpaControllerConfig, 'syncPeriodMs' | 'tolerance' | 'downscaleStabilizationMs' | 'cpuInitializationPeriodMs' | 'delayOfInitialReadinessStatusMs'>>;

export interface HpaRunOptions extends ClientRunOptions {
  leaderElect: boolean;
  hpa: HpaFlagSettings;
  /** --use-service-account-credentials (kube-controller-manager's, which runs the HPA): act as kube-system/horizontal-pod-autoscaler. */
  useServiceAccountCredentials: boolean;
}

const str = (v: FlagValues, name: string): string | undefined => {
  const value = v[name];
  return typeof value === 'string' ? value : undefined;
};

/** The --horizontal-pod-autoscaler-* flags that were given; absent ones keep kube's defaults. */
export function hpaFlagSettings(v: FlagValues): HpaFlagSettings {
  const out: HpaFlagSettings = {};
  const duration = (flag: string, key: keyof HpaFlagSettings, positive: boolean): void => {
    const raw = str(v, flag);
    if (raw === undefined) return;
    const ms = parseDuration(flag, raw);
    if (positive && ms <= 0) throw new InvalidValue(`invalid --${flag} "${raw}": must be greater than 0`);
    out[key] = ms;
  };
  duration('horizontal-pod-autoscaler-sync-period', 'syncPeriodMs', true);
  duration('horizontal-pod-autoscaler-downscale-stabilization', 'downscaleStabilizationMs', false);
  duration('horizontal-pod-autoscaler-cpu-initialization-period', 'cpuInitializationPeriodMs', false);
  duration('horizontal-pod-autoscaler-initial-readiness-delay', 'delayOfInitialReadinessStatusMs', false);
  const tolerance = str(v, 'horizontal-pod-autoscaler-tolerance');
  if (tolerance !== undefined) {
    const t = /^\d+(\.\d+)?$|^\.\d+$/.test(tolerance) ? Number(tolerance) : NaN;
    if (!Number.isFinite(t) || t < 0) {
      throw new InvalidValue(`invalid --horizontal-pod-autoscaler-tolerance "${tolerance}": must be a number of 0 or more, e.g. 0.1`);
    }
    out.tolerance = t;
  }
  return out;
}

/** `kubeling hpa`: a client of the apiserver, as the controller manager is. */
export function hpaOptions(v: FlagValues, cwd: string): HpaRunOptions {
  const kubeconfig = str(v, 'kubeconfig');
  if (kubeconfig === undefined) {
    throw new InvalidValue('hpa needs --kubeconfig PATH: the kubeconfig to connect with, e.g. the one `kubeling apiserver` writes');
  }
  const options: HpaRunOptions = {
    kubeconfigPath: parsePath('kubeconfig', kubeconfig, cwd),
    leaderElect: v['leader-elect'] !== false,
    hpa: hpaFlagSettings(v),
    useServiceAccountCredentials: v['use-service-account-credentials'] === true,
  };
  const level = str(v, 'log-level');
  if (level !== undefined) options.logLevel = parseLogLevel(level);
  return options;
}
