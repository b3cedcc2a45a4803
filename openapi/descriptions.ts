/**
 * Descriptions for the types and fields `kubectl explain` is most often asked about, in
 * our own words. Keys are short definition names (`core.v1.Pod`, `meta.v1.ObjectMeta`);
 * `type` describes the type itself, `fields` its properties. A description the zod schema
 * carries (`.describe()` / `.meta({ description })`) wins over this table.
 */

export interface TypeDoc {
  type?: string;
  fields?: Record<string, string>;
}

/** Fields every top-level kind has; used when neither zod nor the table says more. */
export const kindFieldDocs: Readonly<Record<string, string>> = {
  apiVersion:
    'The versioned schema of this object, as group/version (or just the version for the core group). The server converts objects it receives to the version it stores.',
  kind: 'The type of this object, in CamelCase. The server can infer it from the URL it is sent to; it cannot be changed.',
  metadata: "The object's standard metadata: name, namespace, labels, annotations, owners and bookkeeping the server fills in.",
  spec: 'The desired state of the object, as written by its user.',
  status: 'The most recently observed state of the object, written by the system. It may lag behind reality; clients should not write it.',
};

/** Fields every list kind has. */
export const listFieldDocs: Readonly<Record<string, string>> = {
  apiVersion: kindFieldDocs.apiVersion,
  kind: kindFieldDocs.kind,
  metadata: "The list's metadata: the resourceVersion it was read at and the continue token of the next page.",
  items: 'The objects in the list.',
};

