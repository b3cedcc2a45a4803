import { describe, expect, it } from 'vitest';
import type { Job } from '../../api/batch/schemas.js';
import { jobExpiresAt } from './ttl-expiry.js';

const job = (ttl: number | undefined, cond?: string, deleting = false): Job => ({
  metadata: { name: 'j', namespace: 'default', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl },
  status: cond ? { conditions: [{ type: cond, status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } : {},
});

describe('jobExpiresAt', () => {
  const t = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['complete with ttl 100', job(100, 'Complete'), t + 100_000],
    ['failed with ttl 0', job(0, 'Failed'), t],
    ['running', job(100), undefined],
    ['no ttl', job(undefined, 'Complete'), undefined],
    ['being deleted', job(5, 'Complete', true), undefined],
    ['only a target condition', job(5, 'SuccessCriteriaMet'), undefined],
  ])('%s', (_n, j, want) => {
    expect(jobExpiresAt(j)).toBe(want);
  });
});
