import { nodeResource, type Node } from '../../api/core/node.js';
import { podResource, type Pod, type PodCondition } from '../../api/core/pod.js';
import { isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import { clone, objectKey, splitKey } from '../../client/store.js';
import { formatTime } from '../node-lifecycle/node-health.js';
import { podRef } from '../object-ref.js';
import { POD_NODE_NAME_INDEX, podNodeNameIndex, startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { decideEviction, noExecuteTaints } from './eviction-decision.js';

/**
 * kube's taint eviction controller (the former NoExecute taint manager), one
 * reconcile(podKey) per pod: deletes pods from nodes with NoExecute taints they do not
 * tolerate, at once or when their tolerationSeconds run out (eviction-decision.ts).
 * Before deleting it records kube's event (Normal TaintManagerEviction "Marking for
 * deletion Pod ns/name") and adds the DisruptionTarget condition; a scheduled eviction
 * that no longer applies is cancelled with "Cancelling deletion of Pod ns/name".
 *
 * Like kube, the countdown starts when this controller first sees the pod on the tainted
 * node, and lives in memory: a new leader starts counting afresh.
 */

const sameNoExecute = (a: Node | undefined, b: Node | undefined): boolean =>
  JSON.stringify(noExecuteTaints(a?.spec?.taints)) === JSON.stringify(noExecuteTaints(b?.spec?.taints));

export function startTaintEvictionController(ctx: ControllerContext): RunningController {
  const { client, recorder, clock } = ctx;
  const log = ctx.logger;
  const nodes = ctx.informers.informerFor<Node>(nodeResource);
  const pods = ctx.informers.informerFor<Pod>(podResource);
  pods.addIndexer(POD_NODE_NAME_INDEX, podNodeNameIndex);
  /** pod key → when its countdown started (pods with a scheduled eviction). */
  const scheduled = new Map<string, number>();

  const cancel = (key: string): void => {
    if (!scheduled.delete(key)) return;
    const { namespace, name } = splitKey(key);
    recorder.event(podRef(namespace, name), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  };

  const evict = async (pod: Pod, key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    scheduled.delete(key);
    log.info({ pod: key, node: pod.spec?.nodeName }, 'deleting pod');
    recorder.event(podRef(namespace, name), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    const conditions = pod.status?.conditions ?? [];
    if (!conditions.some((c) => c.type === 'DisruptionTarget' && c.status === 'True')) {
      const next = clone(pod);
      const condition: PodCondition = {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'DeletionByTaintManager',
        message: 'Taint manager: deleting due to NoExecute taint',
        lastTransitionTime: formatTime(clock.now()),
      };
      next.status = { ...next.status, conditions: [...conditions.filter((c) => c.type !== 'DisruptionTarget'), condition] };
      try {
        await client.updateStatus(podResource, next);
      } catch (err) {
        if (isNotFound(err)) return;
        // The condition is informative; a conflict must not stop the eviction.
        log.debug({ err, pod: key }, 'could not add DisruptionTarget condition');
      }
    }
    try {
      await client.delete(podResource, name, { namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const pod = pods.store.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return cancel(key);
    if (pod.metadata.deletionTimestamp) {
      scheduled.delete(key); // already going
      return;
    }
    const node = nodes.store.get(nodeName);
    const now = clock.now();
    const decision = decideEviction(node?.spec?.taints, pod.spec?.tolerations, now, scheduled.get(key));
    switch (decision.kind) {
      case 'keep':
        return cancel(key);
      case 'evict':
        if (decision.untolerated) log.info({ pod: key, taint: decision.untolerated.key }, 'pod does not tolerate a NoExecute taint');
        return evict(pod, key);
      case 'schedule':
        if (!scheduled.has(key)) log.info({ pod: key, node: nodeName, inMs: decision.at - now }, 'scheduled pod eviction');
        scheduled.set(key, decision.since);
        return { requeueAfterMs: decision.at - now };
    }
  };

  const queueCtl = startQueueController(ctx, { name: 'taint-eviction-controller', reconcile, waitFor: [nodes, pods] });
  const { queue } = queueCtl;

  const enqueuePodsOn = (node: Node): void => {
    for (const key of pods.store.indexKeys(POD_NODE_NAME_INDEX, node.metadata.name!)) queue.add(key);
  };
  nodes.addEventHandler({
    onAdd: (n) => {
      if (noExecuteTaints(n.spec?.taints).length > 0) enqueuePodsOn(n);
    },
    onUpdate: (o, n) => {
      if (!sameNoExecute(o, n)) enqueuePodsOn(n);
    },
    onDelete: enqueuePodsOn,
  });
  pods.addEventHandler({
    onAdd: (p) => {
      if (p.spec?.nodeName) queue.add(objectKey(p));
    },
    onUpdate: (o, p) => {
      const changed = o.spec?.nodeName !== p.spec?.nodeName || JSON.stringify(o.spec?.tolerations) !== JSON.stringify(p.spec?.tolerations);
      if (changed) queue.add(objectKey(p));
    },
    onDelete: (p) => queue.add(objectKey(p)),
  });

  return queueCtl;
}

export const taintEvictionController: ControllerDescriptor = {
  name: 'taint-eviction-controller',
  serviceAccounts: ['node-controller'],
  eventSource: 'taint-eviction-controller',
  start: startTaintEvictionController,
};
