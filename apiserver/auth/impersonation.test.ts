import { describe, expect, it } from 'vitest';
import { parseImpersonation } from './impersonation.js';

describe('parseImpersonation', () => {
  it('is null without headers', () => {
    expect(parseImpersonation({})).toBeNull();
  });
  it('a user with groups and uid: one check each, system:authenticated added', () => {
    const r = parseImpersonation({ 'impersonate-user': 'jane', 'impersonate-group': ['qa', 'dev'], 'impersonate-uid': 'u1' });
    expect(r).toEqual({
      user: { username: 'jane', groups: ['qa', 'dev', 'system:authenticated'], uid: 'u1' },
      checks: [
        { kind: 'resource', verb: 'impersonate', group: '', resource: 'users', name: 'jane' },
        { kind: 'resource', verb: 'impersonate', group: '', resource: 'groups', name: 'qa' },
        { kind: 'resource', verb: 'impersonate', group: '', resource: 'groups', name: 'dev' },
        { kind: 'resource', verb: 'impersonate', group: '', resource: 'uids', name: 'u1' },
      ],
    });
  });
  it('system:anonymous is not authenticated', () => {
    expect(parseImpersonation({ 'impersonate-user': 'system:anonymous' })).toMatchObject({ user: { username: 'system:anonymous', groups: [] } });
  });
  it.each([[{ 'impersonate-group': 'qa' }], [{ 'impersonate-user': ['a', 'b'] }], [{ 'impersonate-uid': 'u' }]])('malformed %j', (headers) => {
    expect(typeof parseImpersonation(headers)).toBe('string');
  });
});
