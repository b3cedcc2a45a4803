import net from 'node:net';
import { pathToFileURL } from 'node:url';

/**
 * A TCP relay for the compose topology: `node dist/compose/forward.js LISTEN=TARGET ...`,
 * each LISTEN and TARGET a HOST:PORT. Kubeling's components serve some endpoints on
 * loopback only and dial only loopback ones (the aggregated metrics API, the simulated
 * cloud): in the compose topology a relay in the dialling container carries
 * 127.0.0.1:PORT to the other container's service name, and a relay in the serving
 * container carries its network address to its loopback.
 */

export interface Route {
  listen: { host: string; port: number };
  target: { host: string; port: number };
}

function hostPort(raw: string): { host: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) throw new Error(`not HOST:PORT: ${JSON.stringify(raw)}`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

export function parseRoute(arg: string): Route {
  const [listen, target, ...rest] = arg.split('=');
  if (!listen || !target || rest.length) throw new Error(`not LISTEN=TARGET: ${JSON.stringify(arg)}`);
  return { listen: hostPort(listen), target: hostPort(target) };
}

/** Starts every relay; resolves when all listen. */
export async function startRelays(routes: readonly Route[]): Promise<net.Server[]> {
  return Promise.all(
    routes.map(
      (r) =>
        new Promise<net.Server>((resolve, reject) => {
          // Half-open both ways: a client's FIN reaches the target, whose answer still
          // comes back before the relay closes both sockets.
          const server = net.createServer({ allowHalfOpen: true }, (inbound) => {
            const outbound = net.connect({ port: r.target.port, host: r.target.host, allowHalfOpen: true });
            inbound.pipe(outbound).pipe(inbound);
            const close = () => {
              inbound.destroy();
              outbound.destroy();
            };
            inbound.on('error', close);
            outbound.on('error', close);
            inbound.on('close', close);
            outbound.on('close', close);
          });
          server.once('error', reject);
          server.listen(r.listen.port, r.listen.host, () => resolve(server));
        }),
    ),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const routes = process.argv.slice(2).map(parseRoute);
    if (routes.length === 0) throw new Error('usage: node dist/compose/forward.js LISTEN_HOST:PORT=TARGET_HOST:PORT ...');
    await startRelays(routes);
    process.on('SIGTERM', () => process.exit(0));
  } catch (err) {
    process.stderr.write(`forward: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
