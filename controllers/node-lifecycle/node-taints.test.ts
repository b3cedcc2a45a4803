import { describe, expect, it } from 'vitest';
import type { Taint } from '../../api/core/node.js';
import { makeNode } from '../testing/builders.js';
import { applyTaintChange, noExecuteTaintChange, noScheduleTaintChange } from './node-taints.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const fmt = (ts: Taint[]) => ts.map((t) => `${t.key.replace('node.kubernetes.io/', '')}:${t.effect}`);

describe('noScheduleTaintChange', () => {
  it.each([
    { name: 'ready node, no taints', node: makeNode('n').ready('True').obj(), add: [], remove: [] },
    { name: 'NotReady', node: makeNode('n').ready('False').obj(), add: ['not-ready:NoSchedule'], remove: [] },
    { name: 'Unknown', node: makeNode('n').ready('Unknown').obj(), add: ['unreachable:NoSchedule'], remove: [] },
    {
      name: 'recovered: controller taints go, user taints stay',
      node: makeNode('n').ready('True').taint('node.kubernetes.io/unreachable', 'NoSchedule').taint('dedicated', 'NoSchedule').obj(),
      add: [],
      remove: ['unreachable:NoSchedule'],
    },
    {
      name: 'Unknown → False swaps',
      node: makeNode('n').ready('False').taint('node.kubernetes.io/unreachable', 'NoSchedule').obj(),
      add: ['not-ready:NoSchedule'],
      remove: ['unreachable:NoSchedule'],
    },
    {
      name: 'pressure conditions and cordon',
      node: makeNode('n').ready('True').condition('MemoryPressure', 'True').condition('DiskPressure', 'False').condition('PIDPressure', 'True').unschedulable().obj(),
      add: ['memory-pressure:NoSchedule', 'pid-pressure:NoSchedule', 'unschedulable:NoSchedule'],
      remove: [],
    },
    {
      name: 'already right',
      node: makeNode('n').ready('Unknown').taint('node.kubernetes.io/unreachable', 'NoSchedule').obj(),
      add: [],
      remove: [],
    },
  ])('$name', ({ node, add, remove }) => {
    const c = noScheduleTaintChange(node);
    expect(fmt(c.add)).toEqual(add);
    expect(fmt(c.remove)).toEqual(remove);
  });
});

describe('noExecuteTaintChange', () => {
  it.each([
    { name: 'Unknown, allowed', node: makeNode('n').ready('Unknown').obj(), allowNew: true, add: ['unreachable:NoExecute'], remove: [], waiting: false },
    { name: 'Unknown, rate-limited', node: makeNode('n').ready('Unknown').obj(), allowNew: false, add: [], remove: [], waiting: true },
    { name: 'False, allowed', node: makeNode('n').ready('False').obj(), allowNew: true, add: ['not-ready:NoExecute'], remove: [], waiting: false },
    {
      name: 'swap is immediate even when rate-limited',
      node: makeNode('n').ready('Unknown').taint('node.kubernetes.io/not-ready', 'NoExecute').obj(),
      allowNew: false,
      add: ['unreachable:NoExecute'],
      remove: ['not-ready:NoExecute'],
      waiting: false,
    },
    {
      name: 'Ready again: removed',
      node: makeNode('n').ready('True').taint('node.kubernetes.io/unreachable', 'NoExecute').obj(),
      allowNew: false,
      add: [],
      remove: ['unreachable:NoExecute'],
      waiting: false,
    },
    { name: 'never posted status: left alone', node: makeNode('n').obj(), allowNew: true, add: [], remove: [], waiting: false },
    {
      name: 'already tainted',
      node: makeNode('n').ready('Unknown').taint('node.kubernetes.io/unreachable', 'NoExecute').obj(),
      allowNew: false,
      add: [],
      remove: [],
      waiting: false,
    },
  ])('$name', ({ node, allowNew, add, remove, waiting }) => {
    const c = noExecuteTaintChange(node, { allowNew });
    expect(fmt(c.add)).toEqual(add);
    expect(fmt(c.remove)).toEqual(remove);
    expect(c.waiting).toBe(waiting);
  });

  it('removes both in full disruption', () => {
    const node = makeNode('n').ready('Unknown').taint('node.kubernetes.io/unreachable', 'NoExecute').obj();
    expect(fmt(noExecuteTaintChange(node, { allowNew: true, removeAll: true }).remove)).toEqual(['unreachable:NoExecute']);
    expect(noExecuteTaintChange(node, { allowNew: true, removeAll: true }).add).toEqual([]);
  });
});

describe('applyTaintChange', () => {
  it('keeps other taints, stamps added ones with timeAdded', () => {
    const out = applyTaintChange(
      [{ key: 'dedicated', effect: 'NoSchedule', value: 'gpu' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }],
      { add: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }], remove: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] },
      T,
    );
    expect(out).toEqual([
      { key: 'dedicated', effect: 'NoSchedule', value: 'gpu' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T12:00:00Z' },
    ]);
  });
});
