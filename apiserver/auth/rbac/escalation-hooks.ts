import type { PolicyRule, RoleRef } from '../../../api/rbac/index.js';
import type { KubeObject } from '../../../api/types.js';
import type { KindHooks } from '../../registry/generic-registry.js';
import { forbidden } from '../../errors.js';
import { currentUser } from '../request-user.js';
import { PRIVILEGED_GROUP, type Authorizer } from './authorizer.js';
import { escalationMessage, missingRules } from './escalation.js';

/**
 * The write-path half of RBAC escalation prevention (kube's policybased role and binding
 * storage): on create and on update of Roles, ClusterRoles and their bindings, a user who
 * is not in system:masters and lacks `escalate` (roles) or `bind` (bindings) on the role
 * must already hold every permission granted. Updates that change neither rules nor
 * roleRef/subjects pass. Writes without a request user (internal, GraphQL) are not checked.
 */

const RBAC = 'rbac.authorization.k8s.io';

interface RoleLike extends KubeObject {
  rules?: PolicyRule[] | null;
  aggregationRule?: unknown;
}
interface BindingLike extends KubeObject {
  roleRef?: RoleRef;
  subjects?: unknown[] | null;
}

export function roleEscalationHooks(kind: 'Role' | 'ClusterRole', authorizer: Authorizer): KindHooks {
  const plural = kind === 'Role' ? 'roles' : 'clusterroles';
  const check = async (obj: KubeObject) => {
    const user = currentUser();
    if (!user || user.groups.includes(PRIVILEGED_GROUP)) return;
    const namespace = obj.metadata.namespace || undefined;
    const escalate = await authorizer.authorize(user, { kind: 'resource', verb: 'escalate', group: RBAC, resource: plural, namespace, name: obj.metadata.name });
    if (escalate.allowed) return;
    const missing = missingRules(await authorizer.rulesFor(user, namespace), (obj as RoleLike).rules ?? []);
    if (missing.length > 0) {
      throw forbidden(`${plural}.${RBAC} "${obj.metadata.name ?? ''}" is forbidden: ${escalationMessage(user, missing)}`, { name: obj.metadata.name, group: RBAC, kind: plural });
    }
  };
  return {
    beforeCreate: (obj) => check(obj),
    beforeUpdate: async (obj, old) => {
      if (JSON.stringify((obj as RoleLike).rules ?? []) === JSON.stringify((old as RoleLike).rules ?? [])) return;
      await check(obj);
    },
  };
}

export function bindingEscalationHooks(kind: 'RoleBinding' | 'ClusterRoleBinding', authorizer: Authorizer): KindHooks {
  const plural = kind === 'RoleBinding' ? 'rolebindings' : 'clusterrolebindings';
  const check = async (obj: KubeObject) => {
    const user = currentUser();
    if (!user || user.groups.includes(PRIVILEGED_GROUP)) return;
    const ref = (obj as BindingLike).roleRef;
    if (!ref?.name) return; // validation answers a missing roleRef
    const namespace = obj.metadata.namespace || undefined;
    const roleResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
    const bind = await authorizer.authorize(user, { kind: 'resource', verb: 'bind', group: RBAC, resource: roleResource, namespace, name: ref.name });
    if (bind.allowed) return;
    const granted = await authorizer.roleRefRules(ref, namespace);
    const missing = missingRules(await authorizer.rulesFor(user, namespace), granted);
    if (missing.length > 0) {
      throw forbidden(`${plural}.${RBAC} "${obj.metadata.name ?? ''}" is forbidden: ${escalationMessage(user, missing)}`, { name: obj.metadata.name, group: RBAC, kind: plural });
    }
  };
  return {
    beforeCreate: (obj) => check(obj),
    beforeUpdate: async (obj, old) => {
      const same = (o: KubeObject) => JSON.stringify([(o as BindingLike).roleRef, (o as BindingLike).subjects ?? []]);
      if (same(obj) === same(old)) return;
      await check(obj);
    },
  };
}
