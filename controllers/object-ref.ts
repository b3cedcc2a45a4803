import type { ObjectReference } from '../api/meta.js';
import type { KubeObject } from '../api/types.js';

/**
 * The references kube's node controllers put in events. They name a Node by name and
 * uid only (controller/util/node RecordNodeEvent), and the taint eviction controller
 * names a Pod by namespace and name only, so events about different versions of the
 * same object deduplicate together.
 */
export function nodeRef(node: KubeObject): ObjectReference {
  return { apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid };
}

export function podRef(namespace: string, name: string): ObjectReference {
  return { apiVersion: 'v1', kind: 'Pod', namespace, name };
}
