import type { KubeObject } from '../../../api/types.js';
import type { KindHooks, Registry } from '../generic-registry.js';
import { ingressClassResource } from '../../../api/networking/ingress.js';
import { defaultIngressClassName } from '../../admission/default-ingress-class.js';

/** Admission on Ingress create: kube's DefaultIngressClass plugin. */
export const ingressHooks: KindHooks = {
  async beforeCreate(obj: KubeObject, reg: Registry): Promise<void> {
    const { items } = await reg.registryFor(ingressClassResource).list(undefined);
    const name = defaultIngressClassName(obj, items);
    if (name === undefined) return;
    const ing = obj as KubeObject & { spec?: { ingressClassName?: string } };
    (ing.spec ??= {}).ingressClassName = name;
  },
};
