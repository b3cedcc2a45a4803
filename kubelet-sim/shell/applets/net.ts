import { readAll } from './read-all.js';
import { SimFs } from '../sim-fs.js';
import type { Applet, AppletContext, HttpResult } from '../types.js';

/**
 * The network applets. What they print is decided by the ShellHost's NetHost (the
 * simulated data path, DNS and the node's rules); here only the command lines and the
 * programs' own wording: busybox wget and nslookup, curl's error lines.
 */

function hostOf(url: string): { host: string; port: string } {
  const m = /^(?:[a-z]+:\/\/)?([^/:?#]*)(?::(\d+))?/i.exec(url);
  return { host: m?.[1] ?? '', port: m?.[2] ?? '80' };
}

/** `HTTP/1.1 404 Not Found` */
const reasons: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

async function request(ctx: AppletContext, method: string, url: string, body?: string): Promise<HttpResult | undefined> {
  const http = ctx.host.net.http;
  if (!http) return undefined;
  const res = await http({ method, url: /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`, body });
  // The request's simulated duration passes on the clock (Ctrl-C can cut it short).
  // At least 1 ms: a loop of failing requests must not spin.
  await ctx.sleep(Math.max(1, res.latencyMs));
  return res;
}

const wget: Applet = async (ctx) => {
  let quiet = false;
  let out: string | undefined;
  let url: string | undefined;
  let post: string | undefined;
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-q') quiet = true;
    else if (a === '-O') out = args[++i];
    else if (a.startsWith('-O')) out = a.slice(2);
    else if (a === '-qO-' || a === '-qO') {
      quiet = true;
      out = a === '-qO-' ? '-' : args[++i];
    } else if (a.startsWith('--post-data=')) post = a.slice('--post-data='.length);
    else if (a === '-T' || a === '--timeout' || a === '-U' || a === '--header') i++;
    else if (a.startsWith('-')) continue;
    else url = a;
  }
  if (!url) {
    ctx.io.stderr.write('BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[--no-check-certificate] [-P DIR] [-U AGENT] [-T SEC] URL...\n');
    return 1;
  }
  const { host, port } = hostOf(url);
  const res = await request(ctx, post === undefined ? 'GET' : 'POST', url, post);
  if (!res || res.error === 'bad-address') {
    ctx.io.stderr.write(`wget: bad address '${host}'\n`);
    return 1;
  }
  if (!quiet) ctx.io.stderr.write(`Connecting to ${host}${port === '80' ? '' : `:${port}`} (${res.headers?.['x-kubeling-remote'] ?? host}:${port})\n`);
  if (res.error) {
    const why = res.error === 'refused' ? 'Connection refused' : res.error === 'timeout' ? 'Connection timed out' : 'No route to host';
    ctx.io.stderr.write(`wget: can't connect to remote host: ${why}\n`);
    return 1;
  }
  if ((res.status ?? 0) >= 400) {
    ctx.io.stderr.write(`wget: server returned error: HTTP/1.1 ${res.status} ${reasons[res.status!] ?? ''}\n`);
    return 1;
  }
  const body = res.body ?? '';
  const file = out ?? (url.replace(/[?#].*$/, '').split('/').slice(3).pop() || 'index.html');
  if (file === '-') {
    if (!quiet) ctx.io.stderr.write('writing to stdout\n');
    ctx.io.stdout.write(body);
    if (!quiet) ctx.io.stderr.write(`-                    100% |********************************|  ${body.length}  0:00:00 ETA\nwritten to stdout\n`);
    return 0;
  }
  if (!quiet) ctx.io.stderr.write(`saving to '${file}'\n`);
  if (ctx.host.fs.write(SimFs.resolve(ctx.cwd, file), body) !== 'ok') {
    ctx.io.stderr.write(`wget: can't open '${file}': No such file or directory\n`);
    return 1;
  }
  if (!quiet) ctx.io.stderr.write(`${file.padEnd(20)} 100% |********************************|  ${body.length}  0:00:00 ETA\n'${file}' saved\n`);
  return 0;
};

const curl: Applet = async (ctx) => {
  let silent = false;
  let headOnly = false;
  let include = false;
  let out: string | undefined;
  let method: string | undefined;
  let data: string | undefined;
  let url: string | undefined;
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o') out = args[++i];
    else if (a === '-X' || a === '--request') method = args[++i];
    else if (a === '-d' || a === '--data') data = args[++i];
    else if (a === '-H' || a === '--header' || a === '-m' || a === '--max-time' || a === '-w') i++;
    else if (a === '-I' || a === '--head') headOnly = true;
    else if (a === '-i' || a === '--include') include = true;
    else if (/^-[a-zA-Z]+$/.test(a)) {
      if (a.includes('s')) silent = true;
      if (a.includes('I')) headOnly = true;
      if (a.includes('i')) include = true;
    } else if (!a.startsWith('-')) url = a;
  }
  if (!url) {
    ctx.io.stderr.write("curl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  if (data === '@-') data = await readAll(ctx);
  const { host, port } = hostOf(url);
  const res = await request(ctx, method ?? (headOnly ? 'HEAD' : data !== undefined ? 'POST' : 'GET'), url, data);
  if (!res || res.error === 'bad-address') {
    if (!silent) ctx.io.stderr.write(`curl: (6) Could not resolve host: ${host}\n`);
    return 6;
  }
  if (res.error) {
    if (res.error === 'timeout') {
      if (!silent) ctx.io.stderr.write(`curl: (28) Failed to connect to ${host} port ${port} after ${Math.round(res.latencyMs)} ms: Timeout was reached\n`);
      return 28;
    }
    if (!silent) ctx.io.stderr.write(`curl: (7) Failed to connect to ${host} port ${port} after ${Math.round(res.latencyMs)} ms: ${res.error === 'refused' ? 'Couldn\'t connect to server' : 'No route to host'}\n`);
    return 7;
  }
  const head = `HTTP/1.1 ${res.status} ${reasons[res.status ?? 0] ?? ''}\r\n${Object.entries(res.headers ?? {})
    .filter(([k]) => !k.startsWith('x-kubeling'))
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  const text = (headOnly || include ? head : '') + (headOnly ? '' : (res.body ?? ''));
  if (out) ctx.host.fs.write(SimFs.resolve(ctx.cwd, out), text);
  else ctx.io.stdout.write(text);
  return 0;
};

/** A program answered by the NetHost (nslookup, dig); missing: the program says it has nothing to ask. */
function hostAnswered(name: 'nslookup' | 'dig'): Applet {
  return async (ctx) => {
    const fn = ctx.host.net[name];
    if (!fn) {
      ctx.io.stderr.write(name === 'nslookup' ? `;; connection timed out; no servers could be reached\n` : `;; communications error: timed out\n`);
      return 1;
    }
    const { output, code } = fn(ctx.argv.slice(1));
    ctx.io.stdout.write(output);
    return code;
  };
}

/** `ip`, `iptables-save`, `ipvsadm`, `bridge`, `conntrack`, `ifconfig`, `route`: the NetHost renders them. */
function rendered(name: string): Applet {
  return async (ctx) => {
    const res = ctx.host.net.command?.([name, ...ctx.argv.slice(1)]);
    if (!res) {
      ctx.io.stderr.write(`${name}: can't read the simulated network state\n`);
      return 1;
    }
    ctx.io.stdout.write(res.output);
    return res.code;
  };
}

export const netApplets: ReadonlyArray<[string, Applet]> = [
  ['wget', wget],
  ['curl', curl],
  ['nslookup', hostAnswered('nslookup')],
  ['dig', hostAnswered('dig')],
  ...['ip', 'ifconfig', 'route', 'iptables-save', 'iptables', 'ipvsadm', 'bridge', 'conntrack'].map((n): [string, Applet] => [n, rendered(n)]),
];
