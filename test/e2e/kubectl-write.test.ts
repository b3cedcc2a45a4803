import { describe, expect, it } from 'vitest';
import { useE2eCluster } from './harness.js';
import { configMapYaml, podYaml, rfc1123SubdomainMessage } from './manifests.js';

// Writes through kubectl with its default flags (validation included, so kubectl reads
// the OpenAPI document first), and the error messages kubectl prints for bad input,
// byte for byte as against a real kube-apiserver.
const cluster = useE2eCluster();

async function jsonpath(args: string[], path: string): Promise<string> {
  const res = await cluster().kubectl(['get', ...args, '-o', `jsonpath=${path}`]);
  expect(res.stderr).toBe('');
  return res.stdout;
}

describe('kubectl create and apply from stdin', () => {
  it('create -f - creates a pod; a second create says AlreadyExists', async () => {
    const first = await cluster().kubectl(['create', '-f', '-'], { stdin: podYaml('dup') });
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('pod/dup created\n');
    expect(first.code).toBe(0);

    const again = await cluster().kubectl(['create', '-f', '-'], { stdin: podYaml('dup') });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('Error from server (AlreadyExists): error when creating "STDIN": pods "dup" already exists\n');
  });

  it('apply twice with a change says configured, a third time unchanged', async () => {
    const created = await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('settings', { mode: 'a' }) });
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('configmap/settings created\n');

    const changed = await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('settings', { mode: 'b' }) });
    expect(changed.stderr).toBe('');
    expect(changed.stdout).toBe('configmap/settings configured\n');

    const same = await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('settings', { mode: 'b' }) });
    expect(same.stderr).toBe('');
    expect(same.stdout).toBe('configmap/settings unchanged\n');

    expect(await jsonpath(['configmap', 'settings'], '{.data.mode}')).toBe('b');
    const annotation = await jsonpath(['configmap', 'settings'], '{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}');
    expect(JSON.parse(annotation)).toMatchObject({ kind: 'ConfigMap', data: { mode: 'b' } });
  });

  it('apply removes a key that the last applied configuration had', async () => {
    await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('prune-keys', { keep: '1', drop: '2' }) });
    const res = await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('prune-keys', { keep: '1' }) });
    expect(res.stdout).toBe('configmap/prune-keys configured\n');
    expect(await jsonpath(['configmap', 'prune-keys'], '{.data}')).toBe('{"keep":"1"}');
  });

  it('apply --server-side says serverside-applied', async () => {
    const res = await cluster().kubectl(['apply', '--server-side', '-f', '-'], { stdin: configMapYaml('ssa', { k: 'v' }) });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('configmap/ssa serverside-applied\n');
    expect(res.code).toBe(0);

    const again = await cluster().kubectl(['apply', '--server-side', '-f', '-'], { stdin: configMapYaml('ssa', { k: 'w' }) });
    expect(again.stdout).toBe('configmap/ssa serverside-applied\n');
    expect(await jsonpath(['configmap', 'ssa'], '{.data.k}')).toBe('w');
    // managedFields are not modelled (apiserver/patch/apply-patch.ts), so no
    // assertion on field managers here.
  });

  it('create --dry-run=server answers like a create but stores nothing', async () => {
    const res = await cluster().kubectl(['create', '--dry-run=server', '-f', '-'], { stdin: podYaml('dry') });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('pod/dry created (server dry run)\n');
    const yaml = await cluster().kubectl(['create', '--dry-run=server', '-o', 'jsonpath={.spec.restartPolicy}', '-f', '-'], {
      stdin: podYaml('dry'),
    });
    expect(yaml.stdout).toBe('Always'); // defaulted by the server
    const get = await cluster().kubectl(['get', 'pod', 'dry']);
    expect(get.stderr).toBe('Error from server (NotFound): pods "dry" not found\n');
  });
});

