import type { Shell } from './interpreter.js';
import { Incomplete, parse, ShellSyntaxError } from './parse.js';
import { ExitShell, Interrupted, type Io } from './types.js';

/**
 * `sh` reading its commands from stdin: line by line, each complete command run as soon
 * as its last line arrives (a `while … do` waits for its `done`). Interactive — stdin is
 * a terminal — it prints busybox's prompts (`/ # `, and `> ` inside an unfinished
 * command) and a Ctrl-C stops the running command or drops the line being typed; the
 * shell goes on. It ends at end of input (Ctrl-D) or `exit`, with the shell's status.
 */
export async function runRepl(shell: Shell, io: Io, signal: AbortSignal): Promise<number> {
  const interactive = io.tty !== undefined;
  let buffered = '';
  let pending = '';
  const prompt = () => {
    if (interactive) io.stdout.write(pending === '' ? `${shell.cwd} # ` : '> ');
  };
  /** A signal for one foreground step: Ctrl-C aborts it, and so does the end of the session. */
  const foreground = (): AbortController => {
    const ctrl = new AbortController();
    if (signal.aborted) ctrl.abort();
    else signal.addEventListener('abort', () => ctrl.abort(), { once: true });
    io.tty?.setForeground(ctrl);
    return ctrl;
  };

  prompt();
  for (;;) {
    const nl = buffered.indexOf('\n');
    if (nl < 0) {
      const ctrl = foreground();
      let chunk: string | null;
      try {
        chunk = await io.stdin.read(ctrl.signal);
      } catch (err) {
        if (!(err instanceof Interrupted) || signal.aborted) throw err;
        // Ctrl-C at the prompt: the line is dropped, a fresh prompt.
        buffered = '';
        pending = '';
        io.stdout.write('\n');
        prompt();
        continue;
      }
      if (chunk === null) {
        if (buffered + pending !== '') await runText(shell, `${pending}${buffered}\n`, io, foreground());
        return shell.status;
      }
      buffered += chunk;
      continue;
    }
    const line = buffered.slice(0, nl + 1);
    buffered = buffered.slice(nl + 1);
    pending += line;
    try {
      parse(pending);
    } catch (err) {
      if (err instanceof Incomplete) {
        prompt();
        continue;
      }
      if (!(err instanceof ShellSyntaxError)) throw err;
    }
    const text = pending;
    pending = '';
    const code = await runText(shell, text, io, foreground());
    if (code !== undefined) return code;
    prompt();
  }
}

/** Runs one complete command; a number when the shell must end (exit). */
async function runText(shell: Shell, text: string, io: Io, ctrl: AbortController): Promise<number | undefined> {
  try {
    await shell.runScript(text, io, ctrl.signal);
    return undefined;
  } catch (err) {
    if (err instanceof ExitShell) return err.code;
    if (err instanceof Interrupted) {
      shell.status = 130;
      if (ctrl.signal.aborted && io.tty) io.stdout.write('\n');
      return undefined;
    }
    throw err;
  }
}
