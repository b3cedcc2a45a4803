import { decodeMessage } from './decode-message.js';
import { malformed, ProtobufDecodeError } from './errors.js';
import { messageRegistry, rootMessageFor } from './kinds.js';
import { WireReader, WireType } from './wire-reader.js';

/**
 * Entry point of the protobuf request decoder: `application/vnd.kubernetes.protobuf`
 * bodies, as kubectl 1.32+ sends them for `create <generator>` and `autoscale`.
 *
 * Wire format (apimachinery runtime/serializer/protobuf): the 4-byte magic `k8s\0`, then a
 * runtime.Unknown message {typeMeta {apiVersion, kind}, raw, contentEncoding, contentType}
 * whose `raw` is the object's own protobuf message (without TypeMeta).
 */

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface DecodedProtobufObject {
  apiVersion: string;
  kind: string;
  /** The JSON kubectl would have sent: apiVersion and kind first, then the object's fields. */
  object: Record<string, unknown>;
}

/** True for `application/vnd.kubernetes.protobuf` (parameters ignored). */
export function isProtobufContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
}

/**
 * Decodes a protobuf request body into the JSON-shaped object the REST layer handles.
 * Throws ProtobufDecodeError (never anything else) on any malformed or unknown input.
 */
export function decodeProtobufObject(body: Uint8Array): DecodedProtobufObject {
  try {
    return decodeEnvelope(body);
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw err;
    // A RangeError or similar from hostile input: still the client's fault.
    throw malformed(err instanceof Error ? err.message : String(err));
  }
}

/**
 * For the REST layer's parseBody: the object from a raw protobuf request body, which
 * fastify must hand over as a Buffer (a content-type parser with `parseAs: 'buffer'`): a
 * body read as a utf-8 string has already lost bytes and cannot be decoded.
 */
export function decodeProtobufBody(raw: unknown): Record<string, unknown> {
  if (raw instanceof Uint8Array) return decodeProtobufObject(raw).object;
  if (raw === undefined || raw === null || raw === '') return decodeProtobufObject(new Uint8Array(0)).object;
  throw malformed('the protobuf request body was not read as bytes');
}

function decodeEnvelope(body: Uint8Array): DecodedProtobufObject {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufDecodeError(
      'BadPrefix',
      `provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`,
    );
  }
  const unknown = readUnknown(body.subarray(MAGIC.length));
  if (unknown.kind === '') throw new ProtobufDecodeError('MissingKind', "Object 'Kind' is missing in protobuf body");
  const root = rootMessageFor(unknown.apiVersion, unknown.kind);
  if (!root) {
    throw new ProtobufDecodeError('UnknownKind', `no kind "${unknown.kind}" is registered for version "${unknown.apiVersion}"`);
  }
  const fields = decodeMessage(messageRegistry, root, unknown.raw);
  return {
    apiVersion: unknown.apiVersion,
    kind: unknown.kind,
    object: { apiVersion: unknown.apiVersion, kind: unknown.kind, ...fields },
  };
}

interface Unknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

/** runtime.Unknown {1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}. */
function readUnknown(data: Uint8Array): Unknown {
  const out: Unknown = { apiVersion: '', kind: '', raw: new Uint8Array(0) };
  const r = new WireReader(data);
  while (!r.done) {
    const { fieldNumber, wireType } = r.readTag();
    if ((fieldNumber === 1 || fieldNumber === 2) && wireType !== WireType.LengthDelimited) {
      throw malformed(`proto: wrong wireType = ${wireType} for field ${fieldNumber === 1 ? 'TypeMeta' : 'Raw'}`);
    }
    if (fieldNumber === 1) {
      const tm = new WireReader(r.readBytes());
      while (!tm.done) {
        const tag = tm.readTag();
        if ((tag.fieldNumber === 1 || tag.fieldNumber === 2) && tag.wireType === WireType.LengthDelimited) {
          const s = Buffer.from(tm.readBytes()).toString('utf8');
          if (tag.fieldNumber === 1) out.apiVersion = s;
          else out.kind = s;
        } else tm.skip(tag.wireType);
      }
    } else if (fieldNumber === 2) out.raw = r.readBytes();
    else r.skip(wireType);
  }
  return out;
}
