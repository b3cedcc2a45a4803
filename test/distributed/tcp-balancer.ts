import { connect, createServer, type Socket } from 'node:net';
import { request } from 'node:https';

/**
 * The stand-in balancer when HAProxy is not installed: TCP round robin over the
 * apiservers that answered `GET /readyz` 200 at the last check (every second), all of
 * them when none did (so clients get the apiserver's own 503), the next one when a
 * connection is refused. Run as `node dist/test/distributed/tcp-balancer.js --listen
 * 127.0.0.1:PORT --backend 127.0.0.1:P1 --backend 127.0.0.1:P2`.
 */
export function startTcpBalancer(listen: { host: string; port: number }, backends: Array<{ host: string; port: number }>): { close(): void } {
  let ready = backends.map(() => true);
  let next = 0;
  const check = () =>
    Promise.all(
      backends.map(
        (b) =>
          new Promise<boolean>((res) => {
            const req = request({ host: b.host, port: b.port, path: '/readyz', rejectUnauthorized: false, timeout: 2000 }, (r) => {
              r.resume();
              res(r.statusCode === 200);
            });
            req.on('timeout', () => req.destroy());
            req.on('error', () => res(false));
            req.end();
          }),
      ),
    ).then((r) => (ready = r));
  const timer = setInterval(() => void check(), 1000);
  void check();

  const pick = (tried: Set<number>): number | undefined => {
    const candidates = backends.map((_, i) => i).filter((i) => !tried.has(i));
    const healthy = candidates.filter((i) => ready[i]);
    const pool = healthy.length ? healthy : candidates;
    if (!pool.length) return undefined;
    const chosen = pool[next++ % pool.length];
    return chosen;
  };

  const server = createServer((client: Socket) => {
    client.pause();
    const tried = new Set<number>();
    const attempt = () => {
      const i = pick(tried);
      if (i === undefined) return client.destroy();
      tried.add(i);
      const upstream = connect(backends[i]!.port, backends[i]!.host);
      upstream.once('connect', () => {
        upstream.pipe(client);
        client.pipe(upstream);
        client.resume();
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
      upstream.once('error', (err: NodeJS.ErrnoException) => {
        if (!upstream.connecting && err.code !== 'ECONNREFUSED') return;
        attempt();
      });
    };
    attempt();
  });
  server.listen(listen.port, listen.host);
  return {
    close() {
      clearInterval(timer);
      server.close();
    },
  };
}

function parseAddr(s: string): { host: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(s);
  if (!m) throw new Error(`not HOST:PORT: ${s}`);
  return { host: m[1]!, port: Number(m[2]) };
}

if (process.argv[1] && /tcp-balancer\.js$/.test(process.argv[1])) {
  const args = process.argv.slice(2);
  let listen: { host: string; port: number } | undefined;
  const backends: Array<{ host: string; port: number }> = [];
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === '--listen') listen = parseAddr(args[i + 1]!);
    else if (args[i] === '--backend') backends.push(parseAddr(args[i + 1]!));
    else throw new Error(`unknown flag ${args[i]}`);
  }
  if (!listen || !backends.length) throw new Error('usage: tcp-balancer --listen HOST:PORT --backend HOST:PORT...');
  const b = startTcpBalancer(listen, backends);
  console.log(`tcp balancer on ${listen.host}:${listen.port}`);
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => (b.close(), process.exit(0)));
}
