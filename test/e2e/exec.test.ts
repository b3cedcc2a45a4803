import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import YAML from 'yaml';
import { kubectlAvailable, kubectlBinary, kubectlEnv, type KubectlResult } from './harness.js';
import { useClusterWithComponents, waitUntil } from './cluster-with-components.js';

/**
 * `kubectl exec`, `run -it`, attach and port-forward into simulated pods, with the real
 * kubectl: the apiserver relays the upgraded connection to the kubelet-sim, whose
 * simulated busybox shell answers. The tty cases run kubectl under `script` (util-linux)
 * so it has a pseudo-terminal, and type into it as a user would.
 */
const cluster = useClusterWithComponents({ nodes: 2 });

function ok(res: KubectlResult, what: string): string {
  if (res.code !== 0) throw new Error(`kubectl ${what} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout;
}

async function running(name: string): Promise<void> {
  await waitUntil(async () => (await cluster().kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', `pod ${name} Running`, 20_000);
}

/**
 * Runs kubectl in a pseudo-terminal (`script -qfec`), sending each step's keys once the
 * screen shows what the step waits for. Resolves with the transcript and exit code.
 */
function typeIntoTty(args: string[], steps: Array<{ after: RegExp; keys: string }>, timeoutMs = 30_000, version?: string): Promise<{ code: number | null; screen: string }> {
  const c = cluster();
  const home = mkdtempSync(join(tmpdir(), 'kubeling-tty-'));
  const cmd = [kubectlBinary(version), `--kubeconfig=${c.kubeconfigPath}`, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...kubectlEnv(home, c.kubeconfigPath), TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let step = 0;
    let seen = 0;
    const advance = () => {
      while (step < steps.length) {
        const m = steps[step]!.after.exec(screen.slice(seen));
        if (!m) return;
        seen += m.index + m[0].length;
        child.stdin.write(steps[step]!.keys);
        step++;
      }
    };
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      screen += s;
      advance();
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (screen += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

const versions = ['1.32', '1.33'].filter((v) => kubectlAvailable(v));

describe('kubectl exec into a simulated busybox', () => {
  it('sets up a pod and a Service', async () => {
    const c = cluster();
    ok(await c.kubectl(['create', 'deployment', 'php-apache', '--image=registry.k8s.io/hpa-example', '--port=80']), 'create deployment');
    ok(await c.kubectl(['expose', 'deployment', 'php-apache', '--port=80']), 'expose');
    ok(await c.kubectl(['run', 'bb', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']), 'run bb');
    // The image Kubernetes' "Debugging DNS Resolution" page uses for `nslookup kubernetes.default`.
    ok(await c.kubectl(['run', 'bb128', '--image=busybox:1.28', '--restart=Never', '--', 'sleep', '3600']), 'run bb128');
    await running('bb');
    await running('bb128');
  });

  it.each(versions)('kubectl %s exec POD -- echo hi', async (version) => {
    const res = await cluster().kubectl(['exec', 'bb', '--', 'echo', 'hi'], { version });
    expect(res).toMatchObject({ code: 0, stdout: 'hi\n' });
  });

  it.each(versions)('kubectl %s exec POD -- sh -c "exit 3" exits 3', async (version) => {
    const res = await cluster().kubectl(['exec', 'bb', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { version });
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('out\n');
    expect(res.stderr).toContain('err\n');
    expect(res.stderr).toContain('command terminated with exit code 3');
  });

  it('unknown commands: sh says not found (127); exec of a missing program fails as the runtime does', async () => {
    const res = await cluster().kubectl(['exec', 'bb', '--', 'sh', '-c', 'xyz']);
    expect(res.code).toBe(127);
    expect(res.stderr).toContain('sh: xyz: not found');
    const missing = await cluster().kubectl(['exec', 'bb', '--', 'xyz']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('executable file not found in $PATH');
  });

  it('exec -i POD -- sh runs a script from stdin, loops and all', async () => {
    const script = 'echo start\nfor i in 1 2 3; do\n  echo n=$i\ndone\nX=$((6*7)); echo $X\nexit 5\necho never\n';
    const res = await cluster().kubectl(['exec', '-i', 'bb', '--', 'sh'], { stdin: script });
    expect(res.stdout).toBe('start\nn=1\nn=2\nn=3\n42\n');
    expect(res.code).toBe(5);
  });

  it('env shows the Service variables kubelet sets', async () => {
    const out = ok(await cluster().kubectl(['exec', 'bb', '--', 'env']), 'exec env');
    expect(out).toContain('KUBERNETES_SERVICE_HOST=10.96.0.1\n');
    expect(out).toContain('KUBERNETES_SERVICE_PORT=443\n');
    expect(out).toMatch(/^PHP_APACHE_SERVICE_HOST=10\.\d+\.\d+\.\d+$/m);
    expect(out).toContain('PHP_APACHE_SERVICE_PORT=80\n');
    expect(out).toMatch(/^PHP_APACHE_PORT_80_TCP=tcp:\/\/10\.\d+\.\d+\.\d+:80$/m);
    expect(out).toContain('HOSTNAME=bb\n');
  });

  it('cat /etc/resolv.conf, /etc/hosts and hostname', async () => {
    const c = cluster();
    expect(ok(await c.kubectl(['exec', 'bb', '--', 'cat', '/etc/resolv.conf']), 'cat')).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    const ip = (await c.kubectl(['get', 'pod', 'bb', '-o', 'jsonpath={.status.podIP}'])).stdout;
    expect(ok(await c.kubectl(['exec', 'bb', '--', 'cat', '/etc/hosts']), 'cat hosts')).toContain(`${ip}\tbb\n`);
    expect(ok(await c.kubectl(['exec', 'bb', '--', 'hostname']), 'hostname')).toBe('bb\n');
  });

  it('wget reaches the Service through the simulated network, nslookup answers from cluster DNS', async () => {
    const c = cluster();
    await waitUntil(async () => (await c.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=php-apache', '-o', 'jsonpath={.items[0].endpoints[0].addresses[0]}'])).stdout !== '', 'php-apache endpoints', 20_000);
    const res = await c.kubectl(['exec', 'bb', '--', 'wget', '-q', '-O-', 'http://php-apache.default.svc.cluster.local']);
    expect(res).toMatchObject({ code: 0, stdout: 'OK!' });
    const bad = await c.kubectl(['exec', 'bb', '--', 'wget', '-q', '-O-', 'http://nosuch']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("wget: bad address 'nosuch'");
    const ns = await c.kubectl(['exec', 'bb', '--', 'nslookup', 'php-apache']);
    expect(ns.stdout).toMatch(/Name:\tphp-apache\.default\.svc\.cluster\.local\nAddress: 10\.\d+\.\d+\.\d+\n/);
    // nslookup kubernetes.default: busybox 1.28 (C library resolver, search list, ndots:5)
    // resolves it; busybox ≥ 1.29 asks the dotted name only as it is and fails, as for real.
    const k8s = await c.kubectl(['exec', 'bb128', '--', 'nslookup', 'kubernetes.default']);
    expect(k8s.code).toBe(0);
    expect(k8s.stdout).toMatch(/^Server: {4}10\.96\.0\.10\nAddress 1: 10\.96\.0\.10( kube-dns\.kube-system\.svc\.cluster\.local)?\n\nName: {6}kubernetes\.default\nAddress 1: 10\.96\.0\.1 kubernetes\.default\.svc\.cluster\.local\n$/);
    const latest = await c.kubectl(['exec', 'bb', '--', 'nslookup', 'kubernetes.default']);
    expect(latest.code).toBe(1);
    expect(latest.stdout).toContain("** server can't find kubernetes.default:");
  });

  it('errors: no such container, no command', async () => {
    const c = cluster();
    const res = await c.kubectl(['exec', 'bb', '-c', 'nope', '--', 'echo']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('container nope is not valid for pod bb');
    const none = await c.kubectl(['exec', 'nosuchpod', '--', 'echo']);
    expect(none.stderr).toContain('pods "nosuchpod" not found');
  });

  it.each(['1.27', '1.29'].filter((v) => kubectlAvailable(v)))('kubectl %s (SPDY/3.1) exec: output, stdin, exit code', async (version) => {
    const res = await cluster().kubectl(['exec', 'bb', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { version });
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('out\n');
    expect(res.stderr).toContain('err\n');
    expect(res.stderr).toContain('command terminated with exit code 3');
    const cat = await cluster().kubectl(['exec', '-i', 'bb', '--', 'cat'], { version, stdin: 'typed\n' });
    expect(cat).toMatchObject({ code: 0, stdout: 'typed\n' });
  });

  it.each(['default', '1.27'].filter((v) => v === 'default' || kubectlAvailable(v)))('kubectl cp both ways (kubectl %s): tar through exec into the container\'s filesystem', async (v) => {
    const version = v === 'default' ? undefined : v;
    const dir = mkdtempSync(join(tmpdir(), 'kubeling-cp-'));
    mkdirSync(join(dir, 'src', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.txt'), 'hello é\n');
    writeFileSync(join(dir, 'src', 'sub', 'b.txt'), 'b\n');
    // Every byte value, invalid UTF-8 included (a lone 0xff, a cut 0xc3, NULs): byte-exact both ways.
    const binary = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xff, 0xc3, 0x00, 0x80, 0xe2, 0x82]), Buffer.alloc(70_000, 0xfe)]);
    writeFileSync(join(dir, 'src', 'blob.bin'), binary);
    ok(await cluster().kubectl(['cp', join(dir, 'src'), `bb:/tmp/cp-${v}`], { version }), 'cp to pod');
    expect(ok(await cluster().kubectl(['exec', 'bb', '--', 'cat', `/tmp/cp-${v}/a.txt`, `/tmp/cp-${v}/sub/b.txt`]), 'cat')).toBe('hello é\nb\n');
    ok(await cluster().kubectl(['exec', 'bb', '--', 'sh', '-c', `echo written-in-pod > /tmp/cp-${v}/c.txt`]), 'write');
    ok(await cluster().kubectl(['cp', `bb:/tmp/cp-${v}`, join(dir, 'back')], { version }), 'cp from pod');
    expect(readFileSync(join(dir, 'back', 'a.txt'), 'utf8')).toBe('hello é\n');
    expect(readFileSync(join(dir, 'back', 'sub', 'b.txt'), 'utf8')).toBe('b\n');
    expect(readFileSync(join(dir, 'back', 'c.txt'), 'utf8')).toBe('written-in-pod\n');
    expect(readFileSync(join(dir, 'back', 'blob.bin')).equals(binary)).toBe(true);
    ok(await cluster().kubectl(['cp', `bb:/tmp/cp-${v}/blob.bin`, join(dir, 'one.bin')], { version }), 'cp one binary file from pod');
    expect(readFileSync(join(dir, 'one.bin')).equals(binary)).toBe(true);
    const missing = await cluster().kubectl(['cp', 'bb:/nope', join(dir, 'x')], { version });
    // kubectl copies the remote tar's stderr to its own stdout.
    expect(missing.stdout + missing.stderr).toContain('tar: /nope: No such file or directory');
  });

  it('kubectl 1.28 (SPDY/3.1) exec -it: prompt, resize stream, exit code', async () => {
    if (!kubectlAvailable('1.28')) return;
    const { code, screen } = await typeIntoTty(
      ['exec', '-it', 'bb', '--', 'sh'],
      [
        { after: /\/ # /, keys: 'echo spdy-$((2+2))\r' },
        { after: /spdy-4\r\n\/ # /, keys: 'exit 6\r' },
      ],
      30_000,
      '1.28',
    );
    expect(screen).toContain('spdy-4\r\n');
    expect(code).toBe(6);
  });

  it('exec -it POD -- sh: prompt, typed commands, Ctrl-C stops a loop, exit code', async () => {
    const { code, screen } = await typeIntoTty(
      ['exec', '-it', 'bb', '--', 'sh'],
      [
        { after: /\/ # /, keys: 'echo tty-$((1+1))\r' },
        { after: /tty-2\r\n\/ # /, keys: 'while true; do echo tick; sleep 1; done\r' },
        { after: /tick\r\n/, keys: '\x03' },
        { after: /\/ # /, keys: 'exit 4\r' },
      ],
    );
    expect(screen).toContain('tty-2\r\n');
    expect(screen).toContain('^C');
    expect(code).toBe(4);
  });
});

describe('kubectl run -it', () => {
  it('run -i (piped stdin) attaches to the shell; its exit ends the container', async () => {
    const c = cluster();
    const res = await c.kubectl(['run', '-i', 'piped', '--image=busybox', '--restart=Never', '--', 'sh'], { stdin: 'echo from-pipe\nexit 0\n', timeoutMs: 40_000 });
    expect(res.stdout).toContain('from-pipe');
    await waitUntil(async () => (await c.kubectl(['get', 'pod', 'piped', '-o', 'jsonpath={.status.phase}'])).stdout === 'Succeeded', 'piped Succeeded', 20_000);
  });

  it('run -i --tty load-generator: the HPA walkthrough wget loop, stopped with Ctrl-C', async () => {
    const c = cluster();
    const { screen } = await typeIntoTty(
      ['run', '-i', '--tty', 'load-generator', '--rm', '--image=busybox:1.28', '--restart=Never', '--', '/bin/sh', '-c', 'while sleep 0.01; do wget -q -O- http://php-apache; done'],
      [{ after: /OK!OK!OK!/, keys: '\x03' }],
      20_000,
    );
    expect(screen).toContain('OK!OK!OK!');
    // --rm: kubectl deletes the pod once the session ends.
    await waitUntil(async () => (await c.kubectl(['get', 'pod', 'load-generator', '--ignore-not-found', '-o', 'name'])).stdout === '', 'load-generator deleted', 20_000);
  });

  it('run -i --tty with an interactive shell, typing the loop', async () => {
    const { screen } = await typeIntoTty(
      ['run', '-i', '--tty', 'lg2', '--image=busybox', '--restart=Never', '--', '/bin/sh'],
      [
        // As on a real cluster, the shell's first prompt can be written before kubectl
        // has its stdout stream ("Unknown stream id 1, discarding message"): press enter,
        // as kubectl's own hint says, for a fresh prompt.
        { after: /try pressing enter\./, keys: '\r' },
        { after: /\/ # /, keys: 'while true; do wget -q -O- http://php-apache.default.svc.cluster.local; done\r' },
        { after: /OK!OK!/, keys: '\x03' },
        { after: /\/ # /, keys: 'exit 0\r' },
      ],
      40_000,
    );
    if (!screen.includes("OK!OK!")) console.log(JSON.stringify(screen.slice(0, 400)));
    expect(screen).toContain('OK!OK!');
    await waitUntil(async () => (await cluster().kubectl(['get', 'pod', 'lg2', '-o', 'jsonpath={.status.phase}'])).stdout === 'Succeeded', 'lg2 Succeeded', 20_000);
  });
});

describe('kubectl debug', () => {
  it('debug -it POD --image=busybox --target=C adds an ephemeral container with a shell in the pod', async () => {
    const c = cluster();
    const { screen } = await typeIntoTty(
      ['debug', '-it', 'bb', '--image=busybox', '--target=bb'],
      [
        { after: /\/ # /, keys: 'hostname; cat /etc/hostname\r' },
        { after: /bb\r\n\/ # /, keys: 'exit\r' },
      ],
      30_000,
    );
    expect(screen).toContain('Defaulting debug container name to debugger-');
    expect(screen).toContain('bb\r\nbb\r\n');
    const pod = JSON.parse((await c.kubectl(['get', 'pod', 'bb', '-o', 'json'])).stdout) as { spec: { ephemeralContainers?: Array<{ name: string; image: string; targetContainerName?: string }> }; status: { ephemeralContainerStatuses?: Array<{ name: string; state: Record<string, unknown> }> } };
    expect(pod.spec.ephemeralContainers?.[0]).toMatchObject({ image: 'busybox', targetContainerName: 'bb' });
    expect(pod.status.ephemeralContainerStatuses?.[0]?.name).toMatch(/^debugger-/);
  });
});

describe('port-forward over WebSocket (client libraries)', () => {
  it('v4.channel.k8s.io carries an HTTP request to the container and its answer back', async () => {
    const c = cluster();
    const pod = (await c.kubectl(['get', 'pod', '-l', 'app=php-apache', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    const kc = YAML.parse(readFileSync(c.kubeconfigPath, 'utf8')) as { clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>; users: Array<{ user: { token: string } }> };
    const server = kc.clusters[0]!.cluster.server.replace('https://', 'wss://');
    const ws = new WebSocket(`${server}/api/v1/namespaces/default/pods/${pod}/portforward?ports=80`, ['v4.channel.k8s.io'], {
      ca: Buffer.from(kc.clusters[0]!.cluster['certificate-authority-data'], 'base64'),
      headers: { Authorization: `Bearer ${kc.users[0]!.user.token}` },
    });
    const frames: Array<{ channel: number; data: string }> = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')])));
      ws.on('message', (d: Buffer) => {
        frames.push({ channel: d[0]!, data: d.subarray(1).toString('latin1') });
        if (frames.some((f) => f.data.includes('OK!'))) resolve();
      });
      ws.on('error', reject);
      setTimeout(() => reject(new Error(`no answer: ${JSON.stringify(frames)}`)), 10_000);
    });
    ws.close();
    // The first frame on the data and error channels is the port, little-endian.
    expect(frames.slice(0, 2)).toEqual([
      { channel: 0, data: '\x50\x00' },
      { channel: 1, data: '\x50\x00' },
    ]);
    expect(frames.slice(2).map((f) => f.data).join('')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nOK!$/);
  });

});

/** Starts `kubectl port-forward TARGET :REMOTE`, returns the local port it printed and a stop function. */
async function portForward(target: string, remote: number, version?: string): Promise<{ port: number; stop: () => Promise<unknown> }> {
  const p = cluster().spawnKubectl(['port-forward', target, `:${remote}`], { version });
  const out = await p.waitFor(/Forwarding from 127\.0\.0\.1:(\d+)/, 20_000).catch(async (err: Error) => {
    const res = await p.stop();
    throw new Error(`${err.message}\n${res.stdout}\n${res.stderr}`);
  });
  return { port: Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)![1]), stop: () => p.stop() };
}

async function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('kubectl port-forward (SPDY, and SPDY tunnelled in WebSocket)', () => {
  it.each([
    ['deploy/php-apache', 'default (WebSocket tunnel)'],
    ['svc/php-apache', 'default (WebSocket tunnel)'],
    ['deploy/php-apache', '1.29'],
  ])('port-forward %s with kubectl %s: the local port answers as the app does, request after request', async (target, v) => {
    const version = v.startsWith('default') ? undefined : v;
    if (version && !kubectlAvailable(version)) return;
    const pf = await portForward(target, 80, version);
    try {
      expect(await get(pf.port)).toEqual({ status: 200, body: 'OK!' });
      expect(await get(pf.port, '/again')).toEqual({ status: 200, body: 'OK!' });
    } finally {
      await pf.stop();
    }
  });

  it('pod/NAME with nginx: curl localhost gets the welcome page', async () => {
    const c = cluster();
    ok(await c.kubectl(['run', 'web', '--image=nginx', '--port=80']), 'run web');
    await running('web');
    const pf = await portForward('pod/web', 80);
    try {
      const res = await get(pf.port);
      expect(res.status).toBe(200);
      expect(res.body).toContain('<title>Welcome to nginx!</title>');
    } finally {
      await pf.stop();
    }
  });

  it('a port nothing listens on: kubectl prints the kubelet\'s connection-refused error', async () => {
    const pf = await portForward('pod/web', 81);
    try {
      await fetch(`http://127.0.0.1:${pf.port}/`).catch(() => undefined);
    } finally {
      const res = (await pf.stop()) as { stderr: string };
      expect(res.stderr).toContain('failed to connect to localhost:81 inside namespace: connection refused');
    }
  });
});
