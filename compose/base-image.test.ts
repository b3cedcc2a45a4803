import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = resolve(__dirname, 'base-image.sh');

/**
 * compose/base-image.sh with docker and debootstrap replaced at the command boundary by
 * scripts that record their arguments (debootstrap makes a tiny root filesystem), and
 * apt's configuration replaced by files of the test's own.
 */
describe('compose/base-image.sh', () => {
  let dir: string;
  let bin: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeling-base-image-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
    mkdirSync(join(dir, 'sources.list.d'));
    const fake = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\necho "$0 $*" >> "${dir}/calls"\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    // `docker image inspect` fails unless $dir/exists is there; import reads the tar.
    fake('docker', `case "$1" in image) [ -e "${dir}/exists" ];; import) tar -t > "${dir}/tar-list";; esac`);
    fake('debootstrap', 'mkdir -p "$3/var/cache/apt/archives" && touch "$3/var/cache/apt/archives/x.deb" "$3/marker"');
    env = { PATH: `${bin}:${process.env.PATH}`, APT_SOURCES_LIST: join(dir, 'sources.list'), APT_SOURCES_PARTS: join(dir, 'sources.list.d'), TMPDIR: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mirror = () => execFileSync('bash', [SCRIPT, '--mirror'], { env, encoding: 'utf8' }).trim();

  it('reads the mirror from a deb822 .sources file, skipping -security and disabled stanzas', () => {
    writeFileSync(
      join(dir, 'sources.list.d', 'debian.sources'),
      [
        'Types: deb',
        'URIs: http://disabled.invalid/debian',
        'Suites: bookworm',
        'Components: main',
        'Enabled: no',
        '',
        'Types: deb-src',
        'URIs: http://src.invalid/debian',
        'Suites: bookworm',
        '',
        'Types: deb',
        'URIs: http://security.invalid/debian-security',
        'Suites: bookworm-security',
        '',
        'Types: deb',
        '# a comment',
        'URIs: http://mirror.invalid/debian http://second.invalid/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        '',
      ].join('\n'),
    );
    expect(mirror()).toBe('http://mirror.invalid/debian');
  });

  it('reads the mirror from one-line sources.list entries, options included', () => {
    writeFileSync(join(dir, 'sources.list'), '# deb http://commented.invalid/debian bookworm main\ndeb http://security.invalid/debian-security bookworm-security main\ndeb [arch=amd64 signed-by=/k.gpg] http://line.invalid/debian bookworm main\n');
    expect(mirror()).toBe('http://line.invalid/debian');
  });

  it('fails with a message when apt has no mirror for the suite', () => {
    writeFileSync(join(dir, 'sources.list'), 'deb http://old.invalid/debian bullseye main\n');
    expect(mirror()).toBe('');
    const r = spawnSync('bash', [SCRIPT, 'kubeling-base:test'], { env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no Debian mirror for bookworm/);
    expect(readFileSync(join(dir, 'calls'), 'utf8')).not.toMatch(/debootstrap/);
  });

  it('debootstraps minbase from that mirror, adds node, npm, headers and CA bundle, and imports with the ENV Node needs', () => {
    writeFileSync(join(dir, 'sources.list'), 'deb http://line.invalid/debian bookworm main\n');
    const r = spawnSync('bash', [SCRIPT, 'kubeling-base:test'], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const calls = readFileSync(join(dir, 'calls'), 'utf8');
    expect(calls).toMatch(/debootstrap --variant=minbase bookworm \S+ http:\/\/line\.invalid\/debian/);
    const importLine = calls.split('\n').find((l) => / import /.test(l))!;
    expect(importLine).toContain('ENV NODE_EXTRA_CA_CERTS=/usr/local/share/kubeling/ca-certificates.crt');
    expect(importLine).toContain('ENV npm_config_nodedir=/usr/local');
    expect(importLine).toMatch(/- kubeling-base:test$/);
    const files = readFileSync(join(dir, 'tar-list'), 'utf8').split('\n');
    for (const f of ['./marker', './usr/local/bin/node', './usr/local/bin/npm', './usr/local/lib/node_modules/npm/bin/npm-cli.js', './usr/local/include/node/node.h', './usr/local/share/kubeling/ca-certificates.crt']) {
      expect(files, f).toContain(f);
    }
    // apt's downloaded packages are not shipped
    expect(files).not.toContain('./var/cache/apt/archives/x.deb');
  });

  it('does nothing when the tag exists', () => {
    writeFileSync(join(dir, 'exists'), '');
    writeFileSync(join(dir, 'sources.list'), 'deb http://line.invalid/debian bookworm main\n');
    const r = spawnSync('bash', [SCRIPT, 'kubeling-base:test'], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/exists/);
    expect(readFileSync(join(dir, 'calls'), 'utf8')).not.toMatch(/debootstrap|import/);
  });
});
