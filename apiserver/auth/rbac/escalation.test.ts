import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../../api/rbac/index.js';
import { compactString, escalationMessage, missingRules } from './escalation.js';

const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({ verbs, apiGroups, resources, ...(resourceNames ? { resourceNames } : {}) });

describe('missingRules (kube validation.Covers + compactRules)', () => {
  it.each<[string, PolicyRule[], PolicyRule[], string[]]>([
    ['everything covered by a wildcard', [r(['*'], ['*'], ['*'])], [r(['get', 'delete'], ['apps'], ['deployments'])], []],
    ['same rule', [r(['get', 'list'], [''], ['pods'])], [r(['get'], [''], ['pods'])], []],
    ['a verb missing', [r(['get'], [''], ['pods'])], [r(['get', 'list'], [''], ['pods'])], ['{APIGroups:[""], Resources:["pods"], Verbs:["list"]}']],
    ['another resource, verbs merged', [r(['get'], [''], ['pods'])], [r(['get', 'list'], [''], ['secrets'])], ['{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}']],
    ['another group', [r(['get'], [''], ['pods'])], [r(['get'], ['apps'], ['pods'])], ['{APIGroups:["apps"], Resources:["pods"], Verbs:["get"]}']],
    ['a named grant covers only that name', [r(['get'], [''], ['secrets'], ['a'])], [r(['get'], [''], ['secrets'], ['a', 'b'])], ['{APIGroups:[""], Resources:["secrets"], ResourceNames:["b"], Verbs:["get"]}']],
    ['a named grant never covers all names', [r(['get'], [''], ['secrets'], ['a'])], [r(['get'], [''], ['secrets'])], ['{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}']],
    ['*/scale covers a scale subresource', [r(['update'], ['apps'], ['*/scale'])], [r(['update'], ['apps'], ['deployments/scale'])], []],
    ['a resource list never covers *', [r(['get'], [''], ['pods'])], [r(['get'], [''], ['*'])], ['{APIGroups:[""], Resources:["*"], Verbs:["get"]}']],
    ['non-resource URLs with a prefix wildcard', [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps', '/metrics'] }], ['{NonResourceURLs:["/metrics"], Verbs:["get"]}']],
    ['sorted by printed form', [], [r(['get'], [''], ['secrets', 'configmaps'])], ['{APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}']],
  ])('%s', (_name, owner, requested, want) => {
    expect(missingRules(owner, requested).map(compactString)).toEqual(want);
  });

  it('prints kube message', () => {
    const msg = escalationMessage({ username: 'dev', groups: ['devs', 'system:authenticated'] }, [r(['get'], [''], ['secrets'])]);
    expect(msg).toBe('user "dev" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}');
  });
});
