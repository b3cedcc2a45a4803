import type { Clock } from '../../lib/clock.js';
import type { SimFs } from './sim-fs.js';

/**
 * What the simulated shell and its programs (applets) are given. The shell itself is
 * pure interpretation; everything that reaches outside it — time, the container's files,
 * the simulated network, DNS, the node's rules — comes in through ShellHost, so tests
 * give fakes and the kubelet-sim gives the real simulated cluster.
 */

/** A stream a program reads: chunks of text, null at end of input. */
export interface Input {
  read(signal: AbortSignal): Promise<string | null>;
}

export interface Output {
  write(text: string): void;
}

export interface Io {
  /**
   * stdin and stdout carry bytes, one char per byte (latin1), instead of UTF-8 text: a
   * non-tty exec of `tar` (what `kubectl cp` runs), so binary archives pass unchanged.
   */
  readonly binary?: boolean;
  stdin: Input;
  stdout: Output;
  stderr: Output;
  /** Present when stdin is a terminal: Ctrl-C aborts the controller set as foreground. */
  tty?: TtyControl;
}

export interface TtyControl {
  setForeground(ctrl: AbortController | undefined): void;
}

/** The answer of a simulated HTTP request (wget, curl). */
export interface HttpResult {
  /** Undefined when no connection was made; then error says why (wget's wording comes from the caller). */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** How long the request took, on the simulated clock. */
  latencyMs: number;
  error?: 'bad-address' | 'refused' | 'timeout' | 'unreachable';
}

/** The simulated network as the shell's programs see it; every part optional (absent: the program says it cannot). */
export interface NetHost {
  /** An HTTP request from this container (through DNS, kube-proxy's rules, the destination's traffic model). */
  http?(req: { method: string; url: string; headers?: Record<string, string>; body?: string }): Promise<HttpResult>;
  /** Full output of `nslookup NAME [SERVER]` and its exit code. */
  nslookup?(args: string[]): { output: string; code: number };
  /** Full output of `dig …` and its exit code. */
  dig?(args: string[]): { output: string; code: number };
  /** `ip …`, `iptables-save`, `ipvsadm -Ln`, `bridge fdb`, `conntrack -L`, … on this container's network (the node's on hostNetwork). */
  command?(argv: string[]): { output: string; code: number } | undefined;
}

export interface ShellHost {
  clock: Clock;
  fs: SimFs;
  hostname: string;
  net: NetHost;
  /**
   * Called instead of a plain yield every few dozen shell steps; may wait (a CPU budget
   * for processes nobody is typing into). Absent: the shell only yields to the event loop.
   */
  pace?(signal: AbortSignal): Promise<void>;
}

export interface AppletContext {
  argv: string[];
  io: Io;
  host: ShellHost;
  signal: AbortSignal;
  /** The exported variables (what the program's environ holds). */
  env: ReadonlyMap<string, string>;
  cwd: string;
  /** Waits on the injected clock; rejects with Interrupted when the signal fires. */
  sleep(ms: number): Promise<void>;
}

export type Applet = (ctx: AppletContext) => Promise<number>;

/** Ctrl-C (SIGINT) reached the foreground command. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** Waits ms on the clock, or rejects with Interrupted when the signal fires first. */
export function sleepOn(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Interrupted());
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(new Interrupted());
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** An Input over a fixed text (a pipe's buffered output, a here-string, /dev/null). */
export function textInput(text: string): Input {
  let left: string | null = text === '' ? null : text;
  return {
    async read() {
      const out = left;
      left = null;
      return out;
    },
  };
}

/** An Output that collects text. */
export function collector(): Output & { text(): string } {
  const parts: string[] = [];
  return { write: (t) => void parts.push(t), text: () => parts.join('') };
}

/** `exit N` (or the end of `sh -c`). */
export class ExitShell extends Error {
  constructor(readonly code: number) {
    super('exit');
  }
}

/** `break N` / `continue N`, caught by the enclosing loop(s). */
export class LoopControl extends Error {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {
    super(kind);
  }
}
