import { describe, expect, it } from 'vitest';
import { CycleState } from '../framework.js';
import { makeNode, makeNodeInfo, makePod } from '../testing/builders.js';
import { ERR_REASON_NODE_NAME, nodeNamePlugin } from './node-name.js';

describe('NodeName filter', () => {
  const cases = [
    { name: 'no nodeName: any node', pod: makePod().obj(), code: 'Success' },
    { name: 'nodeName matches', pod: makePod().node('n1').obj(), code: 'Success' },
    { name: 'nodeName differs', pod: makePod().node('n2').obj(), code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_NODE_NAME] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = nodeNamePlugin.filter(c.pod, makeNodeInfo(makeNode('n1').obj()), new CycleState());
      expect(s.code).toBe(c.code);
      expect(s.reasons).toEqual(c.reasons ?? []);
    });
  }
});
