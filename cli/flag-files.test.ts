import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNodeTemplate, loadStageConfig } from '../kubelet-sim/index.js';
import { fileErrorReason, readFlagFile } from './flag-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'kubeling-cli-flag-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes `text` to a file of the temp directory and returns its path. */
function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}
mkdirSync(join(tmp, 'dir.yaml'));

describe('readFlagFile', () => {
  it('returns what the loader returns', () => {
    const path = file('ok.yaml', 'stages: [{ name: image-pull, delay: { ms: 5000 } }]\n');
    const cfg = readFlagFile('stage-config', path, loadStageConfig);
    expect(cfg.stages.find((s) => s.name === 'image-pull')?.delay.ms).toBe(5000);
  });

  // The loaders' real errors: every report is one line naming the flag and the file.
  it.each([
    { name: 'a missing file', flag: 'stage-config', path: join(tmp, 'absent.yaml'), load: loadStageConfig, reason: 'no such file' },
    { name: 'a directory', flag: 'stage-config', path: join(tmp, 'dir.yaml'), load: loadStageConfig, reason: 'is a directory' },
    {
      name: 'broken YAML',
      flag: 'stage-config',
      path: file('broken.yaml', 'foo: a: b\n'),
      load: loadStageConfig,
      reason: 'invalid YAML: Nested mappings are not allowed in compact mappings at line 1, column 6',
    },
    { name: 'broken JSON', flag: 'stage-config', path: file('broken.json', '{"stages": ['), load: loadStageConfig, reason: /^invalid JSON: / },
    {
      name: 'a stage config the schema refuses',
      flag: 'stage-config',
      path: file('bad.yaml', 'restartBackoff: { initialMs: fast }\nlogIntervalMs: soon\n'),
      load: loadStageConfig,
      reason: /^invalid stage config: Invalid input: expected number, received string \(at logIntervalMs\); Invalid input: expected number, received string \(at restartBackoff\.initialMs\)$/,
    },
    {
      name: 'a merged stage config the schema refuses',
      flag: 'stage-config',
      path: file('bad-delay.yaml', 'stages: [{ name: image-pull, delay: { ms: -5 } }]\n'),
      load: loadStageConfig,
      reason: /^invalid stage config: Too small: .* \(at stages\[\d+\]\.delay\.ms\)$/,
    },
    {
      name: 'a node template the schema refuses',
      flag: 'node-template',
      path: file('node.yaml', 'capacity: { cpu: [1] }\n'),
      load: loadNodeTemplate,
      reason: 'invalid node template: Invalid input (at capacity.cpu)',
    },
  ])('$name: one line, cannot use --FLAG PATH: REASON', ({ flag, path, load, reason }) => {
    let message = '';
    try {
      readFlagFile(flag, path, load as (p: string) => unknown);
    } catch (err) {
      message = (err as Error).message;
    }
    const prefix = `cannot use --${flag} ${path}: `;
    expect(message.startsWith(prefix)).toBe(true);
    expect(message).not.toContain('\n');
    expect(message.slice(prefix.length)).toMatch(reason);
  });
});

describe('fileErrorReason', () => {
  it.each([
    { err: new Error('/f: something odd'), reason: 'something odd' },
    { err: new Error('/g: not my path'), reason: '/g: not my path' },
    { err: 'thrown string', reason: 'thrown string' },
    { err: new Error('✖ first\n  → at a\n✖ second'), reason: 'first (at a); second' },
    { err: new Error('/f: invalid thing: ✖ first\n  → at a'), reason: 'invalid thing: first (at a)' },
  ])('$err → $reason', ({ err, reason }) => {
    expect(fileErrorReason('/f', err)).toBe(reason);
  });
});
