import { describe, expect, it } from 'vitest';
import { parseCli } from './args.js';

const cwd = '/work/x';

describe('parseCli: hpa', () => {
  it.each([
    { argv: ['hpa', '--kubeconfig', 'kc'], options: { kubeconfigPath: '/work/x/kc', leaderElect: true, hpa: {}, useServiceAccountCredentials: false } },
    {
      argv: [
        'hpa',
        '--kubeconfig=kc',
        '--leader-elect=false',
        '--horizontal-pod-autoscaler-sync-period=1s',
        '--horizontal-pod-autoscaler-tolerance',
        '0.05',
        '--horizontal-pod-autoscaler-downscale-stabilization=10s',
        '--horizontal-pod-autoscaler-cpu-initialization-period=0',
        '--horizontal-pod-autoscaler-initial-readiness-delay=1m30s',
      ],
      options: {
        kubeconfigPath: '/work/x/kc',
        leaderElect: false,
        hpa: { syncPeriodMs: 1000, tolerance: 0.05, downscaleStabilizationMs: 10_000, cpuInitializationPeriodMs: 0, delayOfInitialReadinessStatusMs: 90_000 },
        useServiceAccountCredentials: false,
      },
    },
  ])('$argv', ({ argv, options }) => {
    expect(parseCli(argv, cwd)).toEqual({ kind: 'run', command: 'hpa', options });
  });

  it('passes the HPA flags of up to its controller', () => {
    const parsed = parseCli(['up', '--horizontal-pod-autoscaler-sync-period', '2s'], cwd);
    expect(parsed).toMatchObject({ kind: 'run', command: 'up', options: { hpa: { syncPeriodMs: 2000 } } });
    expect(parseCli(['up'], cwd)).not.toHaveProperty('options.hpa');
  });

  it.each([
    { argv: ['hpa'], message: /^hpa needs --kubeconfig PATH/ },
    { argv: ['hpa', '--kubeconfig', 'kc', '--horizontal-pod-autoscaler-sync-period', '0'], message: 'invalid --horizontal-pod-autoscaler-sync-period "0": must be greater than 0' },
    { argv: ['hpa', '--kubeconfig', 'kc', '--horizontal-pod-autoscaler-sync-period', 'soon'], message: /^invalid --horizontal-pod-autoscaler-sync-period "soon": must be a duration/ },
    { argv: ['hpa', '--kubeconfig', 'kc', '--horizontal-pod-autoscaler-tolerance', 'x'], message: /^invalid --horizontal-pod-autoscaler-tolerance "x"/ },
    { argv: ['hpa', '--kubeconfig', 'kc', '--nodes', '3'], message: 'unknown flag: --nodes' },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--horizontal-pod-autoscaler-tolerance', '1'], message: 'unknown flag: --horizontal-pod-autoscaler-tolerance' },
  ])('refuses $argv', ({ argv, message }) => {
    const parsed = parseCli(argv, cwd);
    expect(parsed.kind).toBe('usage-error');
    expect((parsed as { message: string }).message).toMatch(message);
  });
});
