import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rootLogger } from '../../../lib/logger.js';
import { FakeClock } from '../../../lib/clock.js';
import { SPDY3_DICTIONARY } from './dictionary.js';
import {
  decodeHeaderBlock,
  encodeControl,
  encodeData,
  encodeHeaderBlock,
  encodeSynStream,
  FLAG_FIN,
  GOAWAY,
  PING,
  RST_STREAM,
  SETTINGS,
  splitFrames,
  SYN_REPLY,
  WINDOW_UPDATE,
} from './frames.js';
import { HeaderZlib } from './header-zlib.js';
import { SpdySession, type SpdyStream } from './session.js';
import { TestSpdyClient } from './testing.js';
import { spdyExecStreams, spdyPortForwardHandler, negotiateStreamProtocol, SPDY_EXEC_PROTOCOLS } from '../spdy-server.js';
import type { ExecChannels, ExecInput } from '../exec-server.js';
import type { ContainerTarget } from '../container-host.js';

const log = rootLogger.child({ test: 'spdy' });

describe('SPDY/3 header dictionary', () => {
  it('is the 1,423 bytes of the SPDY/3 draft (digest of the spec table)', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(createHash('sha256').update(SPDY3_DICTIONARY).digest('hex')).toBe('51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  });
});

describe('SPDY frames', () => {
  it('splits complete frames and keeps an incomplete tail', () => {
    const a = encodeData(1, FLAG_FIN, Buffer.from('hello'));
    const b = encodeControl(PING, 0, Buffer.from([0, 0, 0, 1]));
    const all = Buffer.concat([a, b]);
    const { frames, used } = splitFrames(all.subarray(0, all.length - 2));
    expect(used).toBe(a.length);
    expect(frames).toEqual([{ kind: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.from('hello') }]);
    const rest = splitFrames(all.subarray(used));
    expect(rest.frames).toEqual([{ kind: 'control', version: 3, type: PING, flags: 0, data: Buffer.from([0, 0, 0, 1]) }]);
  });

  it('control frames carry version 3 and the type in the first word', () => {
    const f = encodeControl(SYN_REPLY, 0, Buffer.alloc(4));
    expect(f.subarray(0, 4)).toEqual(Buffer.from([0x80, 0x03, 0x00, 0x02]));
    expect(f.readUIntBE(5, 3)).toBe(4);
  });

  it('header blocks round-trip, multiple values joined by NUL, names lowercased', () => {
    const block = encodeHeaderBlock({ StreamType: ['data'], port: ['8080'], multi: ['a', 'b'] });
    expect(decodeHeaderBlock(block)).toEqual({ streamtype: ['data'], port: ['8080'], multi: ['a', 'b'] });
  });

  it.each([
    ['too short', Buffer.from([0, 0])],
    ['a count the bytes cannot hold', Buffer.from([0, 0, 1, 0])],
    ['a truncated value', Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 1]), Buffer.from('a'), Buffer.from([0, 0, 0, 9, 0x41])])],
  ])('a malformed header block (%s) is named, not thrown', (_what, block) => {
    expect(typeof decodeHeaderBlock(block)).toBe('string');
  });
});

describe('header compression', () => {
  it('one zlib context per direction: successive blocks depend on earlier ones and still round-trip', async () => {
    const d = new HeaderZlib('deflate');
    const i = new HeaderZlib('inflate');
    const blocks = [encodeHeaderBlock({ streamtype: ['error'], port: ['80'], requestid: ['0'] }), encodeHeaderBlock({ streamtype: ['data'], port: ['80'], requestid: ['0'] })];
    const c1 = await d.run(blocks[0]!);
    const c2 = await d.run(blocks[1]!);
    // The second block reuses the first one's strings: much shorter than alone.
    expect(c2.length).toBeLessThan(c1.length);
    expect(await i.run(c1)).toEqual(blocks[0]);
    expect(await i.run(c2)).toEqual(blocks[1]);
    d.close();
    i.close();
  });

  it('garbage rejects, and the context stays failed', async () => {
    const i = new HeaderZlib('inflate');
    await expect(i.run(Buffer.from('this is not zlib'))).rejects.toThrow();
    await expect(i.run(Buffer.alloc(0))).rejects.toThrow();
  });

  it('a block that inflates beyond the bound rejects (zlib bomb)', async () => {
    const d = new HeaderZlib('deflate');
    const i = new HeaderZlib('inflate', 1024);
    const big = await d.run(encodeHeaderBlock({ x: ['a'.repeat(100_000)] }));
    expect(big.length).toBeLessThan(2000);
    await expect(i.run(big)).rejects.toThrow(/beyond 1024/);
  });
});

function session(onStream: (s: SpdyStream) => boolean | void) {
  const client = new TestSpdyClient();
  const errors: Error[] = [];
  const s = new SpdySession(client.serverSide, { onStream, onError: (e) => errors.push(e) });
  client.server = s;
  return { client, s, errors };
}

