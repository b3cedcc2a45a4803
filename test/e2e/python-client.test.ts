import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess, useE2eCluster } from './harness.js';

// The official Kubernetes Python client (Debian's python3-kubernetes; .ci/run installs it)
// against Kubeling with a scheduler and one simulated kubelet. The client sends booleans
// as Python prints them ("True"): its watches, log follows and timestamps must work, as
// they do against kube-apiserver. The scenarios are a Python script; this file checks
// what it observed.

const PYTHON = process.env.KUBELING_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/client_scenarios.py', import.meta.url));

const cluster = useE2eCluster({
  components: {
    controllerManager: true,
    scheduler: true,
    kubeletSim: {
      nodes: 1,
      stages: {
        stages: [
          { name: 'pod-sandbox', delay: { ms: 20, jitterMs: 0 } },
          { name: 'image-pull', delay: { ms: 20, jitterMs: 0 } },
          { name: 'container-start', delay: { ms: 20, jitterMs: 0 } },
        ],
      },
    },
  },
});

describe('the official Python client', () => {
  it('streams watches, follows logs with timestamps, and reads plain logs', async () => {
    const res = await runProcess(PYTHON, [SCRIPT, cluster().kubeconfigPath, 'default'], { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' }, { timeoutMs: 90_000 });
    if (res.code !== 0) throw new Error(`python exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as {
      watch: Array<[string, string]>;
      phase: string;
      follow_open_after_2s: boolean;
      follow_text: string;
      plain_seconds: number;
      plain_text: string;
    };
    expect(out.watch).toContainEqual(['ADDED', 'py-a']);
    expect(out.watch).toContainEqual(['ADDED', 'py-b']);
    expect(out.phase).toBe('Running');
    // follow=True keeps the stream open; timestamps=True prefixes every line with RFC 3339.
    expect(out.follow_open_after_2s).toBe(true);
    const lines = out.follow_text.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /);
    // Without follow the call returns, with lines and no timestamps.
    expect(out.plain_text.length).toBeGreaterThan(0);
    expect(out.plain_text.split('\n')[0]).not.toMatch(/^\d{4}-\d\d-\d\dT/);
  }, 120_000);
});
