import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeKubeconfig, writeKubeconfig } from './kubeconfig.js';

const run = promisify(execFile);
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const entry = { server: 'https://127.0.0.1:6443', caCert: CA, token: 'tok' };

describe('mergeKubeconfig', () => {
  it('builds a fresh kubeconfig with the default names', () => {
    expect(mergeKubeconfig(null, entry)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'kubeling',
          cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from(CA).toString('base64') },
        },
      ],
      contexts: [{ name: 'kubeling', context: { cluster: 'kubeling', user: 'kubeling-admin' } }],
      users: [{ name: 'kubeling-admin', user: { token: 'tok' } }],
      'current-context': 'kubeling',
      preferences: {},
    });
  });

  it('keeps other entries, replaces its own and switches the current context', () => {
    const existing = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'prod', cluster: { server: 'https://prod' } }, { name: 'kubeling', cluster: { server: 'old' } }],
      contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'me' } }],
      users: [{ name: 'me', user: { token: 'x' } }, { name: 'kubeling-admin', user: { token: 'old' } }],
      'current-context': 'prod',
      preferences: { colors: true },
      extensions: [],
    };
    const merged = mergeKubeconfig(existing, entry);
    expect(merged.clusters.map((c) => [c.name, (c.cluster as { server: string }).server])).toEqual([
      ['prod', 'https://prod'],
      ['kubeling', 'https://127.0.0.1:6443'],
    ]);
    expect(merged.contexts.map((c) => c.name)).toEqual(['prod', 'kubeling']);
    expect(merged.users).toEqual([
      { name: 'me', user: { token: 'x' } },
      { name: 'kubeling-admin', user: { token: 'tok' } },
    ]);
    expect(merged['current-context']).toBe('kubeling');
    expect(merged.preferences).toEqual({ colors: true });
    expect(merged.extensions).toEqual([]);
  });

  it.each([
    { existing: 'text', error: /expected a mapping/ },
    { existing: [1], error: /expected a mapping/ },
    { existing: { kind: 'Pod' }, error: /kind is Pod/ },
    { existing: { clusters: 'nope' }, error: /clusters is not a list/ },
  ])('refuses $existing', ({ existing, error }) => {
    expect(() => mergeKubeconfig(existing, entry)).toThrow(error);
  });
});

describe('writeKubeconfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeling-kubeconfig-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes YAML with mode 0600 that parses back and that kubectl reads', async () => {
    const path = join(dir, 'sub', 'kubeconfig');
    await writeKubeconfig(path, { ...entry, contextName: 'kubeling' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const parsed = parse(await readFile(path, 'utf8'));
    expect(parsed['current-context']).toBe('kubeling');
    expect(Buffer.from(parsed.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(CA);
    expect(parsed.users[0].user.token).toBe('tok');

    const ctx = await run('/usr/bin/kubectl', ['config', 'view', '--kubeconfig', path, '-o', 'jsonpath={.current-context}']);
    expect(ctx.stdout).toBe('kubeling');
    const server = await run('/usr/bin/kubectl', [
      'config', 'view', '--kubeconfig', path, '--minify', '--raw', '-o', 'jsonpath={.clusters[0].cluster.server} {.users[0].user.token}',
    ]);
    expect(server.stdout).toBe('https://127.0.0.1:6443 tok');
  });

  it('merges into an existing file and refuses to overwrite a file that is not a kubeconfig', async () => {
    const path = join(dir, 'config');
    await writeFile(path, 'apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: "https://prod"}\n');
    await writeKubeconfig(path, entry);
    const parsed = parse(await readFile(path, 'utf8'));
    expect(parsed.clusters.map((c: { name: string }) => c.name)).toEqual(['prod', 'kubeling']);

    const notConfig = join(dir, 'notes.txt');
    await writeFile(notConfig, 'just: [text\n');
    await expect(writeKubeconfig(notConfig, entry)).rejects.toThrow(/cannot update .*notes\.txt/);
    expect(await readFile(notConfig, 'utf8')).toBe('just: [text\n');
  });
});
