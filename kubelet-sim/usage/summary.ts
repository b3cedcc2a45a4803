import type { NodeSample } from './usage-model.js';

/**
 * The kubelet's Summary API (/stats/summary, stats/v1alpha1), with the fields the usage
 * model knows: CPU (usageNanoCores now, usageCoreNanoSeconds cumulative) and memory
 * (workingSetBytes; usageBytes and rssBytes equal to it, as the model keeps no page
 * cache), per node, pod and container. Network, filesystem and volume stats are absent.
 */

function time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function cpu(atMs: number, cores: number, seconds: number) {
  return { time: time(atMs), usageNanoCores: Math.round(cores * 1e9), usageCoreNanoSeconds: Math.round(seconds * 1e9) };
}

function memory(atMs: number, workingSet: number, available?: number) {
  return {
    time: time(atMs),
    ...(available !== undefined ? { availableBytes: Math.max(0, Math.round(available)) } : {}),
    usageBytes: Math.round(workingSet),
    workingSetBytes: Math.round(workingSet),
    rssBytes: Math.round(workingSet),
    pageFaults: 0,
    majorPageFaults: 0,
  };
}

export function renderSummary(s: NodeSample): Record<string, unknown> {
  const at = s.atMs;
  return {
    node: {
      nodeName: s.name,
      startTime: time(s.startedAtMs),
      cpu: cpu(at, s.cpuCores, s.cpuSecondsTotal),
      memory: memory(at, s.memoryBytes, s.memoryCapacity - s.memoryBytes),
    },
    pods: s.pods.map((p) => {
      const podCpu = p.containers.reduce((a, c) => a + c.cpuCores, 0);
      const podSec = p.containers.reduce((a, c) => a + c.cpuSecondsTotal, 0);
      const podMem = p.containers.reduce((a, c) => a + c.memoryBytes, 0);
      return {
        podRef: { name: p.name, namespace: p.namespace, uid: p.uid },
        startTime: time(p.startedAtMs),
        containers: p.containers.map((c) => ({
          name: c.name,
          startTime: time(c.startedAtMs),
          cpu: cpu(at, c.cpuCores, c.cpuSecondsTotal),
          memory: memory(at, c.memoryBytes),
        })),
        cpu: cpu(at, podCpu, podSec),
        memory: memory(at, podMem),
      };
    }),
  };
}
