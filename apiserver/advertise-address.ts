import { isIP } from 'node:net';
import { DEFAULT_ADVERTISE_ADDRESS } from './registry/kubernetes-endpoints.js';

/**
 * kube-apiserver's --advertise-address default: the bind address, unless that is loopback
 * or unspecified (kube then picks the host's first non-loopback interface; here, the
 * simulated control-plane address, since Kubernetes refuses loopback endpoints and no
 * real interface address belongs in a simulated cluster).
 */
export function advertiseAddressFor(bindAddress: string, advertiseAddress?: string): string {
  if (advertiseAddress) return advertiseAddress;
  const unusable = bindAddress === '' || bindAddress === '0.0.0.0' || bindAddress === '::' || bindAddress === '::1' || bindAddress.startsWith('127.') || isIP(bindAddress) === 0;
  return unusable ? DEFAULT_ADVERTISE_ADDRESS : bindAddress;
}
