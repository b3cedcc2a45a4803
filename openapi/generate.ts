import { builtinResources as resources } from '../api/registry.js';
import { scaleSchema } from '../api/autoscaling/scale.js';
import { bindingSchema } from '../api/core/binding.js';
import { evictionSchema } from '../api/core/eviction.js';
import { tokenRequestSchema } from '../api/authn/index.js';
import { patchMetaFor } from '../api/patch-meta.js';
import { createDocumentSet, v3PathOf, type DocumentSet, type OpenApiIndex } from './document-set.js';
import { apiModelFrom, type ApiModel } from './model.js';
import type { JsonObject } from './schemas.js';

/**
 * The OpenAPI documents of Kubeling's own kinds (api/registry.ts), computed once per
 * process on first use. The routes serve these; openapi/generated/ holds a checked-in copy
 * that generate.test.ts compares against.
 */

export function registryModel(): ApiModel {
  return apiModelFrom(resources, {
    patchMetaFor,
    bodies: [
      { group: 'autoscaling', version: 'v1', kind: 'Scale', schema: scaleSchema },
      { group: '', version: 'v1', kind: 'Binding', schema: bindingSchema },
      { group: 'policy', version: 'v1', kind: 'Eviction', schema: evictionSchema },
      { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', schema: tokenRequestSchema },
    ],
  });
}

let documents: DocumentSet | undefined;

/** The memoized documents of the registry. */
export function registryDocuments(): DocumentSet {
  return (documents ??= createDocumentSet(registryModel));
}

/** The OpenAPI 3.0 document of one group-version (`''`, `v1` for the core group); {} when not served. */
export function generateOpenApiV3(group: string, version: string): JsonObject {
  return registryDocuments().v3(v3PathOf(group, version))?.document ?? {};
}

/** GET /openapi/v3: every group-version with its content-hashed URL. */
export function generateOpenApiV3Index(): OpenApiIndex {
  return registryDocuments().v3Index();
}

/** GET /openapi/v2: every group-version in one Swagger 2.0 document. */
export function generateOpenApiV2(): JsonObject {
  return registryDocuments().v2().document;
}
