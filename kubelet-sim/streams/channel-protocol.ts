/**
 * Kubernetes' WebSocket channel protocols for exec, attach and port-forward, as the
 * kubelet speaks them (k8s.io/apimachinery wsstream, k8s.io/client-go remotecommand):
 *
 *   channel.k8s.io, v2…v5.channel.k8s.io   binary messages, first byte the channel
 *   base64.channel.k8s.io, v4.base64…      text messages, first char '0'+channel, then base64
 *
 * Channels: 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 terminal resize ({Width,Height}
 * JSON, v4+ ; v3 had it too). v5 adds channel 255: the client sends [255, N] to close its
 * side of channel N (stdin EOF) without closing the WebSocket. On channel 3, v1–v3 send a
 * plain error text; v4+ send a metav1.Status, with reason NonZeroExitCode and the exit
 * code as the ExitCode cause for a failed command. Pure functions; exec-server.ts does I/O.
 */

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export interface Protocol {
  name: string;
  base64: boolean;
  /** 1…5 */
  version: number;
}

/** The exec/attach subprotocols we answer, by preference (newest first, as the kubelet prefers). */
export const EXEC_PROTOCOLS: readonly Protocol[] = [
  { name: 'v5.channel.k8s.io', base64: false, version: 5 },
  { name: 'v4.channel.k8s.io', base64: false, version: 4 },
  { name: 'v4.base64.channel.k8s.io', base64: true, version: 4 },
  { name: 'v3.channel.k8s.io', base64: false, version: 3 },
  { name: 'v2.channel.k8s.io', base64: false, version: 2 },
  { name: 'channel.k8s.io', base64: false, version: 1 },
  { name: 'base64.channel.k8s.io', base64: true, version: 1 },
];

/** Port-forward over WebSocket: data and error channel per port, each first message prefixed with the port (2 bytes, little-endian). */
export const PORTFORWARD_PROTOCOLS: readonly Protocol[] = [
  { name: 'v4.channel.k8s.io', base64: false, version: 4 },
  { name: 'portforward.k8s.io', base64: false, version: 1 },
  { name: 'channel.k8s.io', base64: false, version: 1 },
  { name: 'v4.base64.channel.k8s.io', base64: true, version: 4 },
  { name: 'base64.channel.k8s.io', base64: true, version: 1 },
];

/**
 * The subprotocol to answer, from the Sec-WebSocket-Protocol values the client offered.
 * A client offering none gets the oldest binary protocol (as wsstream does); one offering
 * only unknown protocols gets undefined (refused with 400).
 */
export function negotiate(offered: readonly string[], supported: readonly Protocol[]): Protocol | undefined {
  if (offered.length === 0) return supported.find((p) => p.name === 'channel.k8s.io');
  const set = new Set(offered.map((o) => o.trim()));
  return supported.find((p) => set.has(p.name));
}

/** Splits a Sec-WebSocket-Protocol header (one or several, comma-separated) into names. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const all = Array.isArray(header) ? header.join(',') : (header ?? '');
  return all
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One outgoing frame on a channel. */
export function encodeFrame(p: Protocol, channel: number, data: Buffer | string): Buffer | string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (p.base64) return String.fromCharCode(48 + channel) + bytes.toString('base64');
  return Buffer.concat([Buffer.from([channel]), bytes]);
}

export type Frame = { channel: number; data: Buffer };

/** One incoming message; a string names what is wrong with it. */
export function decodeFrame(p: Protocol, message: Buffer, isBinary: boolean): Frame | string {
  if (p.base64) {
    const text = message.toString('utf8');
    if (text.length === 0) return 'empty message';
    const channel = text.charCodeAt(0) - 48;
    if (channel < 0 || channel > 9) return `invalid channel ${JSON.stringify(text[0])}`;
    const body = text.slice(1);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return 'invalid base64 data';
    return { channel, data: Buffer.from(body, 'base64') };
  }
  if (!isBinary && message.length === 0) return 'empty message';
  if (message.length === 0) return 'empty message';
  return { channel: message[0]!, data: message.subarray(1) };
}

/** A resize message's size, or undefined when malformed. */
export function parseResize(data: Buffer): { width: number; height: number } | undefined {
  try {
    const v = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;
    return ok(v.Width) && ok(v.Height) ? { width: v.Width, height: v.Height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the kubelet writes on channel 3 when the command is over: v4+ a Status (success,
 * or NonZeroExitCode with the code as the ExitCode cause; kubectl exits with that code),
 * v1–v3 nothing on success and a plain message otherwise.
 */
export function exitStatusFrame(p: Pick<Protocol, 'version'>, exitCode: number, argv: readonly string[]): string | undefined {
  if (p.version < 4) return exitCode === 0 ? undefined : `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${exitCode}`;
  if (exitCode === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  });
}

/** A failure before or instead of running (no such container, not running…), on channel 3. */
export function errorStatusFrame(p: Pick<Protocol, 'version'>, message: string): string {
  if (p.version < 4) return message;
  return JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });
}

/** Port-forward's 2-byte little-endian port prefix. */
export function portPrefix(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port, 0);
  return b;
}
