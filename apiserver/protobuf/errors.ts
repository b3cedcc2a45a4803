/**
 * The one error type of the protobuf decoder. The REST layer turns it into a 400 Status,
 * wrapping `message` the way kube-apiserver wraps a decode failure
 * (`<Kind> in version "<v>" cannot be handled as a <Kind>: <message>`).
 *
 * `message` uses the wording of apimachinery's protobuf serializer and gogo-protobuf's
 * generated unmarshalers, so clients see the text a real apiserver would send.
 */
export type ProtobufDecodeErrorCode =
  /** The body does not start with the `k8s\0` magic. */
  | 'BadPrefix'
  /** Truncated or corrupt wire data (bad varint, length past the end, wrong wire type). */
  | 'Malformed'
  /** The runtime.Unknown envelope names no kind. */
  | 'MissingKind'
  /** A kind (or group/version) we have no message descriptor for. */
  | 'UnknownKind';

export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';

  constructor(
    readonly code: ProtobufDecodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function malformed(message: string): ProtobufDecodeError {
  return new ProtobufDecodeError('Malformed', message);
}
