import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { badRequest } from '../errors.js';
import { decodeProtobufBody, isProtobufContentType, ProtobufDecodeError } from '../protobuf/index.js';
import { goJsonSyntaxError } from '../../lib/go-json-syntax.js';

/** The largest request body kube-apiserver takes: 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * How deep a body may nest. Kubernetes objects nest a few dozen levels; the patch and
 * validation code recurses, so a hostile 10,000-level body must stop here (400), not in
 * a stack overflow.
 */
export const MAX_BODY_DEPTH = 1000;

/**
 * Parses a request body by its Content-Type: JSON, or YAML (kubectl sends JSON; other
 * clients and `apply --server-side` send YAML). Malformed bodies are 400, never 500.
 */
export function parseBody(raw: unknown, contentType: string | undefined): unknown {
  const value = parseBodyValue(raw, contentType);
  checkShape(value);
  return value;
}

function parseBodyValue(raw: unknown, contentType: string | undefined): unknown {
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
    throw badRequest(`couldn't get version/kind; json parse error: ${goJsonSyntaxError(text) ?? (err as Error).message}`);
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

/**
 * Refuses bodies nested deeper than MAX_BODY_DEPTH and YAML whose aliases make a cycle
 * (`a: &a {b: *a}`), both as 400. Iterative, so it cannot overflow itself.
 */
export function checkShape(value: unknown): void {
  const ancestors = new Set<object>();
  const stack: Array<{ node: object; depth: number; exit?: boolean }> = [];
  if (value !== null && typeof value === 'object') stack.push({ node: value, depth: 1 });
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.exit) {
      ancestors.delete(item.node);
      continue;
    }
    if (item.depth > MAX_BODY_DEPTH) throw badRequest(`the request body nests deeper than ${MAX_BODY_DEPTH} levels`);
    if (ancestors.has(item.node)) throw badRequest('error converting YAML to JSON: the document contains itself (a cyclic alias)');
    ancestors.add(item.node);
    stack.push({ node: item.node, depth: item.depth, exit: true });
    for (const child of Object.values(item.node)) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: item.depth + 1 });
    }
  }
}
