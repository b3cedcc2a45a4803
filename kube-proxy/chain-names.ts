import { createHash } from 'node:crypto';

/**
 * kube-proxy's chain names: a prefix and the first 16 characters of the standard base32
 * encoding of sha256(servicePortName + protocol [+ endpoint]). Chains must fit iptables'
 * 28-character limit and stay stable across restarts, hence a hash of the identity.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (Go's base32.StdEncoding without the padding we never reach in 16 chars). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function hash16(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/** `ns/name:port` or `ns/name` for an unnamed port (proxy.ServicePortName.String()). */
export function servicePortName(namespace: string, name: string, portName: string | undefined): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

/** protocol is lower case, as kube-proxy hashes it. */
export function portProtoHash(svcPortName: string, protocol: string): string {
  return hash16(svcPortName + protocol.toLowerCase());
}

export function serviceChain(svcPortName: string, protocol: string): string {
  return `KUBE-SVC-${portProtoHash(svcPortName, protocol)}`;
}
export function serviceLocalChain(svcPortName: string, protocol: string): string {
  return `KUBE-SVL-${portProtoHash(svcPortName, protocol)}`;
}
export function externalChain(svcPortName: string, protocol: string): string {
  return `KUBE-EXT-${portProtoHash(svcPortName, protocol)}`;
}
export function firewallChain(svcPortName: string, protocol: string): string {
  return `KUBE-FW-${portProtoHash(svcPortName, protocol)}`;
}
/** endpoint is `ip:port`. */
export function endpointChain(svcPortName: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${hash16(svcPortName + protocol.toLowerCase() + endpoint)}`;
}
