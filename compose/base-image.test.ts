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
    // `docker image inspect` fails unless $dir/exists is there, and prints that file (the
    // image's io.kubeling.node label) when asked for a --format; import reads the tar.
    fake('docker', `case "$1" in image) [ -e "${dir}/exists" ] && { [ "$3" != --format ] || cat "${dir}/exists"; };; import) tar -t > "${dir}/tar-list";; esac`);
    // The root file system is debootstrap's second-to-last argument.
    fake('debootstrap', 'eval "r=\\${$(($# - 1))}"; mkdir -p "$r/var/cache/apt/archives" "$r/usr/share/doc/pkg" "$r/usr/share/man/man1" "$r/usr/share/locale/de" && touch "$r/var/cache/apt/archives/x.deb" "$r/marker" "$r/usr/share/doc/pkg/README" "$r/usr/share/doc/pkg/copyright" "$r/usr/share/man/man1/ls.1" "$r/usr/share/locale/de/x.mo" "$r/usr/share/locale/locale.alias"');
    // A small npm and header directory instead of this machine's (only their copying is under test).
    mkdirSync(join(dir, 'npm', 'bin'), { recursive: true });
    writeFileSync(join(dir, 'npm', 'bin', 'npm-cli.js'), '');
    writeFileSync(join(dir, 'npm', 'bin', 'npx-cli.js'), '');
    mkdirSync(join(dir, 'include', 'node'), { recursive: true });
    writeFileSync(join(dir, 'include', 'node', 'node.h'), '');
    env = { KUBELING_NPM_DIR: join(dir, 'npm'), KUBELING_NODE_HEADERS: join(dir, 'include', 'node'), PATH: `${bin}:${process.env.PATH}`, APT_SOURCES_LIST: join(dir, 'sources.list'), APT_SOURCES_PARTS: join(dir, 'sources.list.d'), TMPDIR: dir, KUBELING_DEBOOTSTRAP_CACHE: join(dir, 'debs') };
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
    expect(calls).toContain(`debootstrap --variant=minbase --cache-dir=${join(dir, 'debs')} bookworm `);
    expect(calls).toMatch(/ bookworm \S+ http:\/\/line\.invalid\/debian\n/);
    const importLine = calls.split('\n').find((l) => / import /.test(l))!;
    expect(importLine).toContain('ENV NODE_EXTRA_CA_CERTS=/usr/local/share/kubeling/ca-certificates.crt');
    expect(importLine).toContain('ENV npm_config_nodedir=/usr/local');
    expect(importLine).toContain(`LABEL io.kubeling.node=${process.version}`);
    expect(importLine).toMatch(/- kubeling-base:test$/);
    const files = readFileSync(join(dir, 'tar-list'), 'utf8').split('\n');
    for (const f of ['./marker', './usr/local/bin/node', './usr/local/bin/npm', './usr/local/lib/node_modules/npm/bin/npm-cli.js', './usr/local/include/node/node.h', './usr/local/share/kubeling/ca-certificates.crt']) {
      expect(files, f).toContain(f);
    }
    // apt's downloaded packages are not shipped, nor documentation, manual pages, translations
    expect(files).not.toContain('./var/cache/apt/archives/x.deb');
    for (const f of ['./usr/share/doc/pkg/README', './usr/share/man/man1/ls.1', './usr/share/locale/de/x.mo']) expect(files, f).not.toContain(f);
    for (const f of ['./usr/share/doc/pkg/copyright', './usr/share/locale/locale.alias', './etc/dpkg/dpkg.cfg.d/kubeling-slim']) expect(files, f).toContain(f);
  });

  it('does nothing when the tag exists with this machine\'s Node.js', () => {
    writeFileSync(join(dir, 'exists'), `${process.version}\n`);
    writeFileSync(join(dir, 'sources.list'), 'deb http://line.invalid/debian bookworm main\n');
    const r = spawnSync('bash', [SCRIPT, 'kubeling-base:test'], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/exists/);
    expect(readFileSync(join(dir, 'calls'), 'utf8')).not.toMatch(/debootstrap|import/);
  });

  it('remakes the image when it carries another Node.js, or none', () => {
    writeFileSync(join(dir, 'sources.list'), 'deb http://line.invalid/debian bookworm main\n');
    for (const label of ['v18.0.0', '<no value>']) {
      writeFileSync(join(dir, 'exists'), `${label}\n`);
      const r = spawnSync('bash', [SCRIPT, 'kubeling-base:test'], { env, encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`has Node.js ${label === 'v18.0.0' ? 'v18.0.0' : 'of unknown version'}, this machine ${process.version}: remaking it`);
      expect(readFileSync(join(dir, 'calls'), 'utf8')).toMatch(/debootstrap[\s\S]* import /);
      rmSync(join(dir, 'calls'));
    }
  });
});
