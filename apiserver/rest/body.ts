import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { badRequest } from './errors.js';
import { decodeProtobufBody, isProtobufContentType, ProtobufDecodeError } from '../protobuf/index.js';

/** The largest request body kube-apiserver takes: 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * Parses a request body by its Content-Type: JSON, or YAML (kubectl sends JSON; other
 * clients and `apply --server-side` send YAML). Malformed bodies are 400, never 500.
 */
export function parseBody(raw: unknown, contentType: string | undefined): unknown {
  if (isProtobufContentType(contentType)) {
    try {
      return decodeProtobufBody(raw);
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw badRequest(`the body of the request could not be decoded: ${err.message}`);
      throw err;
    }
  }
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : raw === undefined ? '' : null;
  if (text === null) return raw;
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (type.endsWith('yaml')) return parseYamlBody(text);
  try {
    return JSON.parse(text);
  } catch (err) {
    // Kubernetes accepts YAML wherever it accepts JSON when the body is not JSON.
    if (!type.endsWith('json')) return parseYamlBody(text);
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function parseYamlBody(text: string): unknown {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const errors = list.flatMap((d) => d.errors);
  if (errors.length > 0) throw badRequest(`error converting YAML to JSON: ${errors[0].message.split('\n')[0]}`);
  if (list.length !== 1) throw badRequest('error converting YAML to JSON: expected exactly one YAML document');
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}
