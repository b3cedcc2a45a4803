/**
 * `ip addr`, `ip route`, `ifconfig` and `hostname -i` inside a pod's network namespace on
 * a flannel node: lo, and eth0 holding the pod IP in the node's /24 with the bridge
 * (cni0, the subnet's .1) as default gateway. Pure. The node-level views (hostNetwork
 * pods and `kubectl debug node/…`: iptables-save, ipvsadm, flannel routes, bridge fdb,
 * conntrack) belong to network/ and kube-proxy/, and are asked through NodeNetViews.
 */

export interface PodNetFacts {
  podIP: string;
  /** A stable per-pod interface index on the node (the veth peer's ifindex in `eth0@ifN`). */
  ifIndex: number;
  mac: string;
}

/** The /24 of a flannel node and its gateway. */
function subnet(ip: string): { net: string; gw: string } {
  const p = ip.split('.');
  return { net: `${p[0]}.${p[1]}.${p[2]}.0/24`, gw: `${p[0]}.${p[1]}.${p[2]}.1` };
}

/** A locally administered MAC derived from the IP, as stable as the IP. */
export function macFor(ip: string): string {
  const p = ip.split('.').map((n) => Number(n).toString(16).padStart(2, '0'));
  return `0a:58:${p.join(':')}`;
}

export function ipAddr(f: PodNetFacts): string {
  return [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
    `2: eth0@if${f.ifIndex}: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1450 qdisc noqueue `,
    `    link/ether ${f.mac} brd ff:ff:ff:ff:ff:ff`,
    `    inet ${f.podIP}/24 brd ${f.podIP.split('.').slice(0, 3).join('.')}.255 scope global eth0`,
    '       valid_lft forever preferred_lft forever',
    '',
  ].join('\n');
}

export function ipRoute(f: PodNetFacts): string {
  const { net, gw } = subnet(f.podIP);
  // flannel's host-local IPAM also routes the whole cluster CIDR through the bridge.
  return `default via ${gw} dev eth0 \n100.96.0.0/16 via ${gw} dev eth0 \n${net} dev eth0 scope link  src ${f.podIP} \n`;
}

export function ifconfig(f: PodNetFacts): string {
  return `eth0      Link encap:Ethernet  HWaddr ${f.mac.toUpperCase()}  \n          inet addr:${f.podIP}  Bcast:${f.podIP.split('.').slice(0, 3).join('.')}.255  Mask:255.255.255.0\n          UP BROADCAST RUNNING MULTICAST  MTU:1450  Metric:1\n\nlo        Link encap:Local Loopback  \n          inet addr:127.0.0.1  Mask:255.0.0.0\n          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n\n`;
}

/** `ip …` for a pod's namespace: the output and exit code, or undefined for what this does not know. */
export function podIpCommand(argv: string[], f: PodNetFacts): { output: string; code: number } | undefined {
  const [prog, obj, ...rest] = argv;
  if (prog === 'ifconfig') return { output: ifconfig(f), code: 0 };
  if (prog === 'route') {
    const gw = subnet(f.podIP).gw;
    return { output: `Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n0.0.0.0         ${gw.padEnd(16)}0.0.0.0         UG    0      0        0 eth0\n${subnet(f.podIP).net.replace('/24', '').padEnd(16)}0.0.0.0         255.255.255.0   U     0      0        0 eth0\n`, code: 0 };
  }
  if (prog !== 'ip') return undefined;
  const o = (obj ?? '').replace(/^-/, '');
  if (o === '' ) return { output: 'Usage: ip [OPTIONS] address|route|link|neigh|rule [ARGS]\n', code: 1 };
  if ('address'.startsWith(o) || o === 'a') return { output: ipAddr(f), code: 0 };
  if ('route'.startsWith(o) || o === 'r') return { output: ipRoute(f), code: 0 };
  if ('link'.startsWith(o)) return { output: ipAddr(f).split('\n').filter((l) => !l.includes('inet') && !l.includes('valid_lft')).join('\n'), code: 0 };
  void rest;
  return { output: `ip: unknown object '${obj}'\n`, code: 1 };
}
