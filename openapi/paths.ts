import { kindId, listId } from './components.js';
import { hasVerb, type Gvk, type ServedKind, type SubresourceSpec } from './model.js';
import { META_V1, operationId, tagOf, type OperationVerb } from './names.js';
import {
  deleteCollectionParams,
  deleteParams,
  listParams,
  params,
  patchParams,
  writeParams,
  type ParamSpec,
} from './parameters.js';

/**
 * The REST paths and operations of a kind, format-neutral (v3-document.ts and
 * v2-document.ts render them). Mirrors kube-apiserver's routes: collection, item,
 * cluster-wide list of namespaced kinds, and one path per subresource.
 */

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

export interface OperationSpec {
  method: Method;
  operationId: string;
  description: string;
  tag: string;
  /** x-kubernetes-action: get, list, post, put, patch, delete, deletecollection. */
  action: string;
  gvk: Gvk;
  params: ParamSpec[];
  /** Request body: a definition id; `patch` bodies accept the four patch content types. */
  body?: { id: string; patch?: boolean; required: boolean };
  /** Status code → definition id of the answer. */
  responses: Record<string, string>;
  /** Lists can also be streamed as watch events. */
  streams?: boolean;
}

export interface PathSpec {
  path: string;
  /** Parameters shared by every operation of the path (Kubernetes puts name, namespace, pretty here). */
  params: ParamSpec[];
  operations: OperationSpec[];
}

const STATUS = `${META_V1}.Status`;
const DELETE_OPTIONS = `${META_V1}.DeleteOptions`;
const PATCH = `${META_V1}.Patch`;

