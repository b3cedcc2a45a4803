import type { Applet } from '../types.js';

/** busybox's small process applets: sleep, env, printenv, seq, date, uname, id, hostname… */

/** `sleep 1`, `sleep 0.5`, `sleep 1m 30s`: milliseconds, or undefined when malformed. */
export function parseSleep(args: string[]): number | undefined {
  if (args.length === 0) return undefined;
  let ms = 0;
  for (const a of args) {
    if (a === 'infinity' || a === 'inf') return Infinity;
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) return undefined;
    ms += Number(m[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!]!;
  }
  return Math.round(ms);
}

const sleep: Applet = async (ctx) => {
  const ms = parseSleep(ctx.argv.slice(1));
  if (ms === undefined) {
    const bad = ctx.argv[1];
    ctx.io.stderr.write(bad === undefined ? 'sleep: missing operand\n' : `sleep: invalid number '${bad}'\n`);
    return 1;
  }
  // `sleep infinity` waits until interrupted: a timer far away, cancelled by Ctrl-C.
  await ctx.sleep(Number.isFinite(ms) ? ms : 2 ** 31 - 1);
  return 0;
};

const env: Applet = async (ctx) => {
  for (const [k, v] of ctx.env) ctx.io.stdout.write(`${k}=${v}\n`);
  return 0;
};

const printenv: Applet = async (ctx) => {
  const names = ctx.argv.slice(1);
  if (names.length === 0) return env(ctx);
  let code = 0;
  for (const n of names) {
    const v = ctx.env.get(n);
    if (v === undefined) code = 1;
    else ctx.io.stdout.write(`${v}\n`);
  }
  return code;
};

const seq: Applet = async (ctx) => {
  const nums = ctx.argv.slice(1).map(Number);
  if (nums.length === 0 || nums.length > 3 || nums.some((n) => !Number.isFinite(n))) {
    ctx.io.stderr.write(`seq: invalid number '${ctx.argv.slice(1).find((a) => !Number.isFinite(Number(a))) ?? ''}'\n`);
    return 1;
  }
  const [first, step, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : (nums as [number, number, number]);
  // A bound on the output: seq 1 1000000000 in a simulated shell helps nobody.
  for (let v = first, k = 0; step > 0 ? v <= last : v >= last; v += step, k++) {
    if (step === 0 || k >= 100_000) break;
    ctx.io.stdout.write(`${v}\n`);
  }
  return 0;
};

/** `Sat Dec  6 20:41:56 UTC 2026`, as busybox date prints in a UTC container. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${day} ${mon} ${String(d.getUTCDate()).padStart(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

const date: Applet = async (ctx) => {
  ctx.io.stdout.write(`${formatDate(ctx.host.clock.now())}\n`);
  return 0;
};

const uname: Applet = async (ctx) => {
  const a = ctx.argv.slice(1).join('');
  const kernel = '6.1.0-kubeling';
  ctx.io.stdout.write(a.includes('a') ? `Linux ${ctx.host.hostname} ${kernel} #1 SMP x86_64 GNU/Linux\n` : a.includes('r') ? `${kernel}\n` : 'Linux\n');
  return 0;
};

const id: Applet = async (ctx) => {
  ctx.io.stdout.write('uid=0(root) gid=0(root) groups=0(root),10(wheel)\n');
  return 0;
};

const whoami: Applet = async (ctx) => {
  ctx.io.stdout.write('root\n');
  return 0;
};

const hostname: Applet = async (ctx) => {
  if (ctx.argv.includes('-i')) {
    const ip = ctx.env.get('KUBELING_POD_IP');
    ctx.io.stdout.write(`${ip ?? '127.0.0.1'}\n`);
    return 0;
  }
  ctx.io.stdout.write(`${ctx.host.hostname}\n`);
  return 0;
};

const ps: Applet = async (ctx) => {
  ctx.io.stdout.write('PID   USER     TIME  COMMAND\n    1 root      0:00 sh\n');
  return 0;
};

export const coreApplets: ReadonlyArray<[string, Applet]> = [
  ['sleep', sleep],
  ['env', env],
  ['printenv', printenv],
  ['seq', seq],
  ['date', date],
  ['uname', uname],
  ['id', id],
  ['whoami', whoami],
  ['hostname', hostname],
  ['ps', ps],
];