describe('SPDY session (server side)', () => {
  it('replies to a new stream before any data on it, delivers data and FIN both ways', async () => {
    const got: string[] = [];
    const { client } = session((st) => {
      expect(st.header('streamType')).toBe('stdout');
      st.write('early');
      st.on('data', (d: Buffer) => got.push(d.toString()));
      st.on('end', () => st.end('bye'));
    });
    const id = await client.open({ streamType: 'stdout' });
    client.send(id, 'hi');
    client.send(id, '', true);
    await client.settle();
    expect(got).toEqual(['hi']);
    const kinds = client.frames.map((f) => (f.kind === 'data' ? `data${f.flags & FLAG_FIN ? '+fin' : ''}` : `ctl${f.type}`));
    expect(kinds).toEqual([`ctl${SYN_REPLY}`, 'data', 'data', 'data+fin']);
    expect(client.text(id)).toBe('earlybye');
    // The reply's header block is empty (0 pairs), as the kubelet sends it.
    expect(client.replies[0]).toEqual({ streamId: id, headers: Buffer.from([0, 0, 0, 0]) });
  });

  it('a refused stream is reset; SETTINGS and WINDOW_UPDATE are ignored; client pings are echoed', async () => {
    const { client } = session(() => false);
    client.raw(encodeControl(SETTINGS, 0, Buffer.from([0, 0, 0, 0])));
    client.raw(encodeControl(WINDOW_UPDATE, 0, Buffer.from([0, 0, 0, 1, 0, 0, 1, 0])));
    const id = await client.open({ streamType: 'bogus' });
    client.ping(7);
    await client.settle();
    const ctl = client.frames.filter((f) => f.kind === 'control').map((f) => (f.kind === 'control' ? f.type : 0));
    expect(ctl).toEqual([SYN_REPLY, RST_STREAM, PING]);
    const rst = client.frames[1]!;
    expect(rst.data.readUInt32BE(0)).toBe(id);
  });

  it.each([
    ['a header block that is not zlib', () => encodeSynStream(1, 0, Buffer.from('garbage!'))],
    ['an unknown SPDY version', () => Buffer.concat([Buffer.from([0x80, 0x02, 0x00, 0x01, 0, 0, 0, 0])])],
    ['a frame announcing 16 MiB', () => Buffer.from([0x00, 0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 1, 2, 3])],
    ['a short SYN_STREAM', () => encodeControl(1, 0, Buffer.from([0, 0, 0, 1]))],
  ])('%s ends the session with GOAWAY, never a throw', async (_what, bytes) => {
    const { client, s, errors } = session(() => true);
    client.raw(bytes());
    await client.settle();
    expect(s.isClosed).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    expect(client.frames.some((f) => f.kind === 'control' && f.type === GOAWAY)).toBe(true);
  });

  it('even or repeated stream ids, and data for unknown streams, are errors on that stream only', async () => {
    const opened: number[] = [];
    const { client, s } = session((st) => void opened.push(st.id));
    await client.open({ streamType: 'a' });
    await client.open({ streamType: 'b' }, false, 4);
    await client.open({ streamType: 'c' }, false, 1);
    client.raw(encodeData(99, 0, Buffer.from('x')));
    await client.settle();
    expect(s.isClosed).toBe(false);
    expect(opened).toEqual([1]);
    const rsts = client.frames.filter((f) => f.kind === 'control' && f.type === RST_STREAM).map((f) => [f.data.readUInt32BE(0), f.data.readUInt32BE(4)]);
    expect(rsts).toEqual([
      [4, 1],
      [1, 1],
      [99, 2],
    ]);
  });

  it('close() sends GOAWAY after queued frames and ends the socket', async () => {
    const { client, s } = session((st) => void st.end('last words'));
    const id = await client.open({ streamType: 'x' });
    await client.settle();
    s.close();
    await client.settle();
    expect(client.text(id)).toBe('last words');
    const last = client.frames.at(-1)!;
    expect(last.kind === 'control' && last.type).toBe(GOAWAY);
    expect(client.serverEnded).toBe(true);
  });
});

