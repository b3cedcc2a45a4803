import { describe, expect, it } from 'vitest';
import { newStatus } from './framework.js';
import { fitErrorMessage, newDiagnosis, preemptionPostFilterMessage } from './fit-error.js';
import { makeNode, makeNodeInfo, makePod } from './testing/builders.js';

function diagnosis(statuses: Record<string, string[]>, code: 'Unschedulable' | 'UnschedulableAndUnresolvable' = 'Unschedulable') {
  const d = newDiagnosis();
  for (const [node, reasons] of Object.entries(statuses)) d.nodeToStatus.set(node, newStatus(code, ...reasons));
  return d;
}

describe('fitErrorMessage', () => {
  it('counts each reason over the nodes', () => {
    const d = diagnosis({ a: ['Insufficient cpu'], b: ['Insufficient cpu', 'Insufficient memory'], c: ['Insufficient cpu'] });
    expect(fitErrorMessage(3, d)).toBe('0/3 nodes are available: 1 Insufficient memory, 3 Insufficient cpu.');
  });

  it('sorts "count reason" as strings, as Go does (10 before 2)', () => {
    const d = newDiagnosis();
    for (let i = 0; i < 10; i++) d.nodeToStatus.set(`a${i}`, newStatus('Unschedulable', 'Insufficient memory'));
    for (let i = 0; i < 2; i++) d.nodeToStatus.set(`b${i}`, newStatus('Unschedulable', 'Insufficient cpu'));
    expect(fitErrorMessage(12, d)).toBe('0/12 nodes are available: 10 Insufficient memory, 2 Insufficient cpu.');
  });

  it('counts nodes absent from the map with the absent status', () => {
    const d = diagnosis({ n1: ['Insufficient cpu'] });
    d.absentStatus = newStatus('UnschedulableAndUnresolvable', "node(s) didn't satisfy plugin(s) [NodeAffinity]");
    expect(fitErrorMessage(5, d)).toBe("0/5 nodes are available: 1 Insufficient cpu, 4 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });

  it('a PreFilter message replaces the per-node list; PostFilter is appended as is', () => {
    const d = newDiagnosis();
    d.preFilterMsg = 'pod affinity terms conflict';
    d.postFilterMsg = 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
    expect(fitErrorMessage(2, d)).toBe(
      '0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });
});

describe('preemptionPostFilterMessage', () => {
  const nodes = ['a', 'b', 'c'].map((n) => makeNodeInfo(makeNode(n).obj()));

  it('resource failures find no victims; unresolvable ones are not helped', () => {
    const d = diagnosis({ a: ['Insufficient cpu'], b: ['Insufficient cpu'] });
    d.nodeToStatus.set('c', newStatus('UnschedulableAndUnresolvable', 'node(s) were unschedulable'));
    expect(preemptionPostFilterMessage(makePod().obj(), nodes, d)).toBe(
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it('a pod that may not preempt says so', () => {
    expect(preemptionPostFilterMessage(makePod().preemptionPolicy('Never').obj(), nodes, newDiagnosis())).toBe(
      'preemption: not eligible due to preemptionPolicy=Never.',
    );
  });
});
