import type { Job } from '../../api/batch/schemas.js';
import type { Container } from '../../api/core/container.js';
import type { Pod } from '../../api/core/pod.js';
import type { OwnerReference } from '../../api/types.js';
import { podFromTemplate } from '../replicaset/pod-template.js';
import { COMPLETION_INDEX_ANNOTATION } from './job-plan.js';

/**
 * A Job's pod (kube's job controller pod creation): the template, controlled by the Job;
 * in Indexed mode named `<job>-<index>-<random>`, with the index as annotation and label,
 * hostname `<job>-<index>`, and JOB_COMPLETION_INDEX in every container's env (read from
 * the annotation through the downward API, as kube injects it). Pure.
 */
export function podFromJob(job: Job, ref: OwnerReference, index: number | undefined): Pod {
  const pod = podFromTemplate(job as never, ref);
  if (index === undefined) return pod;
  const name = job.metadata.name!;
  pod.metadata.generateName = `${name}-${index}-`;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(index) };
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(index) };
  const spec = pod.spec!;
  spec.hostname ??= `${name}-${index}`;
  const addEnv = (c: Container): void => {
    if (c.env?.some((e) => e.name === 'JOB_COMPLETION_INDEX')) return;
    c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } }];
  };
  spec.containers.forEach(addEnv);
  spec.initContainers?.forEach(addEnv);
  return pod;
}
