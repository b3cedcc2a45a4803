import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SANS, generateCa, generateServingCert, type PemPair } from '../apiserver/auth/x509.js';
import type { ApiError } from './api-error.js';
import { createRestClient } from './rest-client.js';
import type { ResourceRef } from './resource.js';

const nodes: ResourceRef = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };

let server: https.Server;
let ca: PemPair;
let url: string;
let connections = 0;

beforeAll(async () => {
  ca = generateCa(Date.now());
  const serving = generateServingCert(ca, DEFAULT_SANS, Date.now());
  server = https.createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
    });
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('rest client over HTTPS', () => {
  it('verifies the server against caCert and reuses one keep-alive connection', async () => {
    const client = createRestClient({ server: url, caCert: ca.cert, token: 't' });
    const before = connections;
    for (let i = 0; i < 3; i++) expect((await client.list(nodes)).metadata.resourceVersion).toBe('1');
    expect(connections - before).toBe(1);
    client.close();
  });

  it('refuses a server its CA did not sign (a retriable code-0 error)', async () => {
    const client = createRestClient({ server: url });
    const err = (await client.list(nodes).catch((e) => e)) as ApiError;
    expect([err.code, err.reason]).toEqual([0, 'ServiceUnavailable']);
    expect(err.message).toMatch(/certificate/i);
    client.close();
  });
});
