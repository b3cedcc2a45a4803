/**
 * Test builders for pods and nodes as plain Kubernetes JSON, in the style of
 * kube-scheduler's st.MakePod()/st.MakeNode():
 *
 *   makePod('web').req({ cpu: '500m', memory: '1Gi' }).obj()
 *   makeNode('n1').alloc({ cpu: '4', memory: '8Gi', pods: 110 }).taint('dedicated', 'gpu').obj()
 *
 * Each req() call adds one container with those requests; obj() returns a fresh object.
 */
import { NodeInfo, newPodInfo } from '../node-info.js';
import type {
  ContainerLike,
  NodeLike,
  PodLike,
  NodeSelectorRequirementLike,
  NodeSelectorTermLike,
  PreferredSchedulingTermLike,
  TaintLike,
  TolerationLike,
} from '../types.js';

type Quantities = Record<string, string | number>;

interface MutablePod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; uid?: string; labels?: Record<string, string> };
  spec: {
    nodeName?: string;
    schedulerName?: string;
    nodeSelector?: Record<string, string>;
    affinity?: {
      nodeAffinity?: {
        requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTermLike[] };
        preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTermLike[];
      };
    };
    tolerations?: TolerationLike[];
    containers: ContainerLike[];
    initContainers?: ContainerLike[];
    overhead?: Quantities;
    priority?: number;
    preemptionPolicy?: string;
  };
  status: { phase?: string; nominatedNodeName?: string };
}

export class PodBuilder {
  private readonly p: MutablePod;

  constructor(name: string) {
    this.p = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [] }, status: {} };
  }

  name(n: string): this {
    this.p.metadata.name = n;
    return this;
  }

  namespace(ns: string): this {
    this.p.metadata.namespace = ns;
    return this;
  }

  uid(u: string): this {
    this.p.metadata.uid = u;
    return this;
  }

  label(k: string, v: string): this {
    this.p.metadata.labels = { ...(this.p.metadata.labels ?? {}), [k]: v };
    return this;
  }

  /** spec.nodeName: the pod is bound (or asks for) this node. */
  node(n: string): this {
    this.p.spec.nodeName = n;
    return this;
  }

  schedulerName(n: string): this {
    this.p.spec.schedulerName = n;
    return this;
  }

  /** Adds a container requesting `requests` (an empty object: a container with none). */
  req(requests: Quantities = {}): this {
    const i = this.p.spec.containers.length;
    const c: ContainerLike = Object.keys(requests).length
      ? { name: `c${i}`, resources: { requests } }
      : { name: `c${i}` };
    this.p.spec.containers.push(c);
    return this;
  }

  /** Adds an init container; `sidecar` makes it restartable (restartPolicy Always). */
  initReq(requests: Quantities, sidecar = false): this {
    const list = (this.p.spec.initContainers ??= []);
    list.push({ name: `init${list.length}`, resources: { requests }, ...(sidecar ? { restartPolicy: 'Always' } : {}) });
    return this;
  }

  overhead(q: Quantities): this {
    this.p.spec.overhead = q;
    return this;
  }

  /** Adds a container port bound on the host. */
  hostPort(port: number, protocol = 'TCP', hostIP?: string): this {
    if (this.p.spec.containers.length === 0) this.req();
    const c = this.p.spec.containers[0]! as { ports?: object[] };
    c.ports = [...(c.ports ?? []), { containerPort: port, hostPort: port, protocol, ...(hostIP ? { hostIP } : {}) }];
    return this;
  }

  nodeSelector(sel: Record<string, string>): this {
    this.p.spec.nodeSelector = sel;
    return this;
  }

  /** Adds one required nodeSelectorTerm (terms are ORed). */
  requiredTerm(matchExpressions: NodeSelectorRequirementLike[], matchFields?: NodeSelectorRequirementLike[]): this {
    const na = ((this.p.spec.affinity ??= {}).nodeAffinity ??= {});
    const req = (na.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] });
    req.nodeSelectorTerms.push({ matchExpressions, ...(matchFields ? { matchFields } : {}) });
    return this;
  }

  preferredTerm(weight: number, matchExpressions: NodeSelectorRequirementLike[]): this {
    const na = ((this.p.spec.affinity ??= {}).nodeAffinity ??= {});
    (na.preferredDuringSchedulingIgnoredDuringExecution ??= []).push({ weight, preference: { matchExpressions } });
    return this;
  }

  toleration(t: TolerationLike): this {
    (this.p.spec.tolerations ??= []).push(t);
    return this;
  }

  priority(n: number): this {
    this.p.spec.priority = n;
    return this;
  }

  preemptionPolicy(p: 'Never' | 'PreemptLowerPriority'): this {
    this.p.spec.preemptionPolicy = p;
    return this;
  }

  phase(p: string): this {
    this.p.status.phase = p;
    return this;
  }

  nominatedNode(n: string): this {
    this.p.status.nominatedNodeName = n;
    return this;
  }

  obj(): MutablePod {
    return structuredClone(this.p);
  }
}

export function makePod(name = 'pod'): PodBuilder {
  return new PodBuilder(name);
}

interface MutableNode {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: { name: string; labels: Record<string, string> };
  spec: { unschedulable?: boolean; taints?: TaintLike[] };
  status: { capacity?: Quantities; allocatable?: Quantities };
}

export class NodeBuilder {
  private readonly n: MutableNode;

  constructor(name: string) {
    this.n = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      spec: {},
      status: {},
    };
  }

  /** Sets allocatable (and capacity, as a kubelet with no reservations reports). */
  alloc(q: Quantities): this {
    this.n.status.allocatable = { ...q };
    this.n.status.capacity = { ...q };
    return this;
  }

  label(k: string, v: string): this {
    this.n.metadata.labels[k] = v;
    return this;
  }

  taint(key: string, value?: string, effect = 'NoSchedule'): this {
    (this.n.spec.taints ??= []).push({ key, ...(value !== undefined ? { value } : {}), effect });
    return this;
  }

  unschedulable(u = true): this {
    this.n.spec.unschedulable = u;
    return this;
  }

  obj(): MutableNode {
    return structuredClone(this.n);
  }
}

export function makeNode(name: string): NodeBuilder {
  return new NodeBuilder(name);
}

/** A NodeInfo for `node` holding `pods` (their spec.nodeName is not checked). */
export function makeNodeInfo(node: NodeLike, ...pods: PodLike[]): NodeInfo {
  const ni = new NodeInfo(node.metadata?.name ?? '', node);
  for (const p of pods) ni.addPod(newPodInfo(p));
  return ni;
}
