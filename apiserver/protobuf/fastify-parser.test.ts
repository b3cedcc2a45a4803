import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeProtobufBody, PROTOBUF_MEDIA_TYPE } from './decode.js';
import { ProtobufDecodeError } from './errors.js';
import { bf, entry, envelope, mf, vf } from './test-wire.js';

/**
 * Proves the integration the REST layer needs (apiserver/app.ts and rest/body.ts are the
 * lead's): with apiserver/app.ts's catch-all utf-8 string parser alone, a protobuf body
 * is corrupted before any handler sees it; registering PROTOBUF_MEDIA_TYPE with
 * `parseAs: 'buffer'` next to it delivers the exact bytes, which decodeProtobufBody turns
 * into the JSON object.
 */

const MAX = 3 * 1024 * 1024;

/** A ConfigMap body with bytes that are not valid utf-8 (binaryData, varint 300). */
const BODY = envelope(
  'v1',
  'ConfigMap',
  mf(1, bf(1, 'cm'), bf(3, 'default'), vf(7, 300), mf(8)),
  entry(2, 'a', 'b'),
  entry(3, 'bin', Uint8Array.of(0xff, 0xfe, 0x00, 0x80)),
);

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(withProtobufParser: boolean): Promise<FastifyInstance> {
  const a = Fastify({ bodyLimit: MAX });
  a.removeAllContentTypeParsers();
  a.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX }, (_req, body, done) => done(null, body));
  if (withProtobufParser) {
    a.addContentTypeParser(PROTOBUF_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: MAX }, (_req, body, done) => done(null, body));
  }
  a.post('/echo', async (req) => {
    const bodyType = Buffer.isBuffer(req.body) ? 'buffer' : typeof req.body;
    // Whether the bytes survived: a utf-8 string cannot give back invalid sequences.
    const sameBytes = Buffer.isBuffer(req.body) ? req.body.equals(BODY) : Buffer.from(String(req.body), 'utf8').equals(BODY);
    try {
      return { bodyType, sameBytes, object: decodeProtobufBody(req.body) };
    } catch (err) {
      if (err instanceof ProtobufDecodeError) return { bodyType, sameBytes, error: err.code };
      throw err;
    }
  });
  await a.ready();
  return a;
}

describe('fastify content-type parser for protobuf bodies', () => {
  it.each([PROTOBUF_MEDIA_TYPE, `${PROTOBUF_MEDIA_TYPE}; charset=binary`])('with the buffer parser, %s decodes', async (contentType) => {
    app = await build(true);
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': contentType }, payload: BODY });
    expect(res.json()).toEqual({
      bodyType: 'buffer',
      sameBytes: true,
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm', namespace: 'default', generation: 300, creationTimestamp: null },
        data: { a: 'b' },
        binaryData: { bin: '//4AgA==' },
      },
    });
  });

  it('with only the catch-all string parser, the body arrives corrupted', async () => {
    app = await build(false);
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': PROTOBUF_MEDIA_TYPE }, payload: BODY });
    expect(res.json()).toEqual({ bodyType: 'string', sameBytes: false, error: 'Malformed' });
  });

  it('JSON bodies still reach the catch-all string parser', async () => {
    app = await build(true);
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(res.json()).toMatchObject({ bodyType: 'string', error: 'Malformed' });
  });
});
