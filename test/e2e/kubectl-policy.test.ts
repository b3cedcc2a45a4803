import { describe, expect, it } from 'vitest';
import { kubectlAvailable, useE2eCluster } from './harness.js';
import { waitUntil } from '../helpers/wait.js';
import { resourceQuotaController } from '../../controllers/resourcequota/resourcequota-controller.js';

// LimitRanger, ResourceQuota and PodSecurity with the real kubectl: what kubectl prints
// for kube-apiserver's refusals and warnings, and the defaults visible in `get -o yaml`.
const cluster = useE2eCluster({ components: { controllerManager: { registry: [resourceQuotaController] } } });

function podYaml(name: string, namespace: string, resources = '', securityContext = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  containers:
  - name: app
    image: nginx
${resources}${securityContext}`;
}

describe('LimitRange with kubectl', () => {
  it('fills in container defaults that kubectl get -o yaml shows, and refuses a pod beyond max', async () => {
    const k = cluster().kubectl;
    expect((await k(['create', 'namespace', 'limits'])).stdout).toBe('namespace/limits created\n');
    const lr = `apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: limits
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 100m, memory: 128Mi}
    max: {cpu: "1"}
`;
    expect((await k(['apply', '-f', '-'], { stdin: lr })).stdout).toBe('limitrange/defaults created\n');
    const listed = await k(['get', 'limits', '-n', 'limits']);
    expect(listed.stdout).toMatch(/^NAME\s+CREATED AT\ndefaults\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect((await k(['apply', '-f', '-'], { stdin: podYaml('web', 'limits') })).stdout).toBe('pod/web created\n');
    const yaml = (await k(['get', 'pod', 'web', '-n', 'limits', '-o', 'yaml'])).stdout;
    const note = await k(['get', 'pod', 'web', '-n', 'limits', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/limit-ranger}']);
    expect(note.stdout).toBe('LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app');
    expect(yaml).toMatch(/resources:\n\s+limits:\n\s+cpu: 500m\n\s+memory: 256Mi\n\s+requests:\n\s+cpu: 100m\n\s+memory: 128Mi/);
    const described = await k(['describe', 'limits', 'defaults', '-n', 'limits']);
    expect(described.stdout).toMatch(/Type\s+Resource\s+Min\s+Max\s+Default Request\s+Default Limit\s+Max Limit\/Request Ratio\n/);
    expect(described.stdout).toMatch(/Container\s+cpu\s+-\s+1\s+100m\s+500m\s+-/);
    const tooBig = await k(['apply', '-f', '-'], { stdin: podYaml('big', 'limits', '    resources:\n      limits: {cpu: "2"}\n') });
    expect(tooBig.code).not.toBe(0);
    expect(tooBig.stderr).toContain('pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
  });

  it('refuses an invalid LimitRange with kube\'s message', async () => {
    const bad = `apiVersion: v1
kind: LimitRange
metadata: {name: bad, namespace: limits}
spec:
  limits:
  - type: Container
    min: {cpu: "2"}
    max: {cpu: "1"}
