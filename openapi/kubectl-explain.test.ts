import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../apiserver/app.js';
import { createSqliteStore } from '../apiserver/storage/sqlite-store.js';
import type { Store } from '../apiserver/storage/store.js';

/**
 * The real kubectl against the apiserver: explain reads /openapi/v3 (and 1.27/1.28 the
 * protobuf /openapi/v2 first), client-side apply computes its strategic merge patch from
 * the v3 merge keys, and the fieldValidation/dryRun checks read the PATCH parameters.
 * Skipped when the versioned kubectl binaries are not installed.
 */

const KUBECTL_DIR = process.env['KUBECTL_DIR'] ?? '/usr/lib/google-cloud-sdk/bin';
const VERSIONS = ['1.27', '1.28', '1.30', '1.33'].filter((v) => existsSync(join(KUBECTL_DIR, `kubectl.${v}`)));

let app: FastifyInstance;
let store: Store;
let dir: string;

beforeAll(async () => {
  if (VERSIONS.length === 0) return;
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({ store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  dir = mkdtempSync(join(tmpdir(), 'kubeling-openapi-'));
  writeFileSync(
    join(dir, 'kubeconfig'),
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: k, cluster: {server: "http://127.0.0.1:${port}"}}]`,
      'users: [{name: u, user: {}}]',
      'contexts: [{name: c, context: {cluster: k, user: u, namespace: default}}]',
      'current-context: c',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  if (VERSIONS.length === 0) return;
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl asynchronously (the server answers from this same process). */
function kubectl(version: string, args: string[], stdin?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      join(KUBECTL_DIR, `kubectl.${version}`),
      ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, `cache-${version}`), ...args],
      { timeout: 60_000, env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig') } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

function deployment(name: string, containers: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
${containers}`;
}

const both = `      - {name: a, image: "nginx:1.27", env: [{name: ONE, value: "1"}]}
      - {name: b, image: busybox}
`;
const onlyA = `      - {name: a, image: "nginx:1.27", env: [{name: ONE, value: "1"}, {name: TWO, value: "2"}]}
`;

describe.skipIf(VERSIONS.length === 0).each(VERSIONS)('kubectl %s', (version) => {
  it('explains pod.spec.containers from the OpenAPI documents', async () => {
    const res = await kubectl(version, ['explain', 'pod.spec.containers']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/KIND:\s+Pod/);
    expect(res.stdout).toMatch(/containers\s+<\[\]Container>/);
    expect(res.stdout).toContain('The container image to run');
    expect(res.stdout).toMatch(/name\s+<string> -required-/);
  });

  it('explains deployment.spec.replicas', async () => {
    const res = await kubectl(version, ['explain', 'deployment.spec.replicas']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/replicas\s+<integer>/);
    expect(res.stdout).toContain('How many pods should run');
  });

  it('applies client-side with strategic merge keys, server-side validation and server dry-run', async () => {
    const name = `web-${version.replace('.', '-')}`;
    const created = await kubectl(version, ['apply', '-f', '-', '-v=6'], deployment(name, both));
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`deployment.apps/${name} created`);
    // The server advertises fieldValidation on PATCH, so kubectl delegates validation to it.
    expect(created.stderr).toMatch(/POST\W+\S+deployments\?fieldManager=kubectl-client-side-apply&fieldValidation=Strict/);

    const dry = await kubectl(version, ['apply', '--dry-run=server', '-f', '-'], deployment(name, onlyA));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('(server dry run)');

    const updated = await kubectl(version, ['apply', '-f', '-', '-v=8'], deployment(name, onlyA));
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stderr).not.toContain('error calculating patch');
    // A merge-keyed patch: container b is deleted by name, a's env merged by name.
    expect(updated.stderr).toContain('$setElementOrder/containers');
    expect(updated.stderr).toContain('$patch');

    const got = await kubectl(version, ['get', 'deployment', name, '-o', 'jsonpath={.spec.template.spec.containers[*].name}:{.spec.template.spec.containers[0].env[*].name}']);
    expect(got.stdout).toBe('a:ONE TWO');
  });
});
