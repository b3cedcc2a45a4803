import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import YAML from 'yaml';
import { useClusterWithComponents, waitUntil } from '../e2e/cluster-with-components.js';
import { Prng } from './prng.js';

/**
 * Nobody may crash the apiserver or the kubelet-sim with a malformed exec, attach or
 * port-forward request: bad upgrade headers, unknown subprotocols, missing container or
 * command, garbage and oversized frames after the upgrade, connections cut mid-way. Each
 * raw request must get an HTTP answer (a Status for the apiserver), and afterwards both
 * still serve a real exec.
 */
const cluster = useClusterWithComponents({ nodes: 1 });

interface Conn {
  server: string;
  host: string;
  port: number;
  ca: Buffer;
  token: string;
}

function conn(): Conn {
  const kc = YAML.parse(readFileSync(cluster().kubeconfigPath, 'utf8')) as { clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>; users: Array<{ user: { token: string } }> };
  const server = kc.clusters[0]!.cluster.server;
  const u = new URL(server);
  return { server, host: u.hostname, port: Number(u.port), ca: Buffer.from(kc.clusters[0]!.cluster['certificate-authority-data'], 'base64'), token: kc.users[0]!.user.token };
}

/** Sends raw bytes and returns the first line of the answer ('' when the peer closed without one). */
function rawRequest(open: () => net.Socket, text: string | Buffer, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = open();
    let got = '';
    const done = () => {
      socket.destroy();
      resolve(got.split('\r\n')[0] ?? '');
    };
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(text);
    setTimeout(done, waitMs);
  });
}

const POD = 'fz';
const EXEC = `/api/v1/namespaces/default/pods/${POD}/exec`;

function upgradeRequest(c: Conn, path: string, headers: Record<string, string>): string {
  let text = `GET ${path} HTTP/1.1\r\nHost: ${c.host}:${c.port}\r\nAuthorization: Bearer ${c.token}\r\n`;
  for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
  return `${text}\r\n`;
}

const WS = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };

async function execEcho(c: Conn): Promise<string> {
  const ws = new WebSocket(`${c.server.replace('https', 'wss')}${EXEC}?command=echo&command=alive&stdout=true`, ['v5.channel.k8s.io'], { ca: c.ca, headers: { Authorization: `Bearer ${c.token}` } });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (d: Buffer) => {
      if (d[0] === 1) out += d.subarray(1).toString();
    });
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
  return out;
}