describe('kubectl label, annotate and patch', () => {
  it('label and annotate', async () => {
    await cluster().kubectl(['create', '-f', '-'], { stdin: podYaml('tagged') });
    const label = await cluster().kubectl(['label', 'pod', 'tagged', 'tier=web']);
    expect(label.stderr).toBe('');
    expect(label.stdout).toBe('pod/tagged labeled\n');
    const annotate = await cluster().kubectl(['annotate', 'pod', 'tagged', 'owner=team-a']);
    expect(annotate.stdout).toBe('pod/tagged annotated\n');
    expect(await jsonpath(['pod', 'tagged'], '{.metadata.labels.tier} {.metadata.annotations.owner}')).toBe('web team-a');

    const clash = await cluster().kubectl(['label', 'pod', 'tagged', 'tier=db']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toBe("error: 'tier' already has a value (web), and --overwrite is false\n");
    const overwrite = await cluster().kubectl(['label', 'pod', 'tagged', 'tier=db', '--overwrite']);
    expect(overwrite.stdout).toBe('pod/tagged labeled\n');
    const remove = await cluster().kubectl(['label', 'pod', 'tagged', 'tier-']);
    expect(remove.stdout).toBe('pod/tagged unlabeled\n');
    expect(await jsonpath(['pod', 'tagged'], '{.metadata.labels}')).toBe('{"app":"tagged"}');
  });

  it('patch --type json', async () => {
    await cluster().kubectl(['create', '-f', '-'], { stdin: configMapYaml('patch-json', { a: '1' }) });
    const res = await cluster().kubectl(['patch', 'configmap', 'patch-json', '--type', 'json', '-p', '[{"op":"replace","path":"/data/a","value":"2"},{"op":"add","path":"/data/b","value":"3"}]']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('configmap/patch-json patched\n');
    expect(await jsonpath(['configmap', 'patch-json'], '{.data}')).toBe('{"a":"2","b":"3"}');

    const failed = await cluster().kubectl(['patch', 'configmap', 'patch-json', '--type', 'json', '-p', '[{"op":"test","path":"/data/a","value":"9"}]']);
    expect(failed.code).toBe(1);
    // The Status mirrors kube-apiserver's (422 Invalid, one cause without a field), hence
    // kubectl's empty field between the colons.
    expect(failed.stderr).toBe('The request is invalid: : testing value /data/a failed: test failed\n');
    expect(await jsonpath(['configmap', 'patch-json'], '{.data.a}')).toBe('2');
  });

  it('patch --type merge, and a patch that changes nothing', async () => {
    await cluster().kubectl(['create', '-f', '-'], { stdin: configMapYaml('patch-merge', { a: '1', b: '2' }) });
    const res = await cluster().kubectl(['patch', 'configmap', 'patch-merge', '--type', 'merge', '-p', '{"data":{"a":null,"c":"3"}}']);
    expect(res.stdout).toBe('configmap/patch-merge patched\n');
    expect(await jsonpath(['configmap', 'patch-merge'], '{.data}')).toBe('{"b":"2","c":"3"}');

    const noop = await cluster().kubectl(['patch', 'configmap', 'patch-merge', '--type', 'merge', '-p', '{"data":{"b":"2"}}']);
    expect(noop.stdout).toBe('configmap/patch-merge patched (no change)\n');
  });

  it('patch --type strategic merges containers by name', async () => {
    await cluster().kubectl(['create', '-f', '-'], {
      stdin: podYaml('patch-smp', { spec: { containers: [{ name: 'a', image: 'nginx:1.26' }, { name: 'b', image: 'redis:7' }] } }),
    });
    const res = await cluster().kubectl(['patch', 'pod', 'patch-smp', '--type', 'strategic', '-p', '{"spec":{"containers":[{"name":"a","image":"nginx:1.27"}]}}']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('pod/patch-smp patched\n');
    expect(await jsonpath(['pod', 'patch-smp'], '{range .spec.containers[*]}{.name}={.image} {end}')).toBe('a=nginx:1.27 b=redis:7 ');
  });
});

describe('kubectl delete and watch', () => {
  it('delete --wait removes the object', async () => {
    await cluster().kubectl(['create', '-f', '-'], { stdin: configMapYaml('gone', { a: '1' }) });
    const res = await cluster().kubectl(['delete', 'configmap', 'gone', '--wait']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('configmap "gone" deleted\n');
    const get = await cluster().kubectl(['get', 'configmap', 'gone']);
    expect(get.stderr).toBe('Error from server (NotFound): configmaps "gone" not found\n');
  });

  it('delete --wait of an unscheduled pod returns once it is gone', async () => {
    await cluster().kubectl(['create', '-f', '-'], { stdin: podYaml('short-lived') });
    const res = await cluster().kubectl(['delete', 'pod', 'short-lived', '--wait'], { timeoutMs: 20_000 });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('pod "short-lived" deleted\n');
    const get = await cluster().kubectl(['get', 'pod', 'short-lived']);
    expect(get.stderr).toBe('Error from server (NotFound): pods "short-lived" not found\n');
  });

  it('get -w -o name prints the object again when it changes', async () => {
    await cluster().kubectl(['create', '-f', '-'], { stdin: configMapYaml('watched', { v: '1' }) });
    const watch = cluster().spawnKubectl(['get', 'configmap', 'watched', '-w', '-o', 'name']);
    try {
      await watch.waitFor((out) => out === 'configmap/watched\n');
      const patched = await cluster().kubectl(['patch', 'configmap', 'watched', '--type', 'merge', '-p', '{"data":{"v":"2"}}']);
      expect(patched.stdout).toBe('configmap/watched patched\n');
      expect(await watch.waitFor((out) => out.split('\n').length >= 3)).toBe('configmap/watched\nconfigmap/watched\n');
    } finally {
      await watch.stop();
    }
  });

  it('get -w --output-watch-events -o json shows the MODIFIED event with the new data', async () => {
    await cluster().kubectl(['create', '-f', '-'], { stdin: configMapYaml('watched-events', { v: '1' }) });
    const watch = cluster().spawnKubectl(['get', 'configmap', 'watched-events', '-w', '--output-watch-events', '-o', 'json']);
    try {
      await watch.waitFor(/"type":\s*"ADDED"/);
      await cluster().kubectl(['label', 'configmap', 'watched-events', 'seen=yes']);
      await cluster().kubectl(['delete', 'configmap', 'watched-events']);
      const out = await watch.waitFor(/"type":\s*"DELETED"/);
      const events = splitJsonStream(out) as Array<{ type: string; object: { metadata: { labels?: Record<string, string> } } }>;
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      expect(events[1].object.metadata.labels).toEqual({ seen: 'yes' });
    } finally {
      await watch.stop();
    }
  });
});

describe('kubectl error messages for bad input', () => {
  it('an invalid name is rejected as Invalid', async () => {
    const res = await cluster().kubectl(['create', '-f', '-'], { stdin: podYaml('Bad_Name') });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(`The Pod "Bad_Name" is invalid: metadata.name: ${rfc1123SubdomainMessage('Bad_Name')}\n`);
  });

  it('an unknown field fails strict field validation (kubectl default --validate=strict)', async () => {
    const res = await cluster().kubectl(['create', '-f', '-'], {
      stdin: podYaml('bogus', { spec: { bogus: true, containers: [{ name: 'c', image: 'nginx' }] } }),
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogus"\n',
    );
  });

  it('--validate=warn creates the object and prints the unknown field as a warning', async () => {
    const res = await cluster().kubectl(['create', '--validate=warn', '-f', '-'], {
      stdin: podYaml('warned', { spec: { bogus: true, containers: [{ name: 'c', image: 'nginx' }] } }),
    });
    expect(res.stdout).toBe('pod/warned created\n');
    expect(res.stderr).toBe('Warning: unknown field "spec.bogus"\n');
  });

  it('a missing namespace is NotFound', async () => {
    const res = await cluster().kubectl(['create', '-f', '-'], { stdin: podYaml('homeless', { namespace: 'nope' }) });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Error from server (NotFound): error when creating "STDIN": namespaces "nope" not found\n');
  });
});

/** Splits kubectl's stream of pretty-printed JSON documents. */
function splitJsonStream(text: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' && --depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
  }
  return docs;
}