describe('kubelet stream protocols over SPDY', () => {
  it('negotiates as httpstream.Handshake: first server protocol the client offers; none offered: legacy', () => {
    expect(negotiateStreamProtocol(['v4.channel.k8s.io', 'v3.channel.k8s.io'], SPDY_EXEC_PROTOCOLS)).toBe('v4.channel.k8s.io');
    expect(negotiateStreamProtocol([], SPDY_EXEC_PROTOCOLS)).toBe('channel.k8s.io');
    expect(negotiateStreamProtocol(['v9.channel.k8s.io'], SPDY_EXEC_PROTOCOLS)).toEqual({ error: expect.stringContaining('unable to negotiate protocol') });
  });

  function execSession(opts: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }, protocol = 'v4.channel.k8s.io') {
    const clock = new FakeClock();
    const runs: ExecChannels[] = [];
    const inputs: string[] = [];
    const handler = spdyExecStreams({
      protocol,
      opts,
      log,
      clock,
      run: (ch) => {
        runs.push(ch);
        const h: ExecInput = { stdin: (t) => inputs.push(`in:${t}`), resize: (s) => inputs.push(`size:${s.width}x${s.height}`), stdinEnd: () => inputs.push('eof'), closed: () => inputs.push('closed') };
        ch.listen(h);
      },
    });
    const client = new TestSpdyClient();
    const s: SpdySession = new SpdySession(client.serverSide, { onStream: (st) => handler(st, s) });
    client.server = s;
    return { clock, runs, inputs, client, s };
  }

  it('exec starts once error, stdin, stdout and resize (tty) are open; input, resizes and EOF reach it; status on the error stream', async () => {
    const { runs, inputs, client } = execSession({ stdin: true, stdout: true, stderr: false, tty: true });
    const err = await client.open({ streamType: 'error' });
    const stdin = await client.open({ streamType: 'stdin' });
    const stdout = await client.open({ streamType: 'stdout' });
    await client.settle();
    expect(runs).toHaveLength(0);
    const resize = await client.open({ streamType: 'resize' });
    client.send(resize, '{"Width":100,"Height":30}{"Width":');
    client.send(resize, '120,"Height":40}\n');
    client.send(stdin, 'ls\n');
    client.send(stdin, '', true);
    await client.settle();
    expect(runs).toHaveLength(1);
    expect(inputs).toEqual(['size:100x30', 'size:120x40', 'in:ls\n', 'eof']);
    runs[0]!.send('stdout', 'out');
    runs[0]!.finish('{"status":"Success"}');
    await client.settle();
    expect(client.text(stdout)).toBe('out');
    expect(client.text(err)).toBe('{"status":"Success"}');
    expect(client.fins.has(err) && client.fins.has(stdout)).toBe(true);
    expect(client.serverEnded).toBe(true);
  });

  it('a stream type not asked for, or twice, is refused; missing streams time out with a message', async () => {
    const { clock, runs, client } = execSession({ stdin: false, stdout: true, stderr: true, tty: false }, 'v3.channel.k8s.io');
    const err = await client.open({ streamType: 'error' });
    await client.open({ streamType: 'stdin' });
    await client.open({ streamType: 'error' });
    await client.settle();
    expect(client.frames.filter((f) => f.kind === 'control' && f.type === RST_STREAM)).toHaveLength(2);
    clock.advance(30_000);
    await client.settle();
    expect(runs).toHaveLength(0);
    expect(client.text(err)).toBe('timed out waiting for client to create streams: missing stdout, stderr');
  });

  const target = { pod: { metadata: { name: 'web', namespace: 'default', uid: 'u-1' } }, container: { name: 'web' }, node: 'n1', hostIP: '10.0.0.1', podIP: '100.96.0.5', startedAt: 0 } as unknown as ContainerTarget;

  it('port-forward pairs error and data streams by requestID and answers HTTP on the data stream', async () => {
    const clock = new FakeClock();
    const handler = spdyPortForwardHandler(
      { clock, logger: log, serve: async (_t, port, req) => (port === 80 ? { status: 200, body: `hello ${req.path}`, latencyMs: 0 } : undefined) },
      target,
    );
    const client = new TestSpdyClient();
    client.server = new SpdySession(client.serverSide, { onStream: handler });
    const err = await client.open({ streamType: 'error', port: '80', requestID: '0' }, true);
    const data = await client.open({ streamType: 'data', port: '80', requestID: '0' });
    client.send(data, 'GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await client.settle();
    expect(client.text(data)).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello \/x$/);
    client.send(data, '', true);
    await client.settle();
    expect(client.fins.has(data)).toBe(true);
    expect(client.fins.has(err)).toBe(true);
    expect(client.text(err)).toBe('');

    // Nothing listens on 81: the kubelet's message on the error stream.
    const err2 = await client.open({ streamType: 'error', port: '81', requestID: '1' }, true);
    const data2 = await client.open({ streamType: 'data', port: '81', requestID: '1' });
    client.send(data2, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await client.settle();
    expect(client.text(err2)).toContain('failed to connect to localhost:81 inside namespace: connection refused');
    expect(client.fins.has(data2)).toBe(true);

    // A bad port header is named on the error stream.
    const err3 = await client.open({ streamType: 'error', port: 'http', requestID: '2' }, true);
    await client.open({ streamType: 'data', port: 'http', requestID: '2' });
    await client.settle();
    expect(client.text(err3)).toBe('invalid port "http"');
  });

  it('port-forward waits out the application latency on the injected clock', async () => {
    const clock = new FakeClock();
    const handler = spdyPortForwardHandler({ clock, logger: log, serve: async () => ({ status: 200, body: 'slow', latencyMs: 250 }) }, target);
    const client = new TestSpdyClient();
    client.server = new SpdySession(client.serverSide, { onStream: handler });
    await client.open({ streamType: 'error', port: '80', requestID: '0' }, true);
    const data = await client.open({ streamType: 'data', port: '80', requestID: '0' });
    client.send(data, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.settle();
    expect(client.text(data)).toBe('');
    clock.advance(250);
    await client.settle();
    expect(client.text(data)).toMatch(/slow$/);
  });
});
