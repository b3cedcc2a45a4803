import { describe, expect, it } from 'vitest';
import { makeHost, run } from './testing.js';

/** Read-only mounts as busybox reports them (EROFS): the kubelet's own writes still land. */

function hostWithMounts(rootReadOnly = false) {
  const host = makeHost();
  host.fs.write('/etc/config/greeting', 'hello', { parents: true, force: true });
  host.fs.mount('/etc/config', true);
  host.fs.mkdirp('/data');
  host.fs.mount('/data', false);
  host.fs.mount('/etc/hostname', false);
  host.fs.setRootReadOnly(rootReadOnly);
  return host;
}

describe('read-only file systems', () => {
  it('a read-only mount refuses redirects, touch, rm and mkdir with "Read-only file system"', async () => {
    const host = hostWithMounts();
    const r = await run(['sh', '-c', 'echo x > /etc/config/new; touch /etc/config/t; rm /etc/config/greeting; mkdir /etc/config/d; cat /etc/config/greeting'], { host });
    expect(r.err).toBe(
      [
        "sh: can't create /etc/config/new: Read-only file system",
        'touch: /etc/config/t: Read-only file system',
        "rm: can't remove '/etc/config/greeting': Read-only file system",
        "mkdir: can't create directory '/etc/config/d': Read-only file system",
        '',
      ].join('\n'),
    );
    expect(r.out).toBe('hello');
    // Writable elsewhere.
    expect((await run(['sh', '-c', 'echo ok > /tmp/f && cat /tmp/f'], { host })).out).toBe('ok\n');
  });

  it('readOnlyRootFilesystem: only writable mounts take writes', async () => {
    const host = hostWithMounts(true);
    const r = await run(['sh', '-c', 'echo a > /tmp/f; echo b > /data/f && cat /data/f; echo c >> /etc/hostname'], { host });
    expect(r.err).toBe("sh: can't create /tmp/f: Read-only file system\n");
    expect(r.out).toBe('b\n');
  });

  it("the kubelet's updates (force) still change a read-only mount", () => {
    const host = hostWithMounts();
    expect(host.fs.write('/etc/config/greeting', 'bonjour', { force: true })).toBe('ok');
    expect(host.fs.write('/etc/config/greeting', 'hi')).toBe('rofs');
    expect(host.fs.get('/etc/config/greeting')?.data).toBe('bonjour');
  });
});
