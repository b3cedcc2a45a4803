import { describe, expect, it } from 'vitest';
import { expandKubeRefs, formatDate, imageBaseName, planCommand, resolveArgv, type CommandInput } from './command-plan.js';

/** A plan in one line for tables: `exits 5000 0 [a|b]` or `forever`. */
const summary = (input: CommandInput): string => {
  const p = planCommand(input);
  return p.kind === 'forever' ? 'forever' : `exits ${p.afterMs} ${p.exitCode} [${p.output.map((l) => l.text).join('|')}]`;
};
const sh = (script: string, env?: CommandInput['env']): CommandInput => ({ command: ['sh', '-c', script], env });

describe('planCommand', () => {
  const cases: Array<[string, CommandInput, string]> = [
    // argv: command ++ args, or args alone when they start with something known
    ['echo in args (kubectl run -- echo hello)', { args: ['echo', 'hello'] }, 'exits 0 0 [hello]'],
    // no command and no args: the image's default command
    ['busybox runs its shell, which exits at once', { image: 'busybox' }, 'exits 0 0 []'],
    ['ubuntu by registry path, tag and digest', { image: 'docker.io/library/ubuntu:24.04@sha256:abc' }, 'exits 0 0 []'],
    ['a shell image with stdin keeps waiting (kubectl run -it)', { image: 'busybox', stdin: true }, 'forever'],
    ['a shell image with a tty keeps waiting', { image: 'alpine:3.20', tty: true }, 'forever'],
    ['an image whose entrypoint is unknown runs on', { image: 'nginx:1.27' }, 'forever'],
    ['a shell image with args for an unknown program runs on', { image: 'busybox', args: ['httpd', '-f'] }, 'forever'],
    ['no image, no command', {}, 'forever'],
    ['echo in command and args', { command: ['echo'], args: ['a', 'b c'] }, 'exits 0 0 [a b c]'],
    ['echo by path', { command: ['/bin/echo', 'hi'] }, 'exits 0 0 [hi]'],
    ['echo -n', { args: ['echo', '-n', 'hi'] }, 'exits 0 0 [hi]'],
    ['echo alone prints an empty line', { args: ['echo'] }, 'exits 0 0 []'],
    ['true', { args: ['true'] }, 'exits 0 0 []'],
    ['false', { command: ['false'] }, 'exits 0 1 []'],
    ['sleep seconds', { args: ['sleep', '5'] }, 'exits 5000 0 []'],
    ['sleep decimals', { args: ['sleep', '0.5'] }, 'exits 500 0 []'],
    ['sleep suffixes add up', { args: ['sleep', '1m', '30s', '.5'] }, 'exits 90500 0 []'],
    ['sleep hours and days', { args: ['sleep', '1h', '1d'] }, 'exits 90000000 0 []'],
    ['sleep infinity', { args: ['sleep', 'infinity'] }, 'forever'],
    ['sleep with a bad number', { args: ['sleep', 'soon'] }, 'forever'],
    ['sleep with nothing', { args: ['sleep'] }, 'forever'],
    ['env prints the plain env', { args: ['env'], env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: {} }, { name: 'C' }] }, 'exits 0 0 [A=1|C=]'],
    ['printenv NAME', { args: ['printenv', 'A'], env: [{ name: 'A', value: 'x' }] }, 'exits 0 0 [x]'],
    ['printenv of an unset name fails', { args: ['printenv', 'NOPE'] }, 'exits 0 1 []'],
    ['kubelet expands $(VAR) in args', { command: ['echo', '$(MSG)', '$(NOPE)', '$$(MSG)'], env: [{ name: 'MSG', value: 'hi' }] }, 'exits 0 0 [hi $(NOPE) $(MSG)]'],
    // fallbacks: whatever we cannot know runs forever
    ['no command, no args', {}, 'forever'],
    ['args of an unknown entrypoint', { args: ['--port', '8080'] }, 'forever'],
    ['an unknown program', { command: ['nginx', '-g', 'daemon off;'] }, 'forever'],
    ['exit is not a program', { command: ['exit', '3'] }, 'forever'],
    ['env running a command', { command: ['env', 'A=1', 'echo'] }, 'forever'],
    ['sh without -c', { command: ['sh'] }, 'forever'],
    ['sh -c without a script', { command: ['sh', '-c'] }, 'forever'],
    // shells
    ['sh -c sequence with exit', sh('echo start; sleep 2; exit 3'), 'exits 2000 3 [start]'],
    ['sleep then echo', sh('sleep 5; echo done'), 'exits 5000 0 [done]'],
    ['/bin/bash -ec', { command: ['/bin/bash', '-ec', 'false; echo never'] }, 'exits 0 1 []'],
    ['-e ignores a tested failure', { command: ['sh', '-e', '-c', 'false || echo rescued; false && echo no; echo after'] }, 'exits 0 0 [rescued|after]'],
    ['set -e in the script', sh('set -e\nfalse\necho never'), 'exits 0 1 []'],
    ['without -e a failure goes on', sh('false; echo on'), 'exits 0 0 [on]'],
    ['&& short-circuits', sh('false && echo no'), 'exits 0 1 []'],
    ['|| short-circuits', sh('true || exit 4; echo yes'), 'exits 0 0 [yes]'],
    ['status of the last command', sh('echo a; false'), 'exits 0 1 [a]'],
    ['exit with no number keeps the status', sh('false; exit'), 'exits 0 1 []'],
    ['exit codes wrap at 256', sh('exit 257'), 'exits 0 1 []'],
    ['$? is the last status', sh('false; echo $?'), 'exits 0 0 [1]'],
    ['newlines and comments', sh('# greet\necho one # trailing\n\necho two'), 'exits 0 0 [one|two]'],
    ['&& continues on the next line', sh('true &&\necho joined'), 'exits 0 0 [joined]'],
    ['-xc traces to stderr', { command: ['sh', '-xc', 'echo "a b"'] }, "exits 0 0 [+ echo 'a b'|a b]"],
    ['exec replaces the shell', sh('exec sleep 3; echo never'), 'exits 3000 0 []'],
    ['a nested shell exits only itself', sh('sh -c "exit 2"; echo $?'), 'exits 0 0 [2]'],
    ['echo -n joins lines', sh('echo -n a; echo b'), 'exits 0 0 [ab]'],
    ['echo -e interprets \\n', sh('echo -e "a\\nb"'), 'exits 0 0 [a|b]'],
    ['date prints one line', sh('date'), 'exits 0 0 [Thu Jan  1 00:00:00 UTC 1970]'],
    // quoting and expansion
    ['single quotes keep everything', sh(`echo '$HOME "x"  y'`), 'exits 0 0 [$HOME "x"  y]'],
    ['double quotes expand and keep spaces', sh('echo "hi $NAME  ${NAME}!"', [{ name: 'NAME', value: 'k8s' }]), 'exits 0 0 [hi k8s  k8s!]'],
    ['unset variables are empty', sh('echo "[$NOPE]" $NOPE x'), 'exits 0 0 [[] x]'],
    ['backslashes escape', sh('echo a\\;b \\"q\\" "\\$X"'), 'exits 0 0 [a;b "q" $X]'],
    ['unquoted expansion splits fields', sh('echo $V', [{ name: 'V', value: ' a   b ' }]), 'exits 0 0 [a b]'],
    ['separators inside quotes are text', sh('echo "a; b && c || d"'), 'exits 0 0 [a; b && c || d]'],
    ['assignment and export', sh('X=1; export Y=2; echo $X$Y; printenv Y; printenv X'), 'exits 0 1 [12|2]'],
    ['positional $0', { command: ['sh', '-c', 'echo $0 $1', 'me', 'arg'] }, 'exits 0 0 [me arg]'],
    // shell fallbacks
    ['pipe', sh('echo a | cat'), 'forever'],
    ['redirect', sh('echo a > /tmp/x'), 'forever'],
    ['background', sh('sleep 1 &'), 'forever'],
    ['loop', sh('while true; do sleep 1; done'), 'forever'],
    ['command substitution', sh('echo $(date)'), 'forever'],
    ['backquotes', sh('echo `date`'), 'forever'],
    ['unknown command', sh('echo hi; nginx'), 'forever'],
    ['unterminated quote', sh("echo 'oops"), 'forever'],
    ['empty command', sh('echo a;; echo b'), 'forever'],
    ['${X:-default}', sh('echo ${X:-d}'), 'forever'],
    ['set -u on an unset variable', sh('set -u; echo $NOPE'), 'forever'],
    ['sleep infinity in a script', sh('echo up; sleep infinity'), 'forever'],
  ];
  it.each(cases)('%s', (_name, input, want) => {
    expect(summary(input)).toBe(want);
  });

  it('stamps each line with the offset at which it is printed', () => {
    expect(planCommand(sh('echo a; sleep 1.5; echo b; sleep 1; echo c'))).toEqual({
      kind: 'exits',
      afterMs: 2500,
      exitCode: 0,
      output: [
        { atMs: 0, text: 'a' },
        { atMs: 1500, text: 'b' },
        { atMs: 2500, text: 'c' },
      ],
    });
  });

  it('prints date at the time it runs', () => {
    const plan = planCommand({ args: ['sh', '-c', 'sleep 61; date -u'], startedAt: Date.UTC(2026, 0, 1) });
    expect(plan.kind === 'exits' && plan.output).toEqual([{ atMs: 61_000, text: 'Thu Jan  1 00:01:01 UTC 2026' }]);
  });
});

