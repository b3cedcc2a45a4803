import { describe, expect, it } from 'vitest';
import { feed, makeHost, run } from './testing.js';

const sh = (script: string) => ['sh', '-c', script];

describe('simulated sh', () => {
  const table: Array<[string, string, { out?: string; err?: string; code?: number }]> = [
    ['echo', 'echo hi there', { out: 'hi there\n', code: 0 }],
    ['quotes', `echo 'a  b' "c  $X" \\$X`, { out: 'a  b c  1 $X\n' }],
    ['unquoted split', 'Y="p   q"; echo $Y', { out: 'p q\n' }],
    ['$? and false', 'false; echo $?', { out: '1\n' }],
    ['&& and ||', 'true && echo a || echo b; false && echo c || echo d', { out: 'a\nd\n' }],
    ['exit N', 'echo before; exit 3; echo after', { out: 'before\n', code: 3 }],
    ['exit wraps', 'exit 257', { code: 1 }],
    ['unknown command', 'xyz', { err: 'sh: xyz: not found\n', code: 127 }],
    ['unknown then status', 'xyz; echo $?', { out: '127\n', err: 'sh: xyz: not found\n', code: 0 }],
    ['for loop', 'for i in 1 2 3; do echo n$i; done', { out: 'n1\nn2\nn3\n' }],
    ['while with arithmetic', 'i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done', { out: '0\n1\n2\n' }],
    ['until', 'i=3; until [ $i -eq 0 ]; do i=$((i - 1)); done; echo $i', { out: '0\n' }],
    ['break and continue', 'for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done', { out: '1\n3\n' }],
    ['if elif else', 'x=5; if [ $x -lt 3 ]; then echo small; elif [ $x -lt 10 ]; then echo mid; else echo big; fi', { out: 'mid\n' }],
    ['pipes', 'printf "a\\nb\\nc\\n" | grep -v b | wc -l', { out: '2\n' }],
    ['! negates', '! false; echo $?', { out: '0\n' }],
    ['command substitution', 'echo "host: $(hostname)" `echo x`', { out: 'host: pod-1 x\n' }],
    ['default value', 'echo ${UNSET:-fallback} ${X:-no}', { out: 'fallback 1\n' }],
    ['redirect and cat', 'echo hello > /tmp/f; echo more >> /tmp/f; cat /tmp/f', { out: 'hello\nmore\n' }],
    ['stderr to stdout', 'cat /nope 2>&1', { out: "cat: can't open '/nope': No such file or directory\n", code: 1 }],
    ['to /dev/null', 'xyz 2>/dev/null; echo $?', { out: '127\n' }],
    ['subshell exit', '(exit 4); echo $?', { out: '4\n' }],
    ['group', '{ echo a; echo b; } | wc -l', { out: '2\n' }],
    ['syntax error', 'do echo', { err: 'sh: syntax error: unexpected "do"\n', code: 2 }],
    ['unterminated', 'while true; do echo', { err: 'sh: syntax error: unexpected end of file\n', code: 2 }],
    ['positional', 'echo $0 $1 $#', { out: 'sh 0\n' }],
    ['export to child', 'A=1; export B=2; sh -c \'echo "[$A][$B]"\'', { out: '[][2]\n' }],
    ['prefix assignment', 'Z=9 printenv Z; echo "[$Z]"', { out: '9\n[]\n' }],
    ['test strings', '[ -z "" ] && [ -n a ] && [ a != b ] && echo ok', { out: 'ok\n' }],
    ['test files', '[ -d /etc ] && [ -f /etc/hostname ] && ! [ -e /nope ] && echo ok', { out: 'ok\n' }],
    ['sleep on the clock', 'sleep 2; echo done', { out: 'done\n' }],
    ['comments', 'echo a # b', { out: 'a\n' }],
    ['cd and pwd', 'cd /etc && pwd; cd /nope', { out: '/etc\n', err: "sh: cd: can't cd to /nope: No such file or directory\n", code: 2 }],
  ];
  it.each(table)('%s', async (_name, script, want) => {
    const res = await run(sh(script), { env: { X: '1' } });
    if (want.out !== undefined) expect(res.out).toBe(want.out);
    expect(res.err).toBe(want.err ?? '');
    expect(res.code).toBe(want.code ?? 0);
  });

  it('runs a program directly, as exec does, and names a missing one as the runtime does', async () => {
    expect((await run(['echo', 'hi'])).out).toBe('hi\n');
    expect((await run(['/bin/echo', 'hi'])).out).toBe('hi\n');
    const missing = await run(['nosuch', 'x']);
    expect(missing.code).toBe(127);
    expect(missing.err).toContain('exec: "nosuch": executable file not found in $PATH');
  });

  it('sleep waits on the injected clock', async () => {
    const host = makeHost();
    const t0 = host.clock.now();
    await run(sh('sleep 1.5; sleep 1m'), { host, stepMs: 500 });
    expect(host.clock.now() - t0).toBeGreaterThanOrEqual(61_500);
  });

  it('reads a script line by line from stdin when run without -c (kubectl exec -i POD -- sh)', async () => {
    const stdin = feed();
    stdin.push('echo one\nfor i in a b\n');
    stdin.push('do echo $i; done\nexit 5\necho never\n');
    const res = await run(['sh'], { stdin });
    expect(res.out).toBe('one\na\nb\n');
    expect(res.code).toBe(5);
  });

  it('ends at end of input with the last status', async () => {
    const stdin = feed();
    stdin.push('false\n');
    stdin.end();
    expect((await run(['sh'], { stdin })).code).toBe(1);
  });

  it('an aborted signal stops an endless loop', async () => {
    const ctrl = new AbortController();
    const host = makeHost();
    let count = 0;
    host.net.http = async () => {
      if (++count === 5) ctrl.abort();
      return { status: 200, body: 'OK!', latencyMs: 10 };
    };
    const res = await run(sh('while true; do wget -q -O- http://php-apache; done'), { host, signal: ctrl.signal, stepMs: 10 });
    expect(res.code).toBe(130);
    expect(res.out).toBe('OK!'.repeat(4));
  });

  it('a loop without sleep yields to the event loop (a timer still fires)', async () => {
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 0);
    const res = await run(sh('while true; do :; done'), { signal: ctrl.signal, maxSteps: 0 });
    expect(res.code).toBe(130);
  });
});
