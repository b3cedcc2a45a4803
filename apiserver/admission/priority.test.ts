import { describe, expect, it } from 'vitest';
import type { PriorityClass } from '../../api/scheduling/index.js';
import { admitPodPriority, type PodPriorityFields, type PriorityDecision } from './priority.js';

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ metadata: { name }, value, ...extra });
const HIGH = pc('high', 1000);
const NEVER = pc('never', 10, { preemptionPolicy: 'Never' });
const DEFAULT = pc('default-low', 5, { globalDefault: true });

describe('admitPodPriority', () => {
  it.each<[string, PodPriorityFields, PriorityClass[], PriorityDecision]>([
    ['no class, no default: 0', {}, [HIGH], { ok: true, fields: { priority: 0, preemptionPolicy: 'PreemptLowerPriority' } }],
    ['no class: the global default', {}, [HIGH, DEFAULT], { ok: true, fields: { priority: 5, preemptionPolicy: 'PreemptLowerPriority', priorityClassName: 'default-low' } }],
    ['named class', { priorityClassName: 'high' }, [HIGH, DEFAULT], { ok: true, fields: { priority: 1000, preemptionPolicy: 'PreemptLowerPriority', priorityClassName: 'high' } }],
    ['class policy', { priorityClassName: 'never' }, [NEVER], { ok: true, fields: { priority: 10, preemptionPolicy: 'Never', priorityClassName: 'never' } }],
    ['the same priority may be given', { priorityClassName: 'high', priority: 1000 }, [HIGH], { ok: true, fields: { priority: 1000, preemptionPolicy: 'PreemptLowerPriority', priorityClassName: 'high' } }],
    ['missing class', { priorityClassName: 'nope' }, [HIGH], { ok: false, reason: 'no PriorityClass with name nope was found' }],
    [
      'a different priority',
      { priorityClassName: 'high', priority: 7 },
      [HIGH],
      { ok: false, reason: 'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name' },
    ],
    [
      'a different policy',
      { priorityClassName: 'never', preemptionPolicy: 'PreemptLowerPriority' },
      [NEVER],
      { ok: false, reason: 'the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name' },
    ],
  ])('%s', (_name, spec, classes, want) => {
    expect(admitPodPriority(spec, classes)).toEqual(want);
  });
});
