import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * compose/build-image.sh in a small checkout of its own (a built tree with one production
 * and one dev dependency), with docker replaced at the command boundary: `docker run`
 * prints the base image's Node ABI from a file, `docker build` records its arguments and
 * the build context it was given.
 */
describe('compose/build-image.sh', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const hostAbi = spawnSync('node', ['-p', 'process.versions.modules + " " + process.arch + " " + (process.report.getReport().header.glibcVersionRuntime || "none")'], { encoding: 'utf8' }).stdout.trim();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeling-build-image-'));
    const file = (path: string, text = '') => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    mkdirSync(join(dir, 'compose'));
    for (const f of ['build-image.sh', 'Dockerfile.prebuilt']) copyFileSync(resolve(__dirname, f), join(dir, 'compose', f));
    file('compose/haproxy.cfg');
    file('compose/node-groups.yaml');
    file('dist/cli/main.js');
    file('bin/kubeling.js');
    file('package.json', '{}');
    file('package-lock.json', '{}');
    file('node_modules/better-sqlite3/package.json', '{}');
    file('node_modules/devtool/cli.js');
    file('node_modules/.cache/vite/x');
    file('node_modules/.package-lock.json', JSON.stringify({ packages: { '': {}, 'node_modules/better-sqlite3': {}, 'node_modules/devtool': { dev: true } } }));
    mkdirSync(join(dir, 'node_modules/.bin'));
    symlinkSync('../devtool/cli.js', join(dir, 'node_modules/.bin/devtool'));
    symlinkSync('../better-sqlite3/package.json', join(dir, 'node_modules/.bin/kept'));
    mkdirSync(join(dir, 'fakebin'));
    writeFileSync(
      join(dir, 'fakebin', 'docker'),
      `#!/bin/sh\necho "docker $*" >> "${dir}/calls"\ncase "$1" in\n  run) cat "${dir}/base-abi";;\n  build) eval "ctx=\\\${$#}"; (cd "$ctx" && find . | sort) > "${dir}/context"; [ ! -f "$ctx/Dockerfile" ] || cp "$ctx/Dockerfile" "${dir}/context.dockerfile";;\nesac\n`,
    );
    chmodSync(join(dir, 'fakebin', 'docker'), 0o755);
    writeFileSync(join(dir, 'base-abi'), `${hostAbi}\n`);
    env = { ...process.env, PATH: `${join(dir, 'fakebin')}:${process.env.PATH}`, TMPDIR: dir, KUBELING_BASE_IMAGE: 'kubeling-base:test' };
    delete env.KUBELING_IMAGE_FROM;
    delete env.KUBELING_IMAGE;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const build = (...args: string[]) => spawnSync('bash', [join(dir, 'compose', 'build-image.sh'), ...args], { env, encoding: 'utf8' });
  const calls = () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8') : '');

  it('builds the Dockerfile from the sources by default', () => {
    const r = build();
    expect(r.status).toBe(0);
    expect(calls()).toBe('docker build --build-arg BASE_IMAGE=kubeling-base:test -t kubeling:local .\n');
  });

  it('refuses an unknown way or argument', () => {
    let r = build('--from', 'cloud');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("KUBELING_IMAGE_FROM must be host or source, not 'cloud'");
    r = build('--fast');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: compose/build-image.sh');
    expect(calls()).toBe('');
  });

  it('from the host: stages the built tree without dev dependencies and builds Dockerfile.prebuilt there', () => {
    env.KUBELING_IMAGE_FROM = 'host';
    env.KUBELING_IMAGE = 'kubeling:ci';
    const r = build('--no-cache');
    expect(r.stderr.replace(/^DEPRECATED.*\n/m, '')).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1 dev packages left out');
    const lines = calls().trim().split('\n');
    expect(lines[0]).toMatch(/^docker run --rm --entrypoint node kubeling-base:test -p /);
    expect(lines[1]).toMatch(/^docker build --no-cache --build-arg BASE_IMAGE=kubeling-base:test -t kubeling:ci \S+kubeling-image\.\w+$/);
    const context = readFileSync(join(dir, 'context'), 'utf8').split('\n');
    for (const f of ['./Dockerfile', './app/dist/cli/main.js', './app/bin/kubeling.js', './app/package.json', './app/node_modules/better-sqlite3/package.json', './app/node_modules/.bin/kept', './app/compose/haproxy.cfg', './app/compose/node-groups.yaml']) expect(context, f).toContain(f);
    for (const f of ['./app/node_modules/devtool', './app/node_modules/.bin/devtool', './app/node_modules/.cache']) expect(context, f).not.toContain(f);
    expect(readFileSync(join(dir, 'context.dockerfile'), 'utf8')).toBe(readFileSync(resolve(__dirname, 'Dockerfile.prebuilt'), 'utf8'));
    // The checkout's own tree is untouched, and the staging directory is gone.
    expect(existsSync(join(dir, 'node_modules/devtool/cli.js'))).toBe(true);
    expect(spawnSync('sh', ['-c', `ls -d ${dir}/kubeling-image.* 2>/dev/null`]).stdout.toString()).toBe('');
  });

  it('from the host: refuses a base image with another Node ABI or an older glibc, before building', () => {
    const [abi, arch, glibc] = hostAbi.split(' ');
    for (const base of [`${Number(abi) + 1} ${arch} ${glibc}`, `${abi} ${arch} 2.1`, `${abi} ${arch} none`]) {
      writeFileSync(join(dir, 'base-abi'), `${base}\n`);
      const r = build('--from=host');
      expect(r.status, base).toBe(3);
      expect(r.stderr).toContain('cannot run this machine\'s native modules');
    }
    expect(calls()).not.toMatch(/docker build/);
  });

  it('from the host: asks for a build first when dist/ is missing', () => {
    rmSync(join(dir, 'dist'), { recursive: true });
    const r = build('--from', 'host');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('dist/cli/main.js is missing: run npm ci (or npm run build)');
    expect(calls()).toBe('');
  });
});
