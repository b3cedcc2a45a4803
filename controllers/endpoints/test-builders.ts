import type { Node } from '../../api/core/node.js';
import type { Pod } from '../../api/core/pod.js';
import type { Service, ServicePort } from '../../api/core/service.js';
import { formatTime } from '../replicaset/pod-status.js';

/**
 * Builders for the endpoints and endpointslice controllers' tests (test-only):
 *   svc('web').port({ name: 'http', port: 80, targetPort: 'http' }).obj()
 *   pod('a').ip('10.1.0.1').ready().containerPort('http', 8080).obj()
 * Defaults: namespace default, selector/labels app=web, a ClusterIP, IPv4.
 */

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export function svc(name: string, namespace = 'default') {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, uid: `uid-svc-${name}`, creationTimestamp: formatTime(T0) },
    spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], type: 'ClusterIP', ports: [] },
  };
  const b = {
    port(p: ServicePort) {
      s.spec!.ports = [...(s.spec!.ports ?? []), { protocol: 'TCP', ...p }];
      return b;
    },
    selector(sel: Record<string, string> | undefined) {
      if (sel === undefined) delete s.spec!.selector;
      else s.spec!.selector = sel;
      return b;
    },
    labels(labels: Record<string, string>) {
      s.metadata.labels = labels;
      return b;
    },
    headless() {
      s.spec!.clusterIP = 'None';
      s.spec!.clusterIPs = ['None'];
      return b;
    },
    publishNotReady() {
      s.spec!.publishNotReadyAddresses = true;
      return b;
    },
    type(t: string) {
      s.spec!.type = t;
      return b;
    },
    created(ms: number) {
      s.metadata.creationTimestamp = formatTime(ms);
      return b;
    },
    obj: (): Service => structuredClone(s),
  };
  return b;
}

export function pod(name: string, namespace = 'default') {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}`, labels: { app: 'web' } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: 'Running', conditions: [] },
  };
  const b = {
    ip(ip: string | undefined) {
      if (ip === undefined) {
        delete p.status!.podIP;
        delete p.status!.podIPs;
      } else {
        p.status!.podIP = ip;
        p.status!.podIPs = [{ ip }];
      }
      return b;
    },
    ready(status = 'True', at = T0) {
      p.status!.conditions = [{ type: 'Ready', status, lastTransitionTime: formatTime(at) }];
      return b;
    },
    node(nodeName: string | undefined) {
      if (nodeName === undefined) delete p.spec!.nodeName;
      else p.spec!.nodeName = nodeName;
      return b;
    },
    labels(labels: Record<string, string>) {
      p.metadata.labels = labels;
      return b;
    },
    containerPort(name: string, containerPort: number, protocol = 'TCP') {
      const c = p.spec!.containers[0]!;
      c.ports = [...(c.ports ?? []), { name, containerPort, protocol }];
      return b;
    },
    hostname(hostname: string, subdomain?: string) {
      p.spec!.hostname = hostname;
      if (subdomain !== undefined) p.spec!.subdomain = subdomain;
      return b;
    },
    phase(phase: string) {
      p.status!.phase = phase;
      return b;
    },
    deleting(at = T0) {
      p.metadata.deletionTimestamp = formatTime(at);
      return b;
    },
    obj: (): Pod => structuredClone(p),
  };
  return b;
}

export function node(name: string, zone?: string): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: zone ? { 'topology.kubernetes.io/zone': zone } : {} }, spec: {}, status: {} };
}
