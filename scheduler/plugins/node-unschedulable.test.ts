import { describe, expect, it } from 'vitest';
import { CycleState } from '../framework.js';
import { makeNode, makeNodeInfo, makePod } from '../testing/builders.js';
import { ERR_REASON_UNSCHEDULABLE, nodeUnschedulablePlugin } from './node-unschedulable.js';

describe('NodeUnschedulable filter', () => {
  const key = 'node.kubernetes.io/unschedulable';
  const cases = [
    { name: 'schedulable node', node: makeNode('n').obj(), pod: makePod().obj(), ok: true },
    { name: 'cordoned node', node: makeNode('n').unschedulable().obj(), pod: makePod().obj(), ok: false },
    {
      name: 'cordoned, pod tolerates the taint (Exists)',
      node: makeNode('n').unschedulable().obj(),
      pod: makePod().toleration({ key, operator: 'Exists', effect: 'NoSchedule' }).obj(),
      ok: true,
    },
    {
      name: 'cordoned, pod tolerates everything',
      node: makeNode('n').unschedulable().obj(),
      pod: makePod().toleration({ operator: 'Exists' }).obj(),
      ok: true,
    },
    {
      name: 'cordoned, toleration for another effect',
      node: makeNode('n').unschedulable().obj(),
      pod: makePod().toleration({ key, operator: 'Exists', effect: 'NoExecute' }).obj(),
      ok: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = nodeUnschedulablePlugin.filter(c.pod, makeNodeInfo(c.node), new CycleState());
      if (c.ok) expect(s.code).toBe('Success');
      else expect(s).toMatchObject({ code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_UNSCHEDULABLE] });
    });
  }
});