describe('fuzzing the exec endpoints', () => {
  it('starts a pod', async () => {
    const res = await cluster().kubectl(['run', POD, '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
    expect(res.code).toBe(0);
    await waitUntil(async () => (await cluster().kubectl(['get', 'pod', POD, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 'pod Running', 20_000);
    expect(await execEcho(conn())).toBe('alive\n');
  });

  it('answers malformed upgrade requests to the apiserver with a Status', async () => {
    const c = conn();
    const open = () => tls.connect({ host: c.host, port: c.port, ca: c.ca, servername: 'localhost', rejectUnauthorized: false });
    const cases: Array<[string, string, Record<string, string>, RegExp]> = [
      ['no Upgrade header', `${EXEC}?command=ls&stdout=1`, {}, /^HTTP\/1\.1 400/],
      ['websocket without key', `${EXEC}?command=ls&stdout=1`, { Connection: 'Upgrade', Upgrade: 'websocket' }, /^HTTP\/1\.1 400/],
      ['unknown subprotocol', `${EXEC}?command=ls&stdout=1`, { ...WS, 'Sec-WebSocket-Protocol': 'v9.channel.k8s.io, bogus' }, /^HTTP\/1\.1 400/],
      ['SPDY', `${EXEC}?command=ls&stdout=1`, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' }, /^HTTP\/1\.1 101/],
      ['SPDY, unknown stream protocol', `${EXEC}?command=ls&stdout=1`, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v9.channel.k8s.io' }, /^HTTP\/1\.1 403/],
      ['SPDY/2', `${EXEC}?command=ls&stdout=1`, { Connection: 'Upgrade', Upgrade: 'SPDY/2', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' }, /^HTTP\/1\.1 400/],
      ['SPDY, no stream asked', `${EXEC}?command=ls`, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' }, /^HTTP\/1\.1 400/],
      ['SPDY port-forward tunnel, pod missing', `/api/v1/namespaces/default/pods/nosuch/portforward`, { ...WS, 'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io' }, /^HTTP\/1\.1 404/],
      ['another upgrade', `${EXEC}?command=ls&stdout=1`, { Connection: 'Upgrade', Upgrade: 'h2c' }, /^HTTP\/1\.1 400/],
      ['command absent', `${EXEC}?stdout=1`, WS, /^HTTP\/1\.1 400/],
      ['no stream asked', `${EXEC}?command=ls`, WS, /^HTTP\/1\.1 400/],
      ['missing container', `${EXEC}?command=ls&stdout=1&container=nope`, WS, /^HTTP\/1\.1 400/],
      ['missing pod', `/api/v1/namespaces/default/pods/nosuch/exec?command=ls&stdout=1`, WS, /^HTTP\/1\.1 404/],
      ['bad escape', `${EXEC}?command=%zz&stdout=1`, WS, /^HTTP\/1\.1 (101|400)/],
      ['huge query', `${EXEC}?command=${'a'.repeat(60_000)}&stdout=1`, WS, /^HTTP\/1\.1 (101|4\d\d)/],
      ['attach with no stream', `/api/v1/namespaces/default/pods/${POD}/attach`, WS, /^HTTP\/1\.1 400/],
      ['port-forward, no port', `/api/v1/namespaces/default/pods/${POD}/portforward`, { ...WS, 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io' }, /^HTTP\/1\.1 400/],
      ['port-forward, bad port', `/api/v1/namespaces/default/pods/${POD}/portforward?ports=99999`, { ...WS, 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io' }, /^HTTP\/1\.1 400/],
    ];
    for (const [name, path, headers, want] of cases) {
      const line = await rawRequest(open, upgradeRequest(c, path, headers));
      expect(line, name).toMatch(want);
    }
    // A handshake cut half-way.
    await rawRequest(open, `GET ${EXEC}?command=ls&stdout=1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n`, 300);
  });

  it('survives garbage and oversized frames after the upgrade', async () => {
    const c = conn();
    const rng = new Prng(20261206);
    for (const protocol of ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'channel.k8s.io']) {
      const ws = new WebSocket(`${c.server.replace('https', 'wss')}${EXEC}?command=sh&stdin=true&stdout=true&stderr=true`, [protocol], { ca: c.ca, headers: { Authorization: `Bearer ${c.token}` } });
      await new Promise<void>((resolve, reject) => {
        ws.on('open', () => resolve());
        ws.on('error', reject);
      });
      ws.on('error', () => undefined);
      for (let i = 0; i < 60; i++) {
        const kind = rng.int(0, 5);
        if (kind === 0) ws.send(rng.bytes(rng.int(0, 64)));
        else if (kind === 1) ws.send(rng.chars(rng.int(0, 40), 'abc0123456789+/=!{}\u00e9'));
        else if (kind === 2) ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(rng.bool() ? '{"Width":-1,"Height":"x"}' : '{nope')]));
        else if (kind === 3) ws.send(Buffer.from([255]));
        else if (kind === 4) ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('echo x $((1/0)) ${!} `\n')]));
        else ws.send(Buffer.from([rng.int(5, 254), 1, 2, 3]));
      }
      // A message over the limit closes the stream (1009), nothing else.
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      ws.send(Buffer.alloc(5 * 1024 * 1024, 0x61));
      const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
      expect(code, protocol).not.toBe(-1);
      ws.terminate();
    }
  });

  it('the kubelet-sim answers malformed requests to its own port too', async () => {
    const node = JSON.parse((await cluster().kubectl(['get', 'nodes', '-o', 'json'])).stdout) as { items: Array<{ metadata: { annotations: Record<string, string> } }> };
    const [host, port] = node.items[0]!.metadata.annotations['kubeling.io/kubelet-endpoint']!.split(':') as [string, string];
    const open = () => net.connect({ host, port: Number(port) });
    const kreq = (path: string, headers: Record<string, string>) => `GET ${path} HTTP/1.1\r\nHost: x\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    const cases: Array<[string, string, Record<string, string>, RegExp]> = [
      ['bad path escape', '/exec/default/%zz/fz?command=ls&stdout=1', WS, /^HTTP\/1\.1 400/],
      ['unknown path', '/nothing/here', WS, /^HTTP\/1\.1 404/],
      ['unknown pod', '/exec/default/nosuch/c?command=ls&stdout=1', WS, /^HTTP\/1\.1 404/],
      ['no command', `/exec/default/${POD}/${POD}?stdout=1`, WS, /^HTTP\/1\.1 400/],
      ['spdy/2', `/exec/default/${POD}/${POD}?command=ls&stdout=1`, { Connection: 'Upgrade', Upgrade: 'SPDY/2' }, /^HTTP\/1\.1 400/],
      ['spdy, no command', `/exec/default/${POD}/${POD}?stdout=1`, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' }, /^HTTP\/1\.1 400/],
      ['spdy, unknown stream protocol', `/portForward/default/${POD}`, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'nope' }, /^HTTP\/1\.1 403/],
      ['unknown protocol', `/exec/default/${POD}/${POD}?command=ls&stdout=1`, { ...WS, 'Sec-WebSocket-Protocol': 'x' }, /^HTTP\/1\.1 400/],
      ['plain GET', `/exec/default/${POD}/${POD}?command=ls&stdout=1`, {}, /^HTTP\/1\.1 400/],
    ];
    for (const [name, path, headers, want] of cases) expect(await rawRequest(open, kreq(path, headers)), name).toMatch(want);
    expect(await rawRequest(open, kreq('/healthz', {}))).toMatch(/^HTTP\/1\.1 200/);
  });

  it('survives garbage SPDY frames after a SPDY upgrade (exec and port-forward)', async () => {
    const c = conn();
    const rng = new Prng(20261207);
    const open = () => tls.connect({ host: c.host, port: c.port, ca: c.ca, servername: 'localhost', rejectUnauthorized: false });
    for (const [path, proto] of [
      [`${EXEC}?command=sh&stdin=1&stdout=1`, 'v4.channel.k8s.io'],
      [`/api/v1/namespaces/default/pods/${POD}/portforward`, 'portforward.k8s.io'],
    ] as const) {
      for (let round = 0; round < 6; round++) {
        const socket = open();
        socket.on('error', () => undefined);
        const head = await new Promise<string>((resolve) => {
          let got = '';
          socket.on('data', (d: Buffer) => {
            got += d.toString('latin1');
            if (got.includes('\r\n\r\n')) resolve(got.split('\r\n')[0]!);
          });
          socket.write(upgradeRequest(c, path, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': proto }));
          setTimeout(() => resolve(got), 5000);
        });
        expect(head).toBe('HTTP/1.1 101 Switching Protocols');
        // Control frames with random types/lengths, data frames for unknown streams, raw noise.
        const frames: Buffer[] = [];
        for (let i = 0; i < 20; i++) {
          const k = rng.int(0, 2);
          if (k === 0) frames.push(Buffer.concat([Buffer.from([0x80, 0x03, 0x00, rng.int(0, 12), 0, 0, 0, 8]), rng.bytes(8)]));
          else if (k === 1) frames.push(Buffer.concat([Buffer.from([0, 0, 0, rng.int(0, 9), 0, 0, 0, 3]), rng.bytes(3)]));
          else frames.push(rng.bytes(rng.int(1, 32)));
        }
        const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
        socket.write(Buffer.concat(frames));
        await Promise.race([closed, new Promise((r) => setTimeout(r, 300))]);
        socket.destroy();
      }
    }
  });

  it('both still serve a real exec afterwards', async () => {
    expect(await execEcho(conn())).toBe('alive\n');
    const res = await cluster().kubectl(['exec', POD, '--', 'echo', 'still']);
    expect(res).toMatchObject({ code: 0, stdout: 'still\n' });
  });
});
