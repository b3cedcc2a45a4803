import { describe, expect, it } from 'vitest';
import { parseCli } from './args.js';

describe('autoscaling flags', () => {
  it('up passes the CA flags through with CA names and Go durations', () => {
    const r = parseCli(['up', '--nodes', '1', '--autoscale-nodes', '1:5', '--scale-down-unneeded-time', '30s', '--scale-down-delay-after-add', '1m', '--expander', 'priority,least-waste', '--max-nodes-total', '10', '--scale-down-utilization-threshold', '0.3', '--scale-down-enabled=false'], '/w');
    expect(r).toMatchObject({
      kind: 'run',
      command: 'up',
      options: {
        nodes: 1,
        autoscaling: {
          autoscaleNodes: { min: 1, max: 5 },
          ca: { scaleDownUnneededTimeMs: 30_000, scaleDownDelayAfterAddMs: 60_000, expander: ['priority', 'least-waste'], maxNodesTotal: 10, scaleDownUtilizationThreshold: 0.3, scaleDownEnabled: false },
        },
      },
    });
  });

  it('the separate commands take their connection, cloud URL and metrics address', () => {
    expect(parseCli(['cluster-autoscaler', '--kubeconfig', 'k', '--cloud-url', 'http://127.0.0.2:9000', '--address', ':0', '--scan-interval', '2s'], '/w')).toMatchObject({
      kind: 'run',
      options: { kubeconfigPath: '/w/k', leaderElect: true, cloudUrl: 'http://127.0.0.2:9000', metricsAddress: { host: '127.0.0.1', port: 0 }, ca: { scanIntervalMs: 2000, scaleDownDelayAfterDeleteMs: 2000 } },
    });
    expect(parseCli(['cloud', '--kubeconfig', 'k', '--node-groups', 'g.yaml', '--cloud-port', '0'], '/w')).toMatchObject({ options: { dataDir: '/w/.kubeling-cloud', cloudPort: 0, nodeGroupsPath: '/w/g.yaml' } });
    expect(parseCli(['cloud-controller-manager', '--kubeconfig', 'k', '--leader-elect=false'], '/w')).toMatchObject({ options: { leaderElect: false, cloudUrl: 'http://127.0.0.1:8086' } });
  });

  it.each([
    { argv: ['up', '--autoscale-nodes', '5:1'], want: /MIN 5 is greater than MAX 1/ },
    { argv: ['up', '--autoscale-nodes', 'lots'], want: /must be MIN:MAX/ },
    { argv: ['up', '--autoscale-nodes', '1:2', '--node-groups', 'g.yaml'], want: /exclude each other/ },
    { argv: ['up', '--expander', 'cheapest'], want: /"cheapest" is not one of random, most-pods, least-waste, price, priority/ },
    { argv: ['up', '--scale-down-unneeded-time', 'soon'], want: /invalid --scale-down-unneeded-time "soon"/ },
    { argv: ['up', '--scale-down-utilization-threshold', '1.5'], want: /must be a number from 0 to 1/ },
    { argv: ['up', '--max-nodes-total', '-1'], want: /needs a value|must be a non-negative integer/ },
    { argv: ['up', '--scan-interval', '0'], want: /must be greater than 0/ },
    { argv: ['cluster-autoscaler'], want: /needs --kubeconfig/ },
    { argv: ['cluster-autoscaler', '--kubeconfig', 'k', '--cloud-url', 'http://10.0.0.1:80'], want: /served on loopback/ },
    { argv: ['cluster-autoscaler', '--kubeconfig', 'k', '--address', '0.0.0.0:8085'], want: /invalid --address/ },
    { argv: ['cloud', '--kubeconfig', 'k', '--cloud-port', '70000'], want: /invalid --cloud-port/ },
  ])('$argv is a usage error', ({ argv, want }) => {
    const r = parseCli(argv, '/w');
    expect(r.kind).toBe('usage-error');
    expect((r as { message: string }).message).toMatch(want);
  });
});
