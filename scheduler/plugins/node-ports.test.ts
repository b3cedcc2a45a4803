import { describe, expect, it } from 'vitest';
import { CycleState } from '../framework.js';
import { makeNode, makeNodeInfo, makePod } from '../testing/builders.js';
import { ERR_REASON_NODE_PORTS, nodePortsPlugin } from './node-ports.js';

describe('NodePorts', () => {
  const node = makeNode('n').obj();
  const cases = [
    { name: 'no host ports: PreFilter skips', pod: makePod().req().obj(), existing: [makePod('e').hostPort(80).obj()], skip: true, ok: true },
    { name: 'free port', pod: makePod().hostPort(8080).obj(), existing: [makePod('e').hostPort(80).obj()], ok: true },
    { name: 'port taken', pod: makePod().hostPort(80).obj(), existing: [makePod('e').hostPort(80).obj()], ok: false },
    { name: 'same port, other protocol', pod: makePod().hostPort(53, 'UDP').obj(), existing: [makePod('e').hostPort(53).obj()], ok: true },
    { name: 'specific address vs any', pod: makePod().hostPort(80, 'TCP', '10.1.1.1').obj(), existing: [makePod('e').hostPort(80).obj()], ok: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = new CycleState();
      const pre = nodePortsPlugin.preFilter(c.pod, state);
      expect(pre.status.code).toBe(c.skip ? 'Skip' : 'Success');
      const s = nodePortsPlugin.filter(c.pod, makeNodeInfo(node, ...c.existing), state);
      if (c.ok) expect(s.code).toBe('Success');
      else expect(s).toMatchObject({ code: 'Unschedulable', reasons: [ERR_REASON_NODE_PORTS] });
    });
  }
});
