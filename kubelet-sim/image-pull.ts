import { defaultImagePullPolicy } from '../api/core/pod-defaults.js';

/**
 * What a kubelet does about a container's image before starting it (its image manager's
 * shouldPullImage): a pure decision of (imagePullPolicy, image present on the node), and
 * the pod-level plan the stages of stages.ts select on. Containers of a simulated pod
 * move together, so the slowest container decides the pod's plan.
 */

export const pullPolicies = ['Always', 'IfNotPresent', 'Never'] as const;
export type PullPolicy = (typeof pullPolicies)[number];

/**
 * What getting one image (or a whole pod's images) takes:
 * - `pull`: not on the node, fetched from the registry (Pulling, then Pulled "Successfully pulled…");
 * - `refresh`: policy Always with the image on the node: the registry is asked for the
 *   digest, the layers are already there (a short pull with the same events);
 * - `present`: used as it is (Pulled "Container image … already present on machine");
 * - `never-missing`: policy Never and not on the node: the container cannot start
 *   (waiting reason ErrImageNeverPull) until the image appears.
 */
export const imagePlans = ['pull', 'refresh', 'present', 'never-missing'] as const;
export type ImagePlan = (typeof imagePlans)[number];

export interface ImageContainer {
  name: string;
  image?: string;
  imagePullPolicy?: string;
}

/** The container's policy; unset (objects that skipped apiserver defaulting) defaults as the apiserver does. */
export function pullPolicyOf(c: ImageContainer): PullPolicy {
  const p = c.imagePullPolicy;
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return p;
  return defaultImagePullPolicy(c.image) as PullPolicy;
}

/** kubelet's shouldPullImage, plus the presence it checked. */
export function imageDecision(policy: PullPolicy, present: boolean): ImagePlan {
  switch (policy) {
    case 'Never':
      return present ? 'present' : 'never-missing';
    case 'Always':
      return present ? 'refresh' : 'pull';
    default:
      return present ? 'present' : 'pull';
  }
}

/** Which plan wins for a pod: a blocked container blocks it, else the slowest image decides. */
const precedence: Record<ImagePlan, number> = { present: 0, refresh: 1, pull: 2, 'never-missing': 3 };

export interface PodImagePlan {
  plan: ImagePlan;
  /**
   * Containers (bit i = containers[i] of podImageContainers' order) concerned by the plan:
   * with `never-missing` the blocked ones, otherwise those that contact the registry
   * (`pull` or `refresh`); 0 when every image is present.
   */
  mask: number;
}

/** The containers whose images a pod needs, in a fixed order: init containers, then containers. */
export function podImageContainers(spec: { initContainers?: ImageContainer[]; containers?: ImageContainer[] } | undefined): ImageContainer[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

/** The pod's plan from each container's decision; `present(image)` asks the node's image cache. */
export function podImagePlan(containers: readonly ImageContainer[], present: (image: string) => boolean): PodImagePlan {
  const decisions = containers.map((c) => imageDecision(pullPolicyOf(c), present(c.image ?? '')));
  let plan: ImagePlan = 'present';
  for (const d of decisions) if (precedence[d] > precedence[plan]) plan = d;
  let mask = 0;
  decisions.forEach((d, i) => {
    const concerned = plan === 'never-missing' ? d === 'never-missing' : d === 'pull' || d === 'refresh';
    if (concerned) mask = withBit(mask, i);
  });
  return { plan, mask };
}

/**
 * Bit i of a mask held in a plain number. Arithmetic rather than `1 << i`, which wraps at
 * 32: a pod may have more containers than that (up to 53 are told apart; more is absurd).
 */
export function hasBit(mask: number | undefined, i: number): boolean {
  if (!mask || i > 52) return false;
  return Math.floor(mask / 2 ** i) % 2 === 1;
}

export function withBit(mask: number, i: number): number {
  return i > 52 || hasBit(mask, i) ? mask : mask + 2 ** i;
}

/** kubelet's event and waiting messages (pkg/kubelet/images). */
export function alreadyPresentMessage(image: string): string {
  return `Container image "${image}" already present on machine`;
}

export function neverPullMessage(image: string): string {
  return `Container image "${image}" is not present with pull policy of Never`;
}
