import type { Container } from '../../api/core/container.js';
import type { Pod } from '../../api/core/pod.js';
import { chooseRoute, containerListening } from '../../network/traffic-model.js';
import type { ProbeKind, ProbeOutcome } from './probe-state.js';

/**
 * What one probe or lifecycle-hook action answers in the simulation, with kubelet's
 * wording (pkg/probe/http, tcp, grpc, exec): httpGet, tcpSocket and grpc are answered by
 * the pod's traffic model (network/traffic-models.ts: which container listens on the
 * port, what status the path gets, how long it takes under load); exec runs in the
 * container's simulated shell (the caller's `exec`). Nothing is dialled.
 *
 * Simulated health: the pod annotation `kubeling.io/unhealthy` makes the app's health
 * answers fail — `true` for every probe, or a list of probe kinds (`readiness`,
 * `liveness,startup`): httpGet gets status 500, grpc NOT_SERVING, tcpSocket times out.
 * exec probes run their command as it is (change what it checks: `rm /tmp/healthy`).
 */
export const UNHEALTHY = 'kubeling.io/unhealthy';

/** Whether the annotation fails this kind of probe (hooks: never). */
export function unhealthyFor(pod: Pod, kind: ProbeKind | undefined): boolean {
  const v = pod.metadata.annotations?.[UNHEALTHY]?.trim().toLowerCase();
  if (!v || v === 'false' || v === '0' || kind === undefined) return false;
  if (v === 'true' || v === 'all' || v === '1') return true;
  return v.split(',').some((k) => k.trim() === kind);
}

export interface HandlerAction {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string };
  tcpSocket?: { port: number | string; host?: string };
  grpc?: { port: number; service?: string };
}

export interface CheckContext {
  pod: Pod;
  container: Container;
  podIP?: string;
  /** The probe kind (for the unhealthy annotation); undefined for lifecycle hooks. */
  kind?: ProbeKind;
  timeoutMs: number;
  /** How much slower than its model the container answers now (the usage model's ContainerLoad). */
  latencyFactor(container: string): number;
  /** Runs argv in the container's simulated shell: exit code and combined output; `timedOut` when it was stopped at timeoutMs. */
  exec(argv: string[], timeoutMs: number): Promise<{ code: number; output: string; timedOut?: boolean }>;
}

export interface CheckResult {
  outcome: ProbeOutcome;
  /** kubelet's message: what follows "Liveness probe failed: " (or "errored: "). */
  output: string;
}

/** A port by number or by the name of one of the container's ports (kube's ResolveContainerPort). */
export function resolvePort(port: number | string, container: Container): number | string {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = container.ports?.find((x) => x.name === port);
  return p ? p.containerPort : `port ${port} not found`;
}

export async function checkAction(a: HandlerAction, ctx: CheckContext): Promise<CheckResult> {
  if (a.exec) return checkExec(a.exec.command ?? [], ctx);
  if (a.httpGet) return checkHttp(a.httpGet, ctx);
  if (a.tcpSocket) return checkTcp(a.tcpSocket, ctx);
  if (a.grpc) return checkGrpc(a.grpc, ctx);
  return { outcome: 'error', output: 'missing probe handler' };
}

async function checkExec(argv: string[], ctx: CheckContext): Promise<CheckResult> {
  const r = await ctx.exec(argv, ctx.timeoutMs);
  if (r.timedOut) return { outcome: 'failure', output: `command "${argv.join(' ')}" timed out` };
  return { outcome: r.code === 0 ? 'success' : 'failure', output: r.output };
}

/** The listening container and its answer time, or why nothing answers. */
function reach(ctx: CheckContext, port: number) {
  const l = containerListening(ctx.pod, port, 'TCP');
  if (!l) return undefined;
  const latencyMs = l.model.baseLatencyMs * Math.max(1, ctx.latencyFactor(l.container.name));
  return { ...l, latencyMs };
}

function checkHttp(h: NonNullable<HandlerAction['httpGet']>, ctx: CheckContext): CheckResult {
  const port = resolvePort(h.port, ctx.container);
  if (typeof port === 'string') return { outcome: 'error', output: port };
  const host = h.host || ctx.podIP;
  if (!host) return { outcome: 'error', output: 'pod has no IP yet' };
  const path = h.path || '/';
  const url = `${(h.scheme ?? 'HTTP').toLowerCase()}://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  const r = reach(ctx, port);
  if (!r) return { outcome: 'failure', output: `Get "${url}": dial tcp ${host}:${port}: connect: connection refused` };
  if (r.listen.speaks !== 'http') return { outcome: 'failure', output: `Get "${url}": EOF` };
  if (r.latencyMs > ctx.timeoutMs) return { outcome: 'failure', output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
  const status = unhealthyFor(ctx.pod, ctx.kind) ? 500 : (chooseRoute(r.model, port, path.split('?')[0]!)?.status ?? 404);
  // kube: 2xx and 3xx pass (redirects to the same host are followed).
  if (status >= 200 && status < 400) return { outcome: 'success', output: '' };
  return { outcome: 'failure', output: `HTTP probe failed with statuscode: ${status}` };
}

function checkTcp(t: NonNullable<HandlerAction['tcpSocket']>, ctx: CheckContext): CheckResult {
  const port = resolvePort(t.port, ctx.container);
  if (typeof port === 'string') return { outcome: 'error', output: port };
  const host = t.host || ctx.podIP;
  if (!host) return { outcome: 'error', output: 'pod has no IP yet' };
  if (!reach(ctx, port)) return { outcome: 'failure', output: `dial tcp ${host}:${port}: connect: connection refused` };
  if (unhealthyFor(ctx.pod, ctx.kind)) return { outcome: 'failure', output: `dial tcp ${host}:${port}: i/o timeout` };
  return { outcome: 'success', output: '' };
}

function checkGrpc(g: NonNullable<HandlerAction['grpc']>, ctx: CheckContext): CheckResult {
  const host = ctx.podIP;
  if (!host) return { outcome: 'error', output: 'pod has no IP yet' };
  const r = reach(ctx, g.port);
  const within = `${Math.round(ctx.timeoutMs / 1000)}s`;
  if (!r || r.latencyMs > ctx.timeoutMs) return { outcome: 'failure', output: `timeout: failed to connect service "${host}:${g.port}" within ${within}` };
  if (unhealthyFor(ctx.pod, ctx.kind)) return { outcome: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' };
  return { outcome: 'success', output: '' };
}
