import { StoreError } from './store.js';

/**
 * Largest value a store accepts. The apiserver already refuses request bodies over 3 MiB
 * (as kube-apiserver does); this is the backstop below etcd's gRPC message cap, so both
 * backends refuse the same values with the same code. A stock etcd refuses values over
 * its --max-request-bytes (1.5 MiB by default) first; that is mapped to 'TooLarge' too.
 */
export const MAX_VALUE_BYTES = 4 * 1024 * 1024;

/** Throws StoreError 'TooLarge' when value is over MAX_VALUE_BYTES (UTF-8 bytes). */
export function checkValueSize(key: string, value: string): void {
  // Cheap test first: a UTF-8 encoding is at most 3 bytes per UTF-16 code unit.
  if (value.length * 3 <= MAX_VALUE_BYTES) return;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_VALUE_BYTES) {
    throw new StoreError('TooLarge', `value for ${key} is ${bytes} bytes, over the ${MAX_VALUE_BYTES}-byte limit`);
  }
}
