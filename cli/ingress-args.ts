import type { ClientRunOptions, FlagValues } from './client-args.js';
import { clientOptions } from './client-args.js';
import { InvalidValue, parseInteger } from './values.js';

/**
 * The ingress controller's flags: `kubeling ingress-controller` takes ingress-nginx's
 * names (--http-port, --https-port, --ingress-class); `up` takes --ingress-http-port and
 * --ingress-https-port, where `none` turns the controller (or its HTTPS) off.
 */

export interface IngressSettings {
  /** Absent: 10080. 'none' (up only): no ingress controller. */
  httpPort?: number | 'none';
  /** Absent: 10443. 'none': no HTTPS listener. */
  httpsPort?: number | 'none';
  ingressClass?: string;
}

export interface IngressControllerRunOptions extends ClientRunOptions {
  ingress: IngressSettings;
}

const str = (v: FlagValues, name: string): string | undefined => {
  const value = v[name];
  return typeof value === 'string' ? value : undefined;
};

function port(v: FlagValues, name: string, allowNone: boolean): number | 'none' | undefined {
  const raw = str(v, name);
  if (raw === undefined) return undefined;
  if (raw === 'none') {
    if (allowNone) return 'none';
    throw new InvalidValue(`invalid --${name} "none": must be a port number (0 picks a free port)`);
  }
  return parseInteger(name, raw, 0, 0, 65535);
}

/** `up`'s --ingress-http-port / --ingress-https-port. */
export function upIngressSettings(v: FlagValues): IngressSettings {
  const out: IngressSettings = {};
  const http = port(v, 'ingress-http-port', true);
  const https = port(v, 'ingress-https-port', true);
  if (http !== undefined) out.httpPort = http;
  if (https !== undefined) out.httpsPort = https;
  return out;
}

/** IngressClass names are DNS subdomains. */
function parseClassName(raw: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(raw)) {
    throw new InvalidValue(`invalid --ingress-class "${raw}": must be a lowercase DNS subdomain such as nginx`);
  }
  return raw;
}

/** `kubeling ingress-controller`. */
export function ingressControllerOptions(v: FlagValues, cwd: string): IngressControllerRunOptions {
  const ingress: IngressSettings = {};
  const http = port(v, 'http-port', false);
  const https = port(v, 'https-port', true);
  if (http !== undefined) ingress.httpPort = http;
  if (https !== undefined) ingress.httpsPort = https;
  const cls = str(v, 'ingress-class');
  if (cls !== undefined) ingress.ingressClass = parseClassName(cls);
  return { ...clientOptions('ingress-controller', v, cwd), ingress };
}
