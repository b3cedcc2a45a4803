export { decodeProtobufBody, decodeProtobufObject, isProtobufContentType, PROTOBUF_MEDIA_TYPE, type DecodedProtobufObject } from './decode.js';
export { ProtobufDecodeError, type ProtobufDecodeErrorCode } from './errors.js';
