import { describe, expect, it } from 'vitest';
import { DEFAULT_KUBECTL, KUBECTL_DIR, kubectlBinary, kubectlEnv, runProcess } from './harness.js';

// The harness's own contracts, without an apiserver: binary choice, isolated environment,
// stdin/exit-code plumbing, and the kill on timeout that keeps a hung kubectl from
// hanging the suite.
describe('e2e harness', () => {
  it.each([
    [undefined, DEFAULT_KUBECTL],
    ['1.27', `${KUBECTL_DIR}/kubectl.1.27`],
    ['1.33', `${KUBECTL_DIR}/kubectl.1.33`],
  ])('kubectlBinary(%s) is %s', (version, file) => {
    expect(kubectlBinary(version)).toBe(file);
  });

  it('gives kubectl a private HOME and kubeconfig, nothing of the caller', () => {
    const env = kubectlEnv('/tmp/x/home', '/tmp/x/kubeconfig');
    expect(env).toMatchObject({ HOME: '/tmp/x/home', KUBECONFIG: '/tmp/x/kubeconfig', CLOUDSDK_CONFIG: '/tmp/x/home/gcloud' });
    expect(Object.keys(env).sort()).toEqual(
      ['CLOUDSDK_CONFIG', 'CLOUDSDK_CORE_DISABLE_PROMPTS', 'HOME', 'KUBECONFIG', 'LANG', 'NO_PROXY', 'PATH', 'no_proxy'].sort(),
    );
  });

  it('passes stdin and returns stdout, stderr and the exit code', async () => {
    const res = await runProcess('/bin/sh', ['-c', 'cat; echo oops >&2; exit 3'], { PATH: '/usr/bin:/bin' }, { stdin: 'hello\n' });
    expect(res).toEqual({ code: 3, stdout: 'hello\n', stderr: 'oops\n' });
  });

  it('kills a process that outlives its timeout', async () => {
    const res = await runProcess('/bin/sh', ['-c', 'exec sleep 30'], { PATH: '/usr/bin:/bin' }, { timeoutMs: 200 });
    expect(res.code).toBeNull();
    expect(res.stderr).toContain('[harness] killed after 200 ms');
  });
});
