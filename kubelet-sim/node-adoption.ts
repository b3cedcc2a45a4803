import type { Node } from '../api/core/node.js';
import { resolveNodeTemplate, type NodeTemplate, type ResolvedNodeTemplate } from './node-template.js';

/**
 * kwok-style adoption: besides the nodes it is told to create (`--nodes N`), a kubelet-sim
 * runs every Node that carries the annotations below, as kwok manages the Nodes its
 * selector matches. Whoever creates such a Node (the simulated cloud, when a machine
 * boots; a user with kubectl) says what the machine is through the template annotation;
 * nothing here knows who that is.
 */

/** On a Node: the kubelet-sim node template (JSON) of the machine; its presence asks for adoption. */
export const NODE_TEMPLATE_ANNOTATION = 'kubeling.io/node-template';
/** On a Node: the machine's index in the simulated fleet (addresses derive from it); default from the name. */
export const NODE_INDEX_ANNOTATION = 'kubeling.io/node-index';

export interface Adoption {
  template: ResolvedNodeTemplate;
  index: number;
}

/** A stable index from a name (FNV-1a), placed above the static fleet's range. */
function indexFromName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return 200_000 + (h % 100_000);
}

/**
 * What to run a Node as, or undefined when it is not ours to adopt (no template
 * annotation, being deleted) or the template is unreadable (the reason is returned so
 * the caller can log it once).
 */
export function adoptionOf(node: Node): Adoption | { error: string } | undefined {
  const raw = node.metadata.annotations?.[NODE_TEMPLATE_ANNOTATION];
  if (raw === undefined || node.metadata.deletionTimestamp) return undefined;
  let template: ResolvedNodeTemplate;
  try {
    template = resolveNodeTemplate(JSON.parse(raw) as NodeTemplate);
  } catch (err) {
    return { error: `invalid ${NODE_TEMPLATE_ANNOTATION} annotation: ${(err as Error).message}` };
  }
  const idx = Number(node.metadata.annotations?.[NODE_INDEX_ANNOTATION]);
  const index = Number.isInteger(idx) && idx >= 0 ? idx : indexFromName(node.metadata.name ?? '');
  return { template, index };
}
