/**
 * /etc/resolv.conf of a pod, as the kubelet computes it (pkg/kubelet/network/dns
 * GetPodDNS) and the container runtime writes it: `search`, then one `nameserver` line
 * each, then `options`.
 */

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  /** `ndots:5`, `timeout:2`, `edns0`…: name, or name:value. */
  options: string[];
}

export interface PodForDns {
  metadata: { namespace?: string };
  spec?: {
    dnsPolicy?: string;
    hostNetwork?: boolean;
    dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name?: string; value?: string }[] };
  };
}

export interface ResolvConfOptions {
  /** kubelet --cluster-domain; default cluster.local. */
  clusterDomain?: string;
  /** kubelet --cluster-dns: the kube-dns Service IP; default 10.96.0.10. */
  nameserver?: string;
  /**
   * kubelet --cluster-dns as a list (all of them go into resolv.conf, in order); takes
   * precedence over `nameserver`. Empty: kubelet has no cluster DNS and ClusterFirst pods
   * fall back to the node's resolver (kubelet's "Falling back to Default policy").
   */
  nameservers?: readonly string[];
  /** The node's own resolv.conf (kubelet --resolv-conf), used by dnsPolicy Default and appended to ClusterFirst's search list. */
  host?: ResolvConf;
}

/** Limits the kubelet enforces (validation.MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_CHARS = 2048;

const omitDuplicates = (xs: string[]): string[] => [...new Set(xs)];

/** mergeDNSOptions: dnsConfig options replace same-named ones, kept in first-seen order. */
function mergeOptions(existing: string[], extra: { name?: string; value?: string }[]): string[] {
  const map = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i === -1) map.set(op, '');
    else map.set(op.slice(0, i), op.slice(i + 1));
  }
  for (const op of extra) if (op.name) map.set(op.name, op.value ?? '');
  return [...map].map(([k, v]) => (v === '' ? k : `${k}:${v}`));
}

/** formDNSSearchFitsLimits: the kubelet drops search paths beyond its limits (and logs an event). */
function fitSearches(searches: string[]): string[] {
  let out = searches.slice(0, MAX_SEARCH_PATHS);
  while (out.length > 0 && out.join(' ').length > MAX_SEARCH_CHARS) out = out.slice(0, -1);
  return out;
}

export function resolvConfFor(pod: PodForDns, options: ResolvConfOptions = {}): ResolvConf {
  const clusterDomain = options.clusterDomain ?? 'cluster.local';
  const clusterDNS = options.nameservers ?? [options.nameserver ?? '10.96.0.10'];
  const host = options.host ?? { nameservers: [], searches: [], options: [] };
  let policy = pod.spec?.dnsPolicy || 'ClusterFirst';
  const hostNetwork = pod.spec?.hostNetwork === true;
  if (clusterDNS.length === 0 && (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet')) policy = 'Default';

  let conf: ResolvConf;
  if (policy === 'None') conf = { nameservers: [], searches: [], options: [] };
  // ClusterFirst on the host network means Default: the node's resolver, which cannot see cluster names.
  else if (policy === 'Default' || (policy === 'ClusterFirst' && hostNetwork)) conf = { nameservers: [...host.nameservers], searches: [...host.searches], options: [...host.options] };
  else {
    const ns = pod.metadata.namespace || 'default';
    conf = {
      nameservers: [...clusterDNS],
      searches: omitDuplicates([`${ns}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...host.searches]),
      options: ['ndots:5'],
    };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    conf = {
      nameservers: omitDuplicates([...conf.nameservers, ...(extra.nameservers ?? [])]),
      searches: omitDuplicates([...conf.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(conf.options, extra.options ?? []),
    };
  }
  return { nameservers: conf.nameservers.slice(0, MAX_NAMESERVERS), searches: fitSearches(conf.searches), options: conf.options };
}

/** The file's text, as containerd writes it for the sandbox. */
export function renderResolvConf(conf: ResolvConf): string {
  const lines: string[] = [];
  if (conf.searches.length > 0) lines.push(`search ${conf.searches.join(' ')}`);
  for (const ns of conf.nameservers) lines.push(`nameserver ${ns}`);
  if (conf.options.length > 0) lines.push(`options ${conf.options.join(' ')}`);
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

/** Reads resolv.conf text as musl does: the last `search`/`domain` line wins, later options override. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword === 'nameserver' && rest[0]) conf.nameservers.push(rest[0]);
    else if (keyword === 'search' || keyword === 'domain') conf.searches = rest;
    else if (keyword === 'options') conf.options.push(...rest);
  }
  return conf;
}

/** The ndots option in force: the last one given, capped at 15 as resolvers do; 1 when absent. */
export function ndotsOf(conf: ResolvConf): number {
  let ndots = 1;
  for (const op of conf.options) {
    const m = /^ndots:(\d+)$/.exec(op);
    if (m) ndots = Math.min(15, Number(m[1]));
  }
  return ndots;
}