export function apiPrefix(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

interface OpContext {
  kind: ServedKind;
  tag: string;
  namespaced: boolean;
  subresource?: string;
}

function op(
  ctx: OpContext,
  verb: OperationVerb,
  rest: Omit<OperationSpec, 'operationId' | 'tag' | 'gvk' | 'description'> & { gvk?: Gvk; description: string },
): OperationSpec {
  const { gvk, ...others } = rest;
  return {
    ...others,
    operationId: operationId({
      verb,
      group: ctx.kind.group,
      version: ctx.kind.version,
      kind: ctx.kind.kind,
      namespaced: ctx.namespaced,
      subresource: ctx.subresource,
    }),
    tag: ctx.tag,
    gvk: gvk ?? { group: ctx.kind.group, version: ctx.kind.version, kind: ctx.kind.kind },
  };
}

function collectionPath(k: ServedKind, base: string, ctx: OpContext): PathSpec {
  const ops: OperationSpec[] = [];
  const self = kindId(k);
  if (hasVerb(k.verbs, 'list')) {
    ops.push(
      op(ctx, 'list', {
        method: 'get',
        action: 'list',
        description: `list or watch objects of kind ${k.kind}`,
        params: listParams,
        responses: { '200': listId(k) },
        streams: true,
      }),
    );
  }
  if (hasVerb(k.verbs, 'create')) {
    ops.push(
      op(ctx, 'create', {
        method: 'post',
        action: 'post',
        description: `create a ${k.kind}`,
        params: writeParams,
        body: { id: self, required: true },
        responses: { '200': self, '201': self, '202': self },
      }),
    );
  }
  if (hasVerb(k.verbs, 'deletecollection')) {
    ops.push(
      op(ctx, 'deletecollection', {
        method: 'delete',
        action: 'deletecollection',
        description: `delete collection of ${k.kind}`,
        params: deleteCollectionParams,
        body: { id: DELETE_OPTIONS, required: false },
        responses: { '200': STATUS },
      }),
    );
  }
  return { path: base, params: [...(ctx.namespaced ? [params.namespace] : []), params.pretty], operations: ops };
}

function itemPath(k: ServedKind, base: string, ctx: OpContext): PathSpec {
  const ops: OperationSpec[] = [];
  const self = kindId(k);
  if (hasVerb(k.verbs, 'get')) {
    ops.push(op(ctx, 'read', { method: 'get', action: 'get', description: `read the specified ${k.kind}`, params: [], responses: { '200': self } }));
  }
  if (hasVerb(k.verbs, 'update')) {
    ops.push(
      op(ctx, 'replace', {
        method: 'put',
        action: 'put',
        description: `replace the specified ${k.kind}`,
        params: writeParams,
        body: { id: self, required: true },
        responses: { '200': self, '201': self },
      }),
    );
  }
  if (hasVerb(k.verbs, 'patch')) {
    ops.push(
      op(ctx, 'patch', {
        method: 'patch',
        action: 'patch',
        description: `partially update the specified ${k.kind}`,
        params: patchParams,
        body: { id: PATCH, patch: true, required: true },
        responses: { '200': self, '201': self },
      }),
    );
  }
  if (hasVerb(k.verbs, 'delete')) {
    ops.push(
      op(ctx, 'delete', {
        method: 'delete',
        action: 'delete',
        description: `delete a ${k.kind}`,
        params: deleteParams,
        body: { id: DELETE_OPTIONS, required: false },
        responses: { '200': STATUS, '202': STATUS },
      }),
    );
  }
  return { path: `${base}/{name}`, params: itemParams(ctx.namespaced), operations: ops };
}

const itemParams = (namespaced: boolean): ParamSpec[] => [params.name, ...(namespaced ? [params.namespace] : []), params.pretty];

function subresourcePath(k: ServedKind, base: string, sub: SubresourceSpec, ctx: OpContext): PathSpec {
  const sctx: OpContext = { ...ctx, subresource: sub.name };
  const body = kindId(sub.body);
  const gvk = sub.body;
  const ops: OperationSpec[] = [];
  const of = sub.name === 'binding' || sub.name === 'eviction' ? `of a ${k.kind}` : `of the specified ${k.kind}`;
  if (sub.verbs.includes('get')) {
    ops.push(op(sctx, 'read', { method: 'get', action: 'get', gvk, description: `read ${sub.name} ${of}`, params: [], responses: { '200': body } }));
  }
  if (sub.verbs.includes('create')) {
    ops.push(
      op(sctx, 'create', {
        method: 'post',
        action: 'post',
        gvk,
        description: `create ${sub.name} ${of}`,
        params: writeParams,
        body: { id: body, required: true },
        responses: { '200': body, '201': body, '202': body },
      }),
    );
  }
  if (sub.verbs.includes('update')) {
    ops.push(
      op(sctx, 'replace', {
        method: 'put',
        action: 'put',
        gvk,
        description: `replace ${sub.name} ${of}`,
        params: writeParams,
        body: { id: body, required: true },
        responses: { '200': body, '201': body },
      }),
    );
  }
  if (sub.verbs.includes('patch')) {
    ops.push(
      op(sctx, 'patch', {
        method: 'patch',
        action: 'patch',
        gvk,
        description: `partially update ${sub.name} ${of}`,
        params: patchParams,
        body: { id: PATCH, patch: true, required: true },
        responses: { '200': body, '201': body },
      }),
    );
  }
  return { path: `${base}/{name}/${sub.name}`, params: itemParams(ctx.namespaced), operations: ops };
}

/** Every path of one served kind. Paths with no operation are left out. */
export function pathsFor(k: ServedKind): PathSpec[] {
  const prefix = apiPrefix(k.group, k.version);
  const tag = tagOf(k.group, k.version);
  const base = k.namespaced ? `${prefix}/namespaces/{namespace}/${k.plural}` : `${prefix}/${k.plural}`;
  const ctx: OpContext = { kind: k, tag, namespaced: k.namespaced };
  const out: PathSpec[] = [collectionPath(k, base, ctx), itemPath(k, base, ctx)];
  for (const sub of k.subresources) out.push(subresourcePath(k, base, sub, ctx));
  if (k.namespaced && hasVerb(k.verbs, 'list')) {
    // The cluster-wide list. kubectl explain finds a resource's kind through the GVK of
    // this path's GET, for namespaced and cluster-scoped kinds alike.
    const listAll: OperationSpec = {
      method: 'get',
      operationId: operationId({ verb: 'list', group: k.group, version: k.version, kind: k.kind, namespaced: false, forAllNamespaces: true }),
      description: `list or watch objects of kind ${k.kind}`,
      tag,
      action: 'list',
      gvk: { group: k.group, version: k.version, kind: k.kind },
      params: [],
      responses: { '200': listId(k) },
      streams: true,
    };
    out.push({ path: `${prefix}/${k.plural}`, params: [...listParams, params.pretty], operations: [listAll] });
  }
  return out.filter((p) => p.operations.length > 0);
}
