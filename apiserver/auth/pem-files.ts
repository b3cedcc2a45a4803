import { mkdir, readFile, rename, writeFile, chmod, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Where the apiserver keeps its security material: `<dataDir>/pki`. */
export function pkiDir(dataDir: string): string {
  return join(dataDir, 'pki');
}

/** Reads a file as UTF-8, or returns null when it does not exist (other errors throw). */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Writes a file atomically (temporary file in the same directory, then rename), so a
 * reader such as kubectl never sees half a file and a crash never leaves one behind.
 * The mode is set on the temporary file before any content is visible under the real
 * name: secrets are never world-readable, even briefly.
 */
export async function writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content, { mode });
    // writeFile's mode is filtered by the umask; chmod makes it exact.
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
