import { describe, expect, it } from 'vitest';
import { runTrace } from './trace-command.js';

/** `kubeling trace` refuses bad network overrides by their flag names, before reading any kubeconfig. */
async function run(...extra: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await runTrace(['--kubeconfig', '/nonexistent/kubeconfig', '--from', 'host', '--to', 'http://web/', ...extra], {
    stdout: { write: () => {} },
    stderr: { write: (t: string) => (err += t) },
    cwd: '/',
  });
  return { code, err };
}

describe('kubeling trace: bad network overrides', () => {
  it.each([
    [['--flannel-backend', 'udp'], 'kubeling: invalid --flannel-backend "udp": must be vxlan or host-gw'],
    [['--proxy-mode', 'nftables'], 'kubeling: invalid --proxy-mode "nftables": must be iptables or ipvs'],
    [['--cluster-cidr', '100.96.0.0/33'], 'kubeling: invalid --cluster-cidr "100.96.0.0/33": must be an IPv4 CIDR such as 100.96.0.0/16'],
  ])('%j → usage error', async (flags, message) => {
    const { code, err } = await run(...flags);
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toBe(message);
  });

  it('valid overrides get past the checks (then the missing kubeconfig is what fails)', async () => {
    const { code, err } = await run('--flannel-backend', 'host-gw', '--proxy-mode', 'ipvs', '--cluster-cidr', '10.244.0.0/16');
    expect(code).toBe(1);
    expect(err).toMatch(/^kubeling: cannot read --kubeconfig/);
  });
});
