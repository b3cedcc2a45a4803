/**
 * A pod manifest of the size real clusters store (~1.5 KB of JSON once created): labels,
 * annotations, two containers with env, ports, probes, resources and volume mounts.
 * Shared by the apiserver benchmark and the fuzz test (which mutates it).
 */
export function realisticPod(name: string, namespace: string, i = 0): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d9f8c6b5', shard: `s${i % 16}` },
      annotations: { 'kubeling.io/bench': 'true', 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102' },
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/team/web-frontend:1.27.3',
          args: ['--port=8080', '--log-level=info'],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
          ],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'LOG_FORMAT', value: 'json' },
            { name: 'UPSTREAM_URL', value: 'http://backend.default.svc.cluster.local:8080' },
          ],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
          livenessProbe: { httpGet: { path: '/livez', port: 8080 }, initialDelaySeconds: 10 },
          volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }],
        },
        {
          name: 'sidecar',
          image: 'registry.example.com/infra/log-shipper:2.4.0',
          resources: { requests: { cpu: '50m', memory: '64Mi' } },
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      terminationGracePeriodSeconds: 30,
    },
  };
}
