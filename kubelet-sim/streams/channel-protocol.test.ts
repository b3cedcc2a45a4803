import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, EXEC_PROTOCOLS, exitStatusFrame, negotiate, offeredProtocols, parseResize, portPrefix, PORTFORWARD_PROTOCOLS } from './channel-protocol.js';

const p = (name: string) => EXEC_PROTOCOLS.find((x) => x.name === name)!;

describe('negotiate', () => {
  it.each([
    ['kubectl 1.30+', 'v5.channel.k8s.io, v4.channel.k8s.io', 'v5.channel.k8s.io'],
    ['client-node (v4 first)', 'v4.channel.k8s.io', 'v4.channel.k8s.io'],
    ['base64 v4', 'v4.base64.channel.k8s.io', 'v4.base64.channel.k8s.io'],
    ['the server prefers v5 whatever the order', 'v4.channel.k8s.io,v5.channel.k8s.io', 'v5.channel.k8s.io'],
    ['old clients', 'channel.k8s.io', 'channel.k8s.io'],
    ['nothing offered: the oldest binary protocol', '', 'channel.k8s.io'],
    ['only unknown ones', 'v9.channel.k8s.io, bogus', undefined],
  ])('%s', (_n, header, want) => {
    expect(negotiate(offeredProtocols(header), EXEC_PROTOCOLS)?.name).toBe(want);
  });

  it('port-forward answers portforward.k8s.io and v4', () => {
    expect(negotiate(['portforward.k8s.io'], PORTFORWARD_PROTOCOLS)?.name).toBe('portforward.k8s.io');
    expect(negotiate(['SPDY/3.1+portforward.k8s.io'], PORTFORWARD_PROTOCOLS)).toBeUndefined();
  });
});

describe('frames', () => {
  it('binary: channel byte then data; base64: digit then base64', () => {
    expect(encodeFrame(p('v5.channel.k8s.io'), 1, 'hi')).toEqual(Buffer.from([1, 104, 105]));
    expect(encodeFrame(p('v4.base64.channel.k8s.io'), 2, 'hi')).toBe('2aGk=');
    expect(decodeFrame(p('v4.channel.k8s.io'), Buffer.from([0, 120]), true)).toEqual({ channel: 0, data: Buffer.from('x') });
    expect(decodeFrame(p('v4.base64.channel.k8s.io'), Buffer.from('0eA=='), false)).toEqual({ channel: 0, data: Buffer.from('x') });
  });

  it.each([
    ['empty binary', 'v5.channel.k8s.io', Buffer.alloc(0), 'empty message'],
    ['base64 channel not a digit', 'v4.base64.channel.k8s.io', Buffer.from('xAAA'), 'invalid channel "x"'],
    ['bad base64', 'v4.base64.channel.k8s.io', Buffer.from('0!!!'), 'invalid base64 data'],
  ])('malformed: %s', (_n, proto, msg, want) => {
    expect(decodeFrame(p(proto), msg, true)).toBe(want);
  });

  it('resize: {Width, Height} or nothing', () => {
    expect(parseResize(Buffer.from('{"Width":120,"Height":40}'))).toEqual({ width: 120, height: 40 });
    expect(parseResize(Buffer.from('{"Width":-1,"Height":40}'))).toBeUndefined();
    expect(parseResize(Buffer.from('nope'))).toBeUndefined();
  });

  it('port prefix is little-endian', () => {
    expect(portPrefix(8080)).toEqual(Buffer.from([0x90, 0x1f]));
  });
});

describe('exit status on channel 3', () => {
  it('v4+: Success, or NonZeroExitCode with the ExitCode cause kubectl reads', () => {
    expect(JSON.parse(exitStatusFrame(p('v5.channel.k8s.io'), 0, ['echo'])!)).toEqual({ metadata: {}, status: 'Success' });
    expect(JSON.parse(exitStatusFrame(p('v4.channel.k8s.io'), 3, ['sh', '-c', 'exit 3'])!)).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('v1-v3: nothing on success, a plain message otherwise', () => {
    expect(exitStatusFrame(p('channel.k8s.io'), 0, ['true'])).toBeUndefined();
    expect(exitStatusFrame(p('v3.channel.k8s.io'), 1, ['false'])).toBe('command terminated with non-zero exit code: error executing command [false], exit code 1');
  });
});
