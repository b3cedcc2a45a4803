import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createSqliteStore } from '../storage/sqlite-store.js';
import { kubectlAvailable, kubectlBinary, kubectlEnv, runProcess } from '../../test/e2e/harness.js';
import { decodeProtobufObject, isProtobufContentType } from './decode.js';

/**
 * The real kubectl against our real apiserver, over plain HTTP on loopback. A preParsing
 * hook (added here, in the test) captures every protobuf request body, decodes it with
 * decodeProtobufObject and hands the JSON to the unchanged REST layer. Each case checks:
 *   1. kubectl really sent protobuf (so the case tests something);
 *   2. the decoded object equals `kubectl … --dry-run=client -o json` (the JSON kubectl
 *      would have sent);
 *   3. the apiserver accepted it (kubectl exits 0).
 */

interface Captured {
  method: string;
  url: string;
  contentType: string;
  object: Record<string, unknown>;
}

const VERSIONS = ['1.32', '1.33'].filter((v) => kubectlAvailable(v));

let app: FastifyInstance;
let dir: string;
let kubeconfig: string;
let captured: Captured[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-protobuf-'));
  app = await buildApp({ store: createSqliteStore({ path: ':memory:' }) });
  app.addHook('preParsing', async (req, _reply, payload) => {
    const contentType = req.headers['content-type'];
    if (!isProtobufContentType(contentType)) return payload;
    const chunks: Buffer[] = [];
    for await (const chunk of payload) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const { object } = decodeProtobufObject(body);
    captured.push({ method: req.method, url: req.url, contentType: contentType ?? '', object });
    req.headers['content-type'] = 'application/json';
    const json = Readable.from([Buffer.from(JSON.stringify(object))]);
    // fastify checks the received length against Content-Length.
    Object.assign(json, { receivedEncodedLength: body.length });
    return json;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
      'users: [{name: u, user: {}}]',
      'contexts: [{name: c, context: {cluster: c, user: u}}]',
      'current-context: c',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'blob.bin'), Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x01]));
});

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function kubectl(version: string, args: string[]) {
  const env = kubectlEnv(join(dir, 'home'), kubeconfig);
  return runProcess(kubectlBinary(version), [`--cache-dir=${join(dir, `cache-${version}`)}`, ...args], env);
}

/** Each case: the kubectl arguments (a per-version suffix `S` is substituted in names). */
const CASES: { name: string; args: (s: string) => string[] }[] = [
  { name: 'create namespace', args: (s) => ['create', 'namespace', `ns-${s}`] },
  {
    name: 'create deployment (replicas 0, two images, port)',
    args: (s) => ['create', 'deployment', `web-${s}`, '--image=nginx', '--image=busybox', '--replicas=0', '--port=8080'],
  },
  { name: 'create deployment (defaults)', args: (s) => ['create', 'deployment', `app-${s}`, '--image=nginx:1.27'] },
  {
    name: 'create configmap (data and binaryData)',
    args: (s) => ['create', 'configmap', `cm-${s}`, '--from-literal=a=b', '--from-literal=empty=', `--from-file=blob=${join(dir, 'blob.bin')}`],
  },
  { name: 'create secret generic', args: (s) => ['create', 'secret', 'generic', `sec-${s}`, '--from-literal=user=admin', '--type=Opaque'] },
  {
    name: 'create secret docker-registry',
    args: (s) => ['create', 'secret', 'docker-registry', `reg-${s}`, '--docker-server=r.example', '--docker-username=u', '--docker-password=p'],
  },
  { name: 'create service clusterip', args: (s) => ['create', 'service', 'clusterip', `svc-${s}`, '--tcp=80:8080', '--tcp=443'] },
  { name: 'create service headless', args: (s) => ['create', 'service', 'clusterip', `hl-${s}`, '--clusterip=None'] },
  {
    name: 'create service nodeport',
    // A node port per kubectl version: the second run must not collide with the first.
    args: (s) => ['create', 'service', 'nodeport', `np-${s}`, '--tcp=80:http', `--node-port=${30000 + Number(s)}`],
  },
  { name: 'create service externalname', args: (s) => ['create', 'service', 'externalname', `en-${s}`, '--external-name=example.com'] },
  { name: 'create serviceaccount', args: (s) => ['create', 'serviceaccount', `sa-${s}`] },
  {
    name: 'create role',
    args: (s) => ['create', 'role', `r-${s}`, '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=a'],
  },
  {
    name: 'create rolebinding',
    args: (s) => ['create', 'rolebinding', `rb-${s}`, `--role=r-${s}`, '--user=bob', '--group=devs', '--serviceaccount=default:sa'],
  },
  { name: 'create clusterrole (non-resource URL)', args: (s) => ['create', 'clusterrole', `cr-${s}`, '--verb=get', '--non-resource-url=/logs/*'] },
  {
    name: 'create clusterrole (aggregation: rules null)',
    args: (s) => ['create', 'clusterrole', `agg-${s}`, '--aggregation-rule=rbac.example.com/aggregate=true'],
  },
  { name: 'create clusterrolebinding', args: (s) => ['create', 'clusterrolebinding', `crb-${s}`, `--clusterrole=cr-${s}`, '--group=devs'] },
  { name: 'create pdb (percent)', args: (s) => ['create', 'poddisruptionbudget', `pdb-${s}`, '--selector=app=web', '--min-available=50%'] },
  { name: 'create pdb (number)', args: (s) => ['create', 'pdb', `pdb2-${s}`, '--selector=app in (a,b)', '--max-unavailable=1'] },
  {
    name: 'create job (command)',
    args: (s) => ['create', 'job', `pi-${s}`, '--image=perl:5.34', '--', 'perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'],
  },
  { name: 'create cronjob', args: (s) => ['create', 'cronjob', `cj-${s}`, '--image=busybox', '--schedule=*/1 * * * *', '--restart=OnFailure', '--', 'date'] },
  { name: 'create job --from=cronjob', args: (s) => ['create', 'job', `manual-${s}`, `--from=cronjob/cj-${s}`] },
  { name: 'autoscale deployment', args: (s) => ['autoscale', 'deployment', `app-${s}`, '--min=2', '--max=5', '--cpu-percent=60'] },
];

describe.skipIf(VERSIONS.length === 0)('protobuf bodies sent by the real kubectl', () => {
  for (const version of VERSIONS) {
    const suffix = version.replace('.', '');
    for (const c of CASES) {
      it(`kubectl ${version}: ${c.name}`, async () => {
        const args = c.args(suffix);
        // Flags go before a `--` (after it they would be the container's command).
        const dash = args.indexOf('--');
        const dryArgs = ['--dry-run=client', '-o', 'json'];
        const dry = await kubectl(version, dash < 0 ? [...args, ...dryArgs] : [...args.slice(0, dash), ...dryArgs, ...args.slice(dash)]);
        expect(dry.stderr).toBe('');
        const expected = JSON.parse(dry.stdout) as Record<string, unknown>;

        captured = [];
        const real = await kubectl(version, args);
        expect(captured.length, `no protobuf request captured; stderr: ${real.stderr}`).toBeGreaterThan(0);
        const last = captured[captured.length - 1];
        expect(last.method).toBe('POST');
        expect(last.contentType).toBe('application/vnd.kubernetes.protobuf');
        expect(last.object).toEqual(expected);
        expect(real.stderr).toBe('');
        expect(real.code).toBe(0);
      });
    }
  }
});
