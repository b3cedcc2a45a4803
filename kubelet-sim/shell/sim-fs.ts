/**
 * A container's small simulated filesystem: what the image brings (a busybox-like tree),
 * the files the kubelet writes (/etc/resolv.conf, /etc/hosts, /etc/hostname), mounted
 * ConfigMaps and Secrets, and whatever the shell writes. Kept per container for its run,
 * so files written through one `kubectl exec` are there for the next (and for `kubectl cp`).
 * Paths are absolute and normalised; the caller resolves relative paths against its cwd.
 */

export interface FsEntry {
  dir: boolean;
  /** The content as text (UTF-8 decoded; lossy for a binary file, whose exact bytes are in `bytes`). */
  data: string;
  /** The exact content of a file that is not valid UTF-8 (written by `tar x`, e.g. through `kubectl cp`). */
  bytes?: Buffer;
  mode: number;
  mtimeMs: number;
}

/** Why a write failed: no parent directory, a directory in the way, or a read-only mount (EROFS). */
export type WriteResult = 'ok' | 'nodir' | 'isdir' | 'rofs';

export class SimFs {
  private readonly entries = new Map<string, FsEntry>();
  /** Mount points (configMap/secret volumes, `readOnly: true` mounts, /etc/hosts…) → read-only. */
  private readonly mounts = new Map<string, boolean>();
  /** securityContext.readOnlyRootFilesystem: everything outside a writable mount is read-only. */
  private rootReadOnly = false;

  constructor(private readonly now: () => number = () => 0) {
    this.entries.set('/', { dir: true, data: '', mode: 0o755, mtimeMs: 0 });
  }

  /** `a/../b/./c` against cwd → `/…/b/c`. */
  static resolve(cwd: string, path: string): string {
    const parts = (path.startsWith('/') ? path : `${cwd}/${path}`).split('/');
    const out: string[] = [];
    for (const p of parts) {
      if (p === '' || p === '.') continue;
      if (p === '..') out.pop();
      else out.push(p);
    }
    return `/${out.join('/')}`;
  }

  /** Declares a mount point; writes under it by processes (not the kubelet's own, `force`) follow readOnly. */
  mount(root: string, readOnly: boolean): void {
    this.mounts.set(root, readOnly);
  }

  setRootReadOnly(readOnly: boolean): void {
    this.rootReadOnly = readOnly;
  }

  /** Whether a process may not change `path`: the innermost mount holding it decides, else the root filesystem. */
  readOnlyAt(path: string): boolean {
    let best: string | undefined;
    for (const root of this.mounts.keys()) {
      if ((path === root || path.startsWith(root === '/' ? '/' : `${root}/`)) && (best === undefined || root.length > best.length)) best = root;
    }
    return best === undefined ? this.rootReadOnly : this.mounts.get(best)!;
  }

  get(path: string): FsEntry | undefined {
    return this.entries.get(path);
  }

  isDir(path: string): boolean {
    return this.entries.get(path)?.dir === true;
  }

  /** Creates the directory and its parents (mkdir -p). */
  mkdirp(path: string, mode = 0o755): void {
    const parts = path.split('/').filter(Boolean);
    let cur = '';
    for (const p of parts) {
      cur += `/${p}`;
      if (!this.entries.has(cur)) this.entries.set(cur, { dir: true, data: '', mode, mtimeMs: this.now() });
    }
  }

  /** Writes a file, creating its parent directories (the kubelet's and mounts' files) when asked. */
  write(path: string, data: string, opts: { append?: boolean; mode?: number; parents?: boolean; force?: boolean } = {}): WriteResult {
    if (!opts.force && this.readOnlyAt(path)) return 'rofs';
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if (opts.parents) this.mkdirp(parent);
    if (!this.isDir(parent)) return 'nodir';
    const old = this.entries.get(path);
    if (old?.dir) return 'isdir';
    this.entries.set(path, { dir: false, data: opts.append && old ? old.data + data : data, mode: opts.mode ?? old?.mode ?? 0o644, mtimeMs: this.now() });
    return 'ok';
  }

  /** Writes bytes exactly: kept as `bytes` when they are not valid UTF-8, else as text. */
  writeBytes(path: string, bytes: Buffer, opts: { mode?: number; parents?: boolean } = {}): ReturnType<SimFs['write']> {
    const text = bytes.toString('utf8');
    const r = this.write(path, text, opts);
    if (r === 'ok' && !Buffer.from(text, 'utf8').equals(bytes)) this.entries.get(path)!.bytes = Buffer.from(bytes);
    return r;
  }

  /** A file's exact bytes. */
  static bytesOf(e: FsEntry): Buffer {
    return e.bytes ?? Buffer.from(e.data, 'utf8');
  }

  remove(path: string, recursive: boolean, force = false): 'ok' | 'missing' | 'isdir' | 'rofs' {
    const e = this.entries.get(path);
    if (!e || path === '/') return 'missing';
    if (!force && this.readOnlyAt(path)) return 'rofs';
    if (e.dir && !recursive) return 'isdir';
    for (const k of [...this.entries.keys()]) if (k === path || k.startsWith(`${path}/`)) this.entries.delete(k);
    return 'ok';
  }

  /** Names directly inside a directory, sorted. */
  list(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names: string[] = [];
    for (const k of this.entries.keys()) {
      if (k !== dir && k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) names.push(k.slice(prefix.length));
    }
    return names.sort();
  }

  /** Every path under dir (itself included), parents first: what `tar c DIR` walks. */
  walk(dir: string): string[] {
    return [...this.entries.keys()].filter((k) => k === dir || k.startsWith(dir === '/' ? '/' : `${dir}/`)).sort();
  }
}

/** The directories a busybox image has. */
export const IMAGE_DIRS = ['/bin', '/dev', '/etc', '/home', '/proc', '/root', '/sys', '/tmp', '/usr', '/usr/sbin', '/var', '/var/log'];
