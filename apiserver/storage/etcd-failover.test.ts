import { describe, expect, it } from 'vitest';
import { neverSent } from './etcd-store.js';

// Which failed etcd calls the store tries again on another member: only those that never
// left this process, so a write is never applied twice.
describe('neverSent', () => {
  it.each([
    { message: '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379', want: true },
    { message: 'connect ECONNREFUSED 127.0.0.1:2379', want: true },
    { message: '14 UNAVAILABLE: failed to connect to all addresses', want: true },
    { message: '14 UNAVAILABLE: Connection dropped', want: false },
    { message: '14 UNAVAILABLE: etcdserver: request timed out', want: false },
    { message: '4 DEADLINE_EXCEEDED: Deadline exceeded', want: false },
    { message: 'etcdserver: leader changed', want: false },
  ])('$message → $want', ({ message, want }) => {
    expect(neverSent(new Error(message))).toBe(want);
  });
});
