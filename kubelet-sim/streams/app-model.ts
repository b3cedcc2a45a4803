import type { Pod } from '../../api/core/pod.js';
import { imageBaseName } from '../command-plan.js';
import type { AppResponse } from './port-forward.js';

/**
 * What a simulated container's application answers over HTTP when reached through
 * `kubectl port-forward`, until the data path's traffic model (network/) answers for it:
 * the images the tutorials use, on their usual ports and the ports the pod declares.
 * Undefined when nothing listens on the port (the forward reports connection refused).
 */

const NGINX_INDEX = `<!DOCTYPE html>
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

/** Images whose HTTP port is known without the pod declaring it. */
const DEFAULT_PORTS: Record<string, number> = { nginx: 80, httpd: 80, 'hpa-example': 80, 'php-apache': 80, echoserver: 8080, 'agnhost': 8080 };

export function appAnswer(pod: Pod, port: number, path: string): AppResponse | undefined {
  for (const c of pod.spec?.containers ?? []) {
    const base = imageBaseName(c.image ?? '');
    const declared = (c.ports ?? []).some((p) => p.containerPort === port);
    if (!declared && DEFAULT_PORTS[base] !== port) continue;
    if (base === 'nginx') {
      return path === '/' || path === '/index.html'
        ? { status: 200, body: NGINX_INDEX, headers: { Server: 'nginx/1.27.3', 'Content-Type': 'text/html' }, latencyMs: 1 }
        : { status: 404, body: '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.3</center>\r\n</body>\r\n</html>\r\n', headers: { Server: 'nginx/1.27.3' }, latencyMs: 1 };
    }
    // The HPA walkthrough's php-apache answers "OK!" after burning some CPU.
    if (base === 'hpa-example' || base === 'php-apache') return { status: 200, body: 'OK!', headers: { Server: 'Apache/2.4.10 (Debian)' }, latencyMs: 20 };
    if (base === 'httpd') return { status: 200, body: '<html><body><h1>It works!</h1></body></html>\n', latencyMs: 1 };
    return { status: 200, body: `${pod.metadata.name}\n`, headers: { 'Content-Type': 'text/plain' }, latencyMs: 1 };
  }
  return undefined;
}
