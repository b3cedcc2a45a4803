import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian's haproxy (apt-get install haproxy), if installed. */
export function haproxyBinary(): string | undefined {
  // KUBELING_BALANCER=node: the stand-in balancer even where haproxy is installed.
  if (process.env.KUBELING_BALANCER === 'node') return undefined;
  if (process.env.HAPROXY_BIN) return process.env.HAPROXY_BIN;
  for (const d of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/bin']) {
    if (existsSync(join(d, 'haproxy'))) return join(d, 'haproxy');
  }
  return undefined;
}

/**
 * HAProxy in front of the apiservers, as kubeadm's HA guide configures it: TCP mode (TLS
 * goes through to the apiservers, which hold the certificate), round robin per
 * connection, every apiserver health-checked with `GET /readyz` over TLS.
 *
 * Two choices of ours: checks every second with two failures to mark a server down (the
 * guide's defaults wait longer), so a killed apiserver is out of rotation within about 2 s,
 * and a connection refused by a server not yet marked down is redispatched to another one.
 * And every apiserver is listed a second time as an unchecked backup server: when no
 * apiserver is ready (etcd lost its quorum) clients still reach one and get its answer (a
 * 503 Status saying why) instead of a connection closed by the balancer.
 */
export function haproxyConfig(opts: { listen: string; backends: string[] }): string {
  const servers = opts.backends.map((b, i) => `  server apiserver-${i} ${b} check check-ssl verify none`);
  const backups = opts.backends.map((b, i) => `  server apiserver-${i}-unready ${b} backup`);
  return [
    '# Written by test/distributed/process-topology.ts: the apiservers behind one address.',
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode tcp',
    '  option tcplog',
    '  timeout connect 2s',
    '  timeout check 2s',
    // Watches stay open for minutes.
    '  timeout client 1h',
    '  timeout server 1h',
    '  timeout tunnel 1h',
    '  retries 3',
    '  option redispatch',
    'frontend apiserver',
    `  bind ${opts.listen}`,
    '  default_backend apiservers',
    'backend apiservers',
    '  balance roundrobin',
    '  option allbackups',
    '  option httpchk',
    '  http-check send meth GET uri /readyz',
    '  http-check expect status 200',
    '  default-server inter 1s fall 2 rise 1',
    ...servers,
    ...backups,
    '',
  ].join('\n');
}
