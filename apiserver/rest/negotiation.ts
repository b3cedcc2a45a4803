import { notAcceptable } from '../errors.js';

/**
 * What representation a client asked for in its Accept header. kubectl asks for Tables
 * (`application/json;as=Table;v=v1;g=meta.k8s.io, application/json`) when it prints.
 */
export type Representation =
  | { as: 'object'; format: 'json' | 'yaml' }
  | { as: 'Table'; version: 'v1' | 'v1beta1'; includeObject: 'None' | 'Metadata' | 'Object' }
  | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1' };

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** An Accept header's media ranges, in order, with their parameters. */
export function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
      }
      return { type: type.toLowerCase(), params };
    });
}

/**
 * Picks the first representation we can serve, in the client's order (Kubernetes ignores
 * q-values too). Protobuf and CBOR are not served; a client that accepts only those gets 406.
 */
export function negotiate(accept: string | undefined, includeObject: string | undefined, allowTable: boolean): Representation {
  if (!accept) return { as: 'object', format: 'json' };
  for (const m of parseAccept(accept)) {
    const isJson = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
    if (m.params.as) {
      if (!isJson || m.params.g !== 'meta.k8s.io') continue;
      const version = m.params.v === 'v1beta1' ? 'v1beta1' : m.params.v === 'v1' ? 'v1' : null;
      if (!version) continue;
      if (m.params.as === 'Table' && allowTable) {
        const inc = includeObject === 'None' || includeObject === 'Object' ? includeObject : 'Metadata';
        return { as: 'Table', version, includeObject: inc };
      }
      if (m.params.as === 'PartialObjectMetadata' || m.params.as === 'PartialObjectMetadataList') {
        return { as: 'PartialObjectMetadata', version };
      }
      continue;
    }
    if (isJson) return { as: 'object', format: 'json' };
    if (m.type === 'application/yaml') return { as: 'object', format: 'yaml' };
  }
  throw notAcceptable('only the following media types are accepted: application/json, application/yaml');
}