export const typeDocs: Readonly<Record<string, TypeDoc>> = {
  'meta.v1.ObjectMeta': {
    type: 'Metadata every persisted object carries; users write name, namespace, labels and annotations, the server fills in the rest.',
    fields: {
      name: 'The name of the object, unique within its namespace (or cluster-wide for cluster-scoped kinds). It cannot be changed after creation.',
      generateName:
        'A prefix the server uses to build a unique name when name is empty: it appends a random suffix. Only used on create.',
      namespace:
        'The namespace the object lives in; empty for cluster-scoped kinds. An empty value on a namespaced create means the default namespace.',
      uid: 'A value the server generates to identify this object across its whole lifetime; a deleted and re-created object gets a new one. Read-only.',
      resourceVersion:
        'An opaque value that changes on every write of the object. Clients pass it back for optimistic concurrency and to start watches; never compare it numerically. Read-only.',
      generation: 'A sequence number of the desired state, bumped by the server whenever the spec changes. Read-only.',
      creationTimestamp: 'When the server created the object, in UTC. Read-only.',
      deletionTimestamp:
        'When the object will be removed: set by the server when deletion is requested; the object stays until its finalizers are gone and its grace period is over. Read-only.',
      deletionGracePeriodSeconds: 'How many seconds the object is given to terminate once deletionTimestamp is set. Read-only.',
      labels: 'Key/value pairs used to organise and select objects (label selectors match on them).',
      annotations: 'Key/value pairs for tools and humans: arbitrary, non-identifying data that is not used for selection.',
      ownerReferences:
        'The objects this object depends on. When every owner is gone the garbage collector deletes this object; at most one owner may be the managing controller.',
      finalizers:
        'Names of cleanup steps that must finish before the object is removed. The server keeps a deleted object while this list is not empty.',
      managedFields: 'Which field manager owns which fields, as recorded by server-side apply. Mostly internal.',
    },
  },
  'meta.v1.ListMeta': {
    type: 'Metadata of a list answer.',
    fields: {
      resourceVersion: 'The version of the storage the list was read at; a watch started from it sees every later change.',
      continue: 'Set when more items exist: pass it back as the continue parameter to read the next page.',
      remainingItemCount: 'An estimate of how many items are left after this page, when the server knows it.',
    },
  },
  'meta.v1.LabelSelector': {
    type: 'Selects objects by their labels. matchLabels and matchExpressions are ANDed; an empty selector matches everything.',
    fields: {
      matchLabels: 'Labels that must all be present with exactly these values.',
      matchExpressions: 'Requirements on labels (In, NotIn, Exists, DoesNotExist) that must all hold.',
    },
  },
  'meta.v1.OwnerReference': {
    type: 'Identifies an owning object, which must be in the same namespace or cluster-scoped.',
    fields: {
      controller: 'Whether this owner is the managing controller of the object.',
      blockOwnerDeletion: 'When true, a foreground deletion of the owner waits until this object is gone.',
    },
  },
  'core.v1.Pod': {
    type: 'A group of one or more containers that share storage and network and are scheduled together onto one node. The smallest unit Kubernetes runs.',
    fields: {
      spec: 'What the pod should run: its containers, volumes and scheduling constraints.',
      status: 'What is observed of the pod: its phase, conditions, IPs and the state of each container. Written by the system.',
    },
  },
  'core.v1.PodSpec': {
    type: 'The description of a pod: its containers, volumes and how it is scheduled.',
    fields: {
      containers: 'The containers of the pod. At least one is required; containers cannot be added or removed once the pod exists.',
      initContainers:
        'Containers that run to completion one after another before the regular containers start. One with restartPolicy Always runs alongside them as a sidecar.',
      ephemeralContainers: 'Temporary containers added to a running pod for debugging (kubectl debug).',
      volumes: 'Volumes the containers of the pod can mount.',
      restartPolicy: 'When containers are restarted: Always (the default), OnFailure or Never.',
      terminationGracePeriodSeconds:
        'How long the pod gets to shut down after a deletion request before its processes are killed. Defaults to 30 seconds.',
      nodeName: 'The node the pod is bound to. The scheduler sets it; setting it yourself bypasses the scheduler.',
      nodeSelector: 'Labels a node must have for the pod to be scheduled on it.',
      affinity: "Rules attracting the pod to, or keeping it away from, nodes and other pods.",
      tolerations: 'Taints the pod tolerates, allowing it onto nodes that carry them.',
      serviceAccountName: 'The service account the pod runs as.',
      schedulerName: 'The scheduler that places this pod; the default scheduler when empty.',
      priorityClassName: 'The priority class of the pod, which decides its priority and preemption.',
      hostNetwork: "Whether the pod uses the node's network namespace.",
      dnsPolicy: 'How DNS is configured for the pod: ClusterFirst (the default), Default, ClusterFirstWithHostNet or None.',
    },
  },
  'core.v1.PodStatus': {
    type: 'The observed state of a pod.',
    fields: {
      phase: 'A summary of where the pod is in its lifecycle: Pending, Running, Succeeded, Failed or Unknown.',
      conditions: 'Conditions of the pod, such as PodScheduled, Initialized, ContainersReady and Ready.',
      podIP: 'The IP address allocated to the pod.',
      hostIP: 'The IP address of the node the pod runs on.',
      containerStatuses: 'The state of each regular container.',
      startTime: 'When the kubelet acknowledged the pod, before any image was pulled.',
      qosClass: 'The quality-of-service class from the resource requests and limits: Guaranteed, Burstable or BestEffort.',
    },
  },
  'core.v1.Container': {
    type: 'One application container of a pod.',
    fields: {
      name: 'The name of the container, unique within the pod (DNS label). Cannot be changed.',
      image: 'The container image to run, for example nginx:1.27 or registry.example.com/app@sha256:….',
      imagePullPolicy: 'When the image is pulled: Always, IfNotPresent or Never. Defaults to Always for the :latest tag, IfNotPresent otherwise.',
      command: "The entrypoint, replacing the image's ENTRYPOINT. Not run in a shell.",
      args: "Arguments to the entrypoint, replacing the image's CMD.",
      env: 'Environment variables to set in the container.',
      envFrom: 'Sources (ConfigMaps, Secrets) whose keys all become environment variables.',
      ports: 'Ports the container exposes. Informational: a port not listed here can still be reached.',
      resources: 'CPU and memory the container requests (used for scheduling) and may not exceed (limits).',
      volumeMounts: "Volumes of the pod to mount into the container's filesystem.",
      livenessProbe: 'A check of container health; the container is restarted when it fails.',
      readinessProbe: 'A check of whether the container can serve; the pod is removed from Service endpoints while it fails.',
      startupProbe: 'A check that must succeed once before the other probes start, for slow-starting containers.',
      workingDir: "The container's working directory; the image's default when empty.",
      securityContext: 'Security options of the container, overriding those of the pod.',
    },
  },
  'core.v1.ContainerPort': {
    type: 'A network port of a container.',
    fields: {
      containerPort: 'The port number, from 1 to 65535.',
      protocol: 'TCP (the default), UDP or SCTP.',
      name: 'A name for the port (IANA_SVC_NAME), unique within the pod, that Services can refer to.',
    },
  },
  'core.v1.EnvVar': {
    type: 'An environment variable of a container.',
    fields: {
      name: 'The name of the variable.',
      value: 'The value. $(VAR) references to earlier variables are expanded.',
      valueFrom: 'Where to take the value from instead: a field of the pod, a resource, a ConfigMap or a Secret key.',
    },
  },
  'core.v1.ResourceRequirements': {
    type: 'Compute resources of a container.',
    fields: {
      requests: 'The amount of each resource the container needs; the scheduler only places the pod where these fit.',
      limits: 'The most of each resource the container may use.',
    },
  },
  'core.v1.PodTemplateSpec': {
    type: 'The pods a controller creates: their metadata and spec.',
    fields: {
      metadata: 'Labels and annotations of the created pods; the labels must match the selector of the controller.',
      spec: 'The spec of the created pods.',
    },
  },
  'core.v1.Node': {
    type: 'A machine (here, a simulated one) that runs pods. Each node runs a kubelet that reports its status.',
    fields: {
      spec: 'How the node is configured: its pod CIDRs, taints and whether it is schedulable.',
      status: 'What is observed of the node: conditions, capacity, addresses and system information.',
    },
  },
  'core.v1.Service': {
    type: 'A stable name and virtual IP for a set of pods chosen by a label selector, with load balancing across them.',
  },
  'core.v1.Namespace': { type: 'A scope for names. Namespaced objects live in exactly one namespace.' },
  'core.v1.ConfigMap': { type: 'Non-confidential key/value data that pods can consume as environment variables, arguments or files.' },
  'core.v1.Secret': { type: 'Confidential key/value data, such as passwords, tokens or keys. Values under data are base64-encoded.' },
  'core.v1.ServiceAccount': { type: 'An identity for processes that run in pods, with the credentials they use against the API.' },
  'core.v1.Event': { type: 'A report of something that happened to an object, such as a pod being scheduled or a container failing.' },
  'events.v1.Event': {
    type: 'A report of something that happened to an object, as the events.k8s.io API shapes it: the same objects as core/v1 Events, with renamed fields.',
    fields: {
      eventTime: 'When the event was first observed. Required for events written through this API.',
      series: 'How often and until when the event has recurred; absent for an event seen once.',
      reportingController: 'The controller that emitted the event, e.g. `kubernetes.io/kubelet`. Required for new events.',
      reportingInstance: 'The instance of the reporting controller, e.g. `kubelet-node-1`. At most 128 characters.',
      action: 'What the reporting controller did or failed to do to the regarding object. At most 128 characters.',
      reason: 'Why the action was taken, short and machine-readable. At most 128 characters.',
      regarding: 'The object this event is about (involvedObject in core/v1).',
      related: 'A second object the action concerns, if any.',
      note: 'A human-readable description of what happened (message in core/v1). At most 1 KiB.',
      type: 'Normal or Warning.',
      deprecatedSource: 'The core/v1 source field, kept for compatibility.',
      deprecatedFirstTimestamp: 'The core/v1 firstTimestamp field, kept for compatibility.',
      deprecatedLastTimestamp: 'The core/v1 lastTimestamp field, kept for compatibility.',
      deprecatedCount: 'The core/v1 count field, kept for compatibility.',
    },
  },
  'core.v1.Endpoints': { type: 'The network addresses behind a Service, kept up to date from the pods it selects.' },
  'apps.v1.Deployment': {
    type: 'Declarative updates for pods: a Deployment manages ReplicaSets and rolls pods from one template to the next.',
    fields: {
      spec: 'The desired behaviour of the Deployment.',
      status: 'The most recently observed state of the Deployment.',
    },
  },
  'apps.v1.DeploymentSpec': {
    type: 'The desired state of a Deployment.',
    fields: {
      replicas: 'How many pods should run. Defaults to 1. Leave it unset when an autoscaler manages the Deployment.',
      selector: "Which pods belong to the Deployment. It must match the template's labels and cannot be changed after creation.",
      template: 'The pods to create.',
      strategy: 'How existing pods are replaced by new ones: RollingUpdate (the default) or Recreate.',
      minReadySeconds: 'How long a new pod must be ready, without crashing, before it counts as available. Defaults to 0.',
      revisionHistoryLimit: 'How many old ReplicaSets to keep for rollbacks. Defaults to 10.',
      paused: 'Whether the rollout is paused.',
      progressDeadlineSeconds: 'How long a rollout may make no progress before it is reported as failed. Defaults to 600.',
    },
  },
  'apps.v1.DeploymentStrategy': {
    type: 'How a Deployment replaces pods.',
    fields: {
      type: 'Recreate (kill all old pods first) or RollingUpdate (the default).',
      rollingUpdate: 'The parameters of a rolling update.',
    },
  },
  'apps.v1.RollingUpdateDeployment': {
    type: 'The pace of a rolling update.',
    fields: {
      maxUnavailable: 'How many pods may be unavailable during the update: a number or a percentage of replicas. Defaults to 25%.',
      maxSurge: 'How many pods may exist above the desired replicas during the update: a number or a percentage. Defaults to 25%.',
    },
  },
  'apps.v1.ReplicaSet': {
    type: 'Keeps a given number of identical pods running. Usually managed by a Deployment rather than used directly.',
  },
  'apps.v1.ReplicaSetSpec': {
    type: 'The desired state of a ReplicaSet.',
    fields: {
      replicas: 'How many pods should run. Defaults to 1.',
      selector: "Which pods count towards the replicas. It must match the template's labels.",
      template: 'The pods to create when there are too few.',
    },
  },
  'autoscaling.v2.HorizontalPodAutoscaler': {
    type: 'Scales a workload (such as a Deployment) between a minimum and a maximum number of replicas from observed metrics.',
  },
  'autoscaling.v1.HorizontalPodAutoscaler': {
    type: 'Scales a workload (such as a Deployment) between a minimum and a maximum number of replicas from its CPU use.',
  },
  'autoscaling.v1.Scale': { type: 'The scale subresource of a workload: its desired and observed replica counts.' },
  'coordination.v1.Lease': { type: 'A lease held by one holder at a time, used for leader election and node heartbeats.' },
  'discovery.v1.EndpointSlice': { type: 'A slice of the network endpoints behind a Service.' },
  'policy.v1.PodDisruptionBudget': { type: 'Limits how many pods of a set may be down at once because of voluntary disruptions such as evictions.' },
  'policy.v1.Eviction': { type: 'A request to evict a pod, honouring its PodDisruptionBudgets. Sent to the eviction subresource of the pod.' },
  'core.v1.Binding': { type: 'Binds a pod to a node; sent to the binding subresource of the pod by a scheduler.' },
  'rbac.v1.Role': { type: 'A namespaced set of permissions (rules), granted by RoleBindings.' },
  'rbac.v1.ClusterRole': { type: 'A cluster-wide set of permissions (rules), granted by RoleBindings or ClusterRoleBindings.' },
  'rbac.v1.RoleBinding': { type: 'Grants the permissions of a Role or ClusterRole to subjects within one namespace.' },
  'rbac.v1.ClusterRoleBinding': { type: 'Grants the permissions of a ClusterRole to subjects in the whole cluster.' },
};
