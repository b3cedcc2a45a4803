import { coreApplets } from './applets/core.js';
import { fileApplets } from './applets/files.js';
import { netApplets } from './applets/net.js';
import { tarApplets } from './applets/tar.js';
import { PROGRAM_BUILTINS } from './builtins.js';
import { Shell } from './interpreter.js';
import { runRepl } from './repl.js';
import { SimFs } from './sim-fs.js';
import { ExitShell, Interrupted, type Applet, type AppletContext, type Io, type ShellHost } from './types.js';

/**
 * The busybox "binary": every applet by name, `sh` among them, and runProgram, what the
 * container runtime does for `kubectl exec POD -- ARGV`: run argv[0] (a program on the
 * PATH, not shell syntax) and return its exit status.
 */

export const applets = new Map<string, Applet>([...coreApplets, ...fileApplets, ...netApplets, ...tarApplets]);

const SHELL_NAMES = ['sh', 'ash', 'bash', 'dash'];


/** `sh [-c SCRIPT [NAME [ARG…]]] | [FILE [ARG…]]`, else commands from stdin. */
const sh: Applet = async (ctx: AppletContext) => {
  const args = ctx.argv.slice(1);
  let i = 0;
  let script: string | undefined;
  let hasC = false;
  for (; i < args.length && /^[-+][a-z]+$/.test(args[i]!); i++) if (args[i]!.includes('c')) hasC = true;
  const self = ctx.argv[0]!.slice(ctx.argv[0]!.lastIndexOf('/') + 1);
  let name = self;
  let positional: string[] = [];
  if (hasC) {
    script = args[i];
    if (script === undefined) {
      ctx.io.stderr.write(`${self}: -c requires an argument\n`);
      return 2;
    }
    name = args[i + 1] ?? self;
    positional = args.slice(i + 2);
  } else if (i < args.length) {
    const file = args[i]!;
    const e = ctx.host.fs.get(SimFs.resolve(ctx.cwd, file));
    if (!e || e.dir) {
      ctx.io.stderr.write(`${self}: can't open '${file}': ${e ? 'Is a directory' : 'No such file or directory'}\n`);
      return 2;
    }
    script = e.data;
    name = file;
    positional = args.slice(i + 1);
  }
  const shell = new Shell(ctx.host, ctx.env, { name, positional, applets });
  shell.cwd = ctx.cwd;
  try {
    if (script !== undefined) return await shell.runScript(script, ctx.io, ctx.signal);
    return await runRepl(shell, ctx.io, ctx.signal);
  } catch (err) {
    if (err instanceof ExitShell) return err.code;
    throw err;
  }
};
for (const n of SHELL_NAMES) applets.set(n, sh);

/**
 * Runs argv as the container runtime would exec it. 127 and `exec: "x": executable file
 * not found in $PATH` are what runc reports for a missing program (kubectl prints it and
 * exits 126/127 the same way: `command terminated with exit code 127`); Ctrl-C is 130.
 */
export async function runProgram(argv: string[], host: ShellHost, env: ReadonlyMap<string, string>, io: Io, signal: AbortSignal, cwd = '/'): Promise<number> {
  const shell = new Shell(host, env, { name: 'sh', applets });
  shell.cwd = cwd;
  const prog = argv[0] ?? '';
  const base = prog.slice(prog.lastIndexOf('/') + 1);
  if (!(applets.has(base) || PROGRAM_BUILTINS.has(base)) || (prog.includes('/') && !['/bin', '/usr/bin', '/sbin', '/usr/sbin'].includes(prog.slice(0, prog.lastIndexOf('/'))))) {
    io.stderr.write(`OCI runtime exec failed: exec failed: unable to start container process: exec: "${prog}": executable file not found in $PATH: unknown\r\n`);
    return 127;
  }
  try {
    return await shell.exec(argv, io, signal);
  } catch (err) {
    if (err instanceof ExitShell) return err.code;
    if (err instanceof Interrupted) return 130;
    throw err;
  }
}