`;
    const r = await cluster().kubectl(['apply', '-f', '-'], { stdin: bad });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('LimitRange "bad" is invalid: ');
    expect(r.stderr).toContain('spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1');
  });
});

describe('ResourceQuota with kubectl', () => {
  it('kubectl create quota; the controller counts; a pod over the quota is refused; deleting frees it', async () => {
    const k = cluster().kubectl;
    await k(['create', 'namespace', 'quota']);
    expect((await k(['create', 'quota', 'small', '-n', 'quota', '--hard=pods=1,count/configmaps=5'])).stdout).toBe('resourcequota/small created\n');
    await waitUntil(async () => (await k(['get', 'quota', 'small', '-n', 'quota', '-o', 'jsonpath={.status.used.pods}'])).stdout === '0', 'the quota controller', 10_000);
    expect((await k(['apply', '-f', '-'], { stdin: podYaml('one', 'quota') })).stdout).toBe('pod/one created\n');
    const denied = await k(['apply', '-f', '-'], { stdin: podYaml('two', 'quota') });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('pods "two" is forbidden: exceeded quota: small, requested: pods=1, used: pods=1, limited: pods=1');
    const described = await k(['describe', 'quota', 'small', '-n', 'quota']);
    expect(described.stdout).toMatch(/Name:\s+small\nNamespace:\s+quota\nResource\s+Used\s+Hard\n-+\s+-+\s+-+\ncount\/configmaps\s+\d\s+5\npods\s+1\s+1\n/);
    const table = await k(['get', 'quota', '-n', 'quota']);
    expect(table.stdout).toMatch(/^NAME\s+AGE\s+REQUEST\s+LIMIT\nsmall\s+\S+\s+count\/configmaps: \d\/5, pods: 1\/1\s*\n$/);
    await k(['delete', 'pod', 'one', '-n', 'quota', '--wait=false']);
    await waitUntil(async () => (await k(['get', 'quota', 'small', '-n', 'quota', '-o', 'jsonpath={.status.used.pods}'])).stdout === '0', 'the quota controller', 10_000);
    expect((await k(['apply', '-f', '-'], { stdin: podYaml('two', 'quota') })).stdout).toBe('pod/two created\n');
  });

  it('a compute quota asks every container for requests', async () => {
    const k = cluster().kubectl;
    await k(['create', 'quota', 'compute', '-n', 'quota', '--hard=requests.cpu=1,limits.memory=1Gi']);
    await waitUntil(async () => (await k(['get', 'quota', 'compute', '-n', 'quota', '-o', 'jsonpath={.status.used}'])).stdout !== '', 'the quota controller', 10_000);
    const r = await k(['run', 'bare', '-n', 'quota', '--image=nginx']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: bare; requests.cpu for: bare');
  });

  it('refuses a negative quota with kube\'s message', async () => {
    const r = await cluster().kubectl(['create', 'quota', 'neg', '-n', 'quota', '--hard=pods=-1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ResourceQuota "neg" is invalid: spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0');
  });
});

describe('PodSecurity with kubectl', () => {
  it('refuses a pod that violates the enforce level; warns about the warn level; rejects an unknown level', async () => {
    const k = cluster().kubectl;
    await k(['create', 'namespace', 'secure']);
    const bogus = await k(['label', 'namespace', 'secure', 'pod-security.kubernetes.io/enforce=bogus']);
    expect(bogus.code).not.toBe(0);
    expect(bogus.stderr).toContain('The Namespace "secure" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "bogus": must be one of privileged, baseline, restricted');
    expect((await k(['run', 'plain', '-n', 'secure', '--image=nginx'])).stdout).toBe('pod/plain created\n');
    const labelled = await k(['label', 'namespace', 'secure', 'pod-security.kubernetes.io/enforce=restricted', 'pod-security.kubernetes.io/warn=restricted']);
    expect(labelled.stdout).toBe('namespace/secure labeled\n');
    expect(labelled.stderr).toBe(
      'Warning: existing pods in namespace "secure" violate the new PodSecurity enforce level "restricted:latest"\n' +
        'Warning: plain: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile\n',
    );
    const denied = await k(['run', 'denied', '-n', 'secure', '--image=nginx']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      'pods "denied" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "denied" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "denied" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "denied" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "denied" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    const deploy = await k(['create', 'deployment', 'web', '-n', 'secure', '--image=nginx']);
    expect(deploy.stdout).toBe('deployment.apps/web created\n');
    expect(deploy.stderr).toBe(
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")\n',
    );
    const ok = podYaml(
      'hardened',
      'secure',
      '',
      `    securityContext:
      allowPrivilegeEscalation: false
      runAsNonRoot: true
      capabilities: {drop: ["ALL"]}
      seccompProfile: {type: RuntimeDefault}
`,
    );
    const created = await k(['apply', '-f', '-'], { stdin: ok });
    expect(created.stdout).toBe('pod/hardened created\n');
    expect(created.stderr).toBe('');
  });
});

// Older and newer kubectl print the same refusals and warnings (quota create sends protobuf).
for (const version of ['1.27', '1.33']) {
  const present = kubectlAvailable(version);
  if (!present && process.env.CI) throw new Error(`kubectl ${version} is missing (CI must run every version)`);
  describe.skipIf(!present)(`kubectl ${version}`, () => {
    it('creates a quota, is refused by it, and prints the PodSecurity warning', async () => {
      const ns = `v${version.replace('.', '-')}`;
      const k = (args: string[], stdin?: string) => cluster().kubectl(args, { version, ...(stdin ? { stdin } : {}) });
      await k(['create', 'namespace', ns]);
      expect((await k(['create', 'quota', 'one', '-n', ns, '--hard=count/configmaps=1'])).stdout).toBe('resourcequota/one created\n');
      await waitUntil(async () => (await k(['get', 'quota', 'one', '-n', ns, '-o', 'jsonpath={.status.used}'])).stdout !== '', 'the quota controller', 10_000);
      expect((await k(['create', 'configmap', 'a', '-n', ns])).stdout).toBe('configmap/a created\n');
      const refused = await k(['create', 'configmap', 'b', '-n', ns]);
      expect(refused.stderr).toBe(`error: failed to create configmap: configmaps "b" is forbidden: exceeded quota: one, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1\n`);
      await k(['label', 'namespace', ns, 'pod-security.kubernetes.io/warn=baseline']);
      const warned = await k(['apply', '-f', '-'], podYaml('hostnet', ns).replace('spec:\n', 'spec:\n  hostNetwork: true\n'));
      expect(warned.stdout).toBe('pod/hostnet created\n');
      expect(warned.stderr).toBe('Warning: would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)\n');
    });
  });
}
