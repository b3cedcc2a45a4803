import { describe, expect, it } from 'vitest';
import { feed, makeHost, run } from '../testing.js';
import { parseTarArgs } from './tar.js';

const stdinOf = (text: string) => {
  const f = feed();
  f.push(text);
  f.end();
  return f;
};

describe('tar (busybox) over the simulated filesystem', () => {
  it('parses the forms kubectl cp and users type', () => {
    expect(parseTarArgs(['-xmf', '-', '-C', '/tmp'])).toMatchObject({ mode: 'x', file: '-', dir: '/tmp', operands: [] });
    expect(parseTarArgs(['cf', '-', '/etc/hostname'])).toMatchObject({ mode: 'c', file: '-', operands: ['/etc/hostname'] });
    expect(parseTarArgs(['--no-same-permissions', '--no-same-owner', '-xmf', '-'])).toMatchObject({ mode: 'x', file: '-' });
    expect(parseTarArgs(['tvf', 'a.tar'])).toMatchObject({ mode: 't', verbose: true, file: 'a.tar' });
  });

  it.each([
    [[], 'tar: need at least one of -c, -x or -t'],
    [['-cx'], 'tar: multiple archive actions specified'],
    [['-cf'], "tar: option requires an argument -- 'f'"],
    [['-cQ'], "tar: invalid option -- 'Q'"],
  ])('bad arguments %j: %s', async (args, message) => {
    const r = await run(['tar', ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });

  it('c then x round-trips files and directories into another container', async () => {
    const src = makeHost();
    src.fs.mkdirp('/data/sub');
    src.fs.write('/data/a.txt', 'alpha\n');
    src.fs.write('/data/sub/b.txt', 'béta ✓\n', { mode: 0o600 });
    const packed = await run(['tar', 'cf', '-', '/data'], { host: src });
    expect(packed.code).toBe(0);
    expect(packed.err).toBe("tar: removing leading '/' from member names\n");

    const dst = makeHost();
    const listed = await run(['tar', 'tf', '-'], { host: dst, stdin: stdinOf(packed.out) });
    expect(listed.out).toBe('data/\ndata/a.txt\ndata/sub/\ndata/sub/b.txt\n');

    const x = await run(['tar', '-xmf', '-', '-C', '/tmp'], { host: dst, stdin: stdinOf(packed.out) });
    expect(x).toMatchObject({ code: 0, err: '' });
    expect(dst.fs.get('/tmp/data/a.txt')?.data).toBe('alpha\n');
    expect(dst.fs.get('/tmp/data/sub/b.txt')).toMatchObject({ data: 'béta ✓\n', mode: 0o600 });
  });

  it('-C DIR names members relative to DIR; an archive file on the filesystem works too', async () => {
    const h = makeHost();
    h.fs.write('/etc/motd', 'hi\n');
    expect((await run(['tar', '-cf', '/tmp/x.tar', '-C', '/etc', 'motd', 'hostname'], { host: h })).code).toBe(0);
    const t = await run(['tar', '-tf', '/tmp/x.tar'], { host: h });
    expect(t.out).toBe('motd\nhostname\n');
  });

  it('errors: missing member, missing -C directory, garbage or empty archive', async () => {
    const h = makeHost();
    const missing = await run(['tar', 'cf', '-', 'nope'], { host: h });
    expect(missing).toMatchObject({ code: 1, err: 'tar: nope: No such file or directory\n' });
    const noDir = await run(['tar', '-xf', '-', '-C', '/nowhere'], { host: h, stdin: stdinOf('') });
    expect(noDir).toMatchObject({ code: 1, err: "tar: can't change directory to '/nowhere': No such file or directory\n" });
    const garbage = await run(['tar', '-xf', '-'], { host: h, stdin: stdinOf('x'.repeat(1024)) });
    expect(garbage).toMatchObject({ code: 1, err: 'tar: invalid tar magic\n' });
    const empty = await run(['tar', '-xf', '-'], { host: h, stdin: stdinOf('') });
    expect(empty).toMatchObject({ code: 1, err: 'tar: short read\n' });
  });
});
