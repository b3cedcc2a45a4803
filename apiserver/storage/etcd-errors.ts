import { StoreError, type StoreErrorCode } from './store.js';

/**
 * The one translation of etcd3/gRPC errors into StoreError, applied at the etcd backend's
 * boundary. etcd3 already casts gRPC errors to typed classes, but the ones that matter
 * here (compaction, future revision, size) are only told apart by etcd's message, and the
 * transport failures by class name (cockatiel's BrokenCircuitError is not etcd3's own).
 */
const BY_MESSAGE: Array<[RegExp, StoreErrorCode]> = [
  [/required revision has been compacted/, 'Expired'],
  // kube-apiserver answers a future resourceVersion with a retryable timeout.
  [/required revision is a future revision/, 'Unavailable'],
  [/request is too large|larger than max|message length|exceeds maximum/i, 'TooLarge'],
  [/etcdserver: (request timed out|no leader|leader changed|too many requests|server stopped|not capable)/, 'Unavailable'],
  [/No connection established|ECONNREFUSED|connection (closed|reset)|Deadline exceeded|circuit breaker is open/i, 'Unavailable'],
];

const UNAVAILABLE_CLASSES = new Set([
  'GRPCUnavailableError',
  'GRPCDeadlineExceededError',
  'GRPCCancelledError',
  'GRPCAbortedError',
  'ClientClosedError',
  'BrokenCircuitError',
  'EtcdWatchStreamEnded',
]);

export function etcdToStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  for (const [pattern, code] of BY_MESSAGE) {
    if (pattern.test(message)) return new StoreError(code, `etcd: ${message}`);
  }
  const className = err instanceof Error ? err.constructor.name : '';
  if (UNAVAILABLE_CLASSES.has(className) || (err instanceof Error && UNAVAILABLE_CLASSES.has(err.name))) {
    return new StoreError('Unavailable', `etcd: ${message}`);
  }
  if (className === 'GRPCResourceExhastedError') return new StoreError('TooLarge', `etcd: ${message}`);
  return new StoreError('Internal', `etcd: ${message}`);
}

/** A received message over gRPC's size cap: the caller can retry with a smaller page. */
export function isMessageTooLarge(err: unknown): boolean {
  return err instanceof Error && (err.constructor.name === 'GRPCResourceExhastedError' || /larger than max/i.test(err.message));
}
