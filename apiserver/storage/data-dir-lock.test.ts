import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock.js';

describe('lockDataDir', () => {
  it('takes the lock, refuses a live owner and releases', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kl-lock-'));
    const release = await lockDataDir(dir);
    expect((await readFile(join(dir, 'kubeling.lock'), 'utf8')).trim()).toBe(String(process.pid));
    // A live process other than us (our parent) holding the lock is refused.
    await writeFile(join(dir, 'kubeling.lock'), `${process.ppid}\n`);
    await expect(lockDataDir(dir)).rejects.toThrow(/in use by another kubeling/);
    await release();
    const again = await lockDataDir(dir);
    await again();
  });

  it('takes over a stale lock whose process is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kl-lock-'));
    await writeFile(join(dir, 'kubeling.lock'), '999999\n');
    const release = await lockDataDir(dir);
    expect((await readFile(join(dir, 'kubeling.lock'), 'utf8')).trim()).toBe(String(process.pid));
    await release();
  });
});