describe('imageBaseName', () => {
  it.each([
    ['busybox', 'busybox'],
    ['busybox:1.36', 'busybox'],
    ['registry.k8s.io/e2e-test-images/busybox:1.29-4', 'busybox'],
    ['localhost:5000/alpine', 'alpine'],
    ['ubuntu@sha256:0123', 'ubuntu'],
  ])('%s → %s', (image, want) => {
    expect(imageBaseName(image)).toBe(want);
  });
});

describe('resolveArgv', () => {
  it.each([
    [['echo'], ['hi'], ['echo', 'hi']],
    [undefined, ['sh', '-c', 'x'], ['sh', '-c', 'x']],
    [[], ['/bin/ash', '-c', 'x'], ['/bin/ash', '-c', 'x']],
    [undefined, ['nginx'], undefined],
    [undefined, undefined, undefined],
  ])('%j + %j → %j', (command, args, want) => {
    expect(resolveArgv(command, args)).toEqual(want);
  });
});

describe('expandKubeRefs and formatDate', () => {
  it('expands only defined names', () => {
    expect(expandKubeRefs('$(A)-$(B)-$$(A)', new Map([['A', 'x']]))).toBe('x-$(B)-$(A)');
  });
  it('pads the day of month with a space, as date does', () => {
    expect(formatDate(Date.UTC(2026, 10, 3, 4, 5, 6))).toBe('Tue Nov  3 04:05:06 UTC 2026');
  });
});
