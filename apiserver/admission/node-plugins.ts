import type { ResourceType } from '../../api/types.js';
import type { AdmissionAttributes, AdmissionHook } from './attributes.js';

/**
 * The compiled-in admission plugins (NodeRestriction…) ahead of the dynamic chain
 * (webhooks, policies), as kube-apiserver orders them: each plugin's admit runs before
 * the mutating webhooks and its validate before the validating ones. A plugin whose
 * `active(rt)` is false costs nothing for that kind.
 */
export function withBuiltinPlugins(builtins: readonly AdmissionHook[], dynamic: AdmissionHook | undefined): AdmissionHook | undefined {
  if (builtins.length === 0) return dynamic;
  const concerned = (rt: ResourceType) => builtins.filter((b) => b.active(rt));
  return {
    active: (rt) => concerned(rt).length > 0 || (dynamic?.active(rt) ?? false),
    async admit(attrs: AdmissionAttributes) {
      let object = attrs.object;
      for (const b of concerned(attrs.rt)) object = (await b.admit({ ...attrs, object })) ?? object;
      if (dynamic?.active(attrs.rt)) object = (await dynamic.admit({ ...attrs, object })) ?? object;
      return object;
    },
    async validate(attrs: AdmissionAttributes) {
      for (const b of concerned(attrs.rt)) await b.validate(attrs);
      if (dynamic?.active(attrs.rt)) await dynamic.validate(attrs);
    },
    ...(dynamic?.observe ? { observe: dynamic.observe.bind(dynamic) } : {}),
  };
}
