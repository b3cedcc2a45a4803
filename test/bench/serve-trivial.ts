import Fastify from 'fastify';
import { generateCa, generateServingCert, subjectAltNames } from '../../apiserver/auth/x509.js';

/**
 * Child-process entry of the apiserver benchmark's floor measurement: a fastify HTTPS
 * server with one route that parses a JSON body and answers 201 with a few bytes. What
 * it costs per request is what any Node HTTPS server pays before doing any work, so the
 * benchmark can say how much of an apiserver create is left for Kubernetes' own work.
 *
 * Reports `{ port, caCert }` over IPC once listening; exits when the parent goes away.
 */
if (!process.send) {
  console.error('serve-trivial is started by the apiserver benchmark (needs an IPC channel)');
  process.exit(2);
}

const now = Date.now();
const ca = generateCa(now);
const serving = generateServingCert(ca, subjectAltNames(['127.0.0.1', 'localhost']), now);
const app = Fastify({ https: { key: serving.key, cert: serving.cert }, logger: false });
app.post('/trivial', async (req, reply) => {
  const body = req.body as { metadata?: { name?: string } };
  reply.code(201);
  return { kind: 'Status', name: body.metadata?.name };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send({ port: typeof address === 'object' && address ? address.port : 0, caCert: ca.cert });
process.on('disconnect', () => void app.close().then(() => process.exit(0)));
