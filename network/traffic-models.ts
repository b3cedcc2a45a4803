/**
 * What simulated images answer, as data (like kubelet-sim's stages): which ports the image
 * listens on, what it answers per path, and what a request costs it. traffic-model.ts
 * matches a container to one of these and renders the answer; nothing is ever dialled.
 *
 * Body templates take {{pod}}, {{namespace}}, {{node}}, {{container}}, {{image}},
 * {{version}} (the tag's number: v2 → 2), {{method}}, {{path}}, {{query}}, {{query.NAME}},
 * {{clientIP}}, {{clientPort}}, {{serverIP}}, {{serverPort}}, {{host}}, {{headers}} (one
 * `name=value` per line, tab-indented), {{now}} (RFC 3339).
 */

export interface ListenPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** `http` answers requests; `dns` and `tcp` accept connections but speak no HTTP. */
  readonly speaks: 'http' | 'dns' | 'tcp';
}

export interface RouteAnswer {
  /** Path prefix (`/` matches everything), or the whole path when exact; exact matches win, then the longest prefix. */
  readonly path: string;
  readonly exact?: boolean;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface TrafficModel {
  readonly name: string;
  /** Matched against the image repository without registry defaults, tag or digest (`nginx`, `registry.k8s.io/hpa-example`). */
  readonly image: RegExp;
  /** What the image listens on whatever the pod spec declares; `declared`: the container's declared ports. */
  readonly listen: readonly ListenPort[] | 'declared';
  /** Answers by path, per listening port (`*` for any). */
  readonly routes: Readonly<Record<string, readonly RouteAnswer[]>>;
  readonly headers: Readonly<Record<string, string>>;
  /** CPU one request costs, in core-seconds. */
  readonly cpuSecondsPerRequest: number;
  /** Time to answer with CPU to spare, in ms (the ContainerLoad's factor scales it). */
  readonly baseLatencyMs: number;
  /** Working set held while a request is in flight, in bytes. */
  readonly memoryBytesPerRequest: number;
}

const http = (port: number): ListenPort => ({ port, protocol: 'TCP', speaks: 'http' });

const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const NGINX_404 = `<html>
<head><title>404 Not Found</title></head>
<body>
<center><h1>404 Not Found</h1></center>
<hr><center>nginx/1.27.3</center>
</body>
</html>
`;

const ECHOSERVER = `

Hostname: {{pod}}

Pod Information:
\t-no pod information available-

Server values:
\tserver_version=nginx: 1.13.3 - lua: 10008

Request Information:
\tclient_address={{clientIP}}
\tmethod={{method}}
\treal path={{path}}
\tquery={{query}}
\trequest_version=1.1
\trequest_scheme=http
\trequest_uri=http://{{host}}:{{serverPort}}{{path}}

Request Headers:
{{headers}}

Request Body:
\t-no body in request-

`;

/**
 * php-apache (registry.k8s.io/hpa-example) computes about a million square roots per
 * request. Calibration, for the HPA walkthrough's load generator (busybox:
 * `while sleep 0.01; do wget -q -O- http://php-apache; done`, one closed loop):
 * with C core-seconds per request, a single-threaded request takes about C seconds on an
 * idle core, so the loop's period is 10 ms sleep + ~5 ms wget/connection overhead + C.
 * C = 25 ms gives 40 ms per request, 25 req/s, 25 × 0.025 = 0.625 cores: 312% of a
 * requests.cpu of 200m on one replica (the walkthrough reads ~250–305%), and spread over
 * 7 replicas 0.089 cores = 45% each, near the 50% target (the walkthrough settles at 7).
 */
const PHP_APACHE_CPU_SECONDS = 0.025;
const PHP_APACHE_LATENCY_MS = 25;

/** First match wins; the last entry (any image) is the default. */
export const trafficModels: readonly TrafficModel[] = [
  {
    name: 'nginx',
    image: /^(nginx|nginxinc\/nginx|bitnami\/nginx|.*\/nginx)$/,
    listen: [http(80)],
    routes: {
      '*': [
        { path: '/', status: 404, contentType: 'text/html', body: NGINX_404 },
        { path: '/', exact: true, status: 200, contentType: 'text/html', body: NGINX_WELCOME },
        { path: '/index.html', exact: true, status: 200, contentType: 'text/html', body: NGINX_WELCOME },
      ],
    },
    headers: { Server: 'nginx/1.27.3' },
    cpuSecondsPerRequest: 0.0002,
    baseLatencyMs: 1,
    memoryBytesPerRequest: 16 * 1024,
  },
  {
    name: 'kubernetes-bootcamp',
    image: /^(gcr\.io\/google-samples|jocatalin)\/kubernetes-bootcamp$/,
    listen: [http(8080)],
    routes: { '*': [{ path: '/', status: 200, contentType: 'text/plain', body: 'Hello Kubernetes bootcamp! | Running on: {{pod}} | v={{version}}\n' }] },
    headers: {},
    cpuSecondsPerRequest: 0.0005,
    baseLatencyMs: 2,
    memoryBytesPerRequest: 32 * 1024,
  },
  {
    name: 'hpa-example',
    image: /^(registry\.k8s\.io|k8s\.gcr\.io|gcr\.io\/google_containers)\/hpa-example$/,
    listen: [http(80)],
    routes: { '*': [{ path: '/', status: 200, contentType: 'text/html; charset=UTF-8', body: 'OK!' }] },
    headers: { Server: 'Apache/2.4.10 (Debian)', 'X-Powered-By': 'PHP/5.6.40' },
    cpuSecondsPerRequest: PHP_APACHE_CPU_SECONDS,
    baseLatencyMs: PHP_APACHE_LATENCY_MS,
    memoryBytesPerRequest: 2 * 1024 * 1024,
  },
  {
    // agnhost netexec (its default --http-port 8080; --http-port=N in args moves it).
    name: 'agnhost',
    image: /^(registry\.k8s\.io|k8s\.gcr\.io|gcr\.io\/kubernetes-e2e-test-images)\/e2e-test-images\/agnhost$|^(registry\.k8s\.io|k8s\.gcr\.io)\/agnhost$/,
    listen: [http(8080)],
    routes: {
      '*': [
        { path: '/', status: 200, contentType: 'text/plain; charset=utf-8', body: 'NOW: {{now}}' },
        { path: '/hostname', status: 200, contentType: 'text/plain; charset=utf-8', body: '{{pod}}' },
        { path: '/clientip', status: 200, contentType: 'text/plain; charset=utf-8', body: '{{clientIP}}:{{clientPort}}' },
        { path: '/echo', status: 200, contentType: 'text/plain; charset=utf-8', body: '{{query.msg}}' },
        { path: '/healthz', status: 200, contentType: 'text/plain; charset=utf-8', body: '' },
      ],
    },
    headers: {},
    cpuSecondsPerRequest: 0.0002,
    baseLatencyMs: 1,
    memoryBytesPerRequest: 16 * 1024,
  },
  {
    name: 'echoserver',
    image: /^(registry\.k8s\.io|k8s\.gcr\.io|gcr\.io\/google_containers)\/echoserver$/,
    listen: [http(8080)],
    routes: { '*': [{ path: '/', status: 200, contentType: 'text/plain', body: ECHOSERVER }] },
    headers: { Server: 'echoserver' },
    cpuSecondsPerRequest: 0.0003,
    baseLatencyMs: 1,
    memoryBytesPerRequest: 16 * 1024,
  },
  {
    // CoreDNS: DNS on 53/udp+tcp (dns/ answers the queries), Prometheus metrics on 9153,
    // the health plugin on 8080 and the ready plugin on 8181.
    name: 'coredns',
    image: /^(registry\.k8s\.io|k8s\.gcr\.io)\/(coredns\/)?coredns$|^coredns\/coredns$/,
    listen: [
      { port: 53, protocol: 'UDP', speaks: 'dns' },
      { port: 53, protocol: 'TCP', speaks: 'dns' },
      http(9153),
      http(8080),
      http(8181),
    ],
    routes: {
      '9153': [{ path: '/metrics', status: 200, contentType: 'text/plain; version=0.0.4', body: '# HELP coredns_build_info A metric with a constant \'1\' value labeled by version, revision, and goversion from which CoreDNS was built.\n# TYPE coredns_build_info gauge\ncoredns_build_info{goversion="go1.21.11",revision="a6338e9",version="1.11.3"} 1\n' }, { path: '/', status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' }],
      '8080': [{ path: '/health', status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' }, { path: '/', status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' }],
      '8181': [{ path: '/ready', status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' }, { path: '/', status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' }],
    },
    headers: {},
    cpuSecondsPerRequest: 0.00005,
    baseLatencyMs: 0.2,
    memoryBytesPerRequest: 4 * 1024,
  },
  {
    name: 'default',
    image: /.*/,
    listen: 'declared',
    routes: { '*': [{ path: '/', status: 200, contentType: 'text/plain', body: 'Kubeling simulated container {{container}} ({{image}}) in pod {{namespace}}/{{pod}}: {{method}} {{path}}\n' }] },
    headers: {},
    cpuSecondsPerRequest: 0.0002,
    baseLatencyMs: 1,
    memoryBytesPerRequest: 16 * 1024,
  },
];
