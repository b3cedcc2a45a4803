import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateCa, generateServingCert, subjectAltNames, type PemPair } from '../../apiserver/auth/x509.js';

/**
 * An admission webhook served by a test on loopback over HTTPS, with its own CA. The
 * handler gets each AdmissionReview and returns what to answer: an object (sent as
 * JSON), a string (sent raw), or 'hang' (never answered, for timeouts).
 */

export type WebhookAnswer = Record<string, unknown> | string | 'hang';
export type WebhookHandler = (review: any, path: string) => WebhookAnswer | Promise<WebhookAnswer>;

export interface TestWebhookServer {
  url: string;
  port: number;
  /** base64 of the CA's PEM: a clientConfig.caBundle. */
  caBundle: string;
  ca: PemPair;
  /** Every AdmissionReview received, in order. */
  reviews: any[];
  handle(handler: WebhookHandler): void;
  close(): Promise<void>;
}

let sharedCa: PemPair | undefined;

/** A CA made once per process (RSA key generation is slow on a shared machine). */
export function testCa(): PemPair {
  sharedCa ??= generateCa(Date.now(), 'webhook-test-ca');
  return sharedCa;
}

export async function startWebhookServer(opts: { hosts?: string[]; ca?: PemPair } = {}): Promise<TestWebhookServer> {
  const ca = opts.ca ?? testCa();
  const serving = generateServingCert(ca, subjectAltNames(opts.hosts ?? []), Date.now());
  let handler: WebhookHandler = (review) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } });
  const reviews: any[] = [];
  const hung = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer({ key: serving.key, cert: serving.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let review: any;
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end('bad json');
        return;
      }
      reviews.push(review);
      const answer = await handler(review, req.url ?? '/');
      if (answer === 'hang') {
        hung.add(res);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caBundle: Buffer.from(ca.cert).toString('base64'),
    ca,
    reviews,
    handle(h) {
      handler = h;
    },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An allowing answer to a review, with extra response fields. */
export function allow(review: any, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true, ...extra } };
}

/** A refusal. */
export function deny(review: any, status: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: false, status } };
}

/** A JSON patch answer. */
export function patch(review: any, ops: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return allow(review, { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64'), ...extra });
}
