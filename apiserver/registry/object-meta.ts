import { randomUUID, randomInt } from 'node:crypto';
import type { KubeObject, ResourceType } from '../../api/types.js';

/** The metadata the apiserver owns on create: what Kubernetes' BeforeCreate fills. */
export function fillCreateMetadata(rt: ResourceType, obj: KubeObject, now: number): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = formatTime(now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.managedFields;
  if (rt.hasGeneration) meta.generation = 1;
  else delete meta.generation;
}

// Kubernetes' name generator alphabet: no vowels (no words) and no look-alike characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME = 63 - 5;

export function generateName(base: string): string {
  const prefix = base.length > MAX_GENERATED_NAME ? base.slice(0, MAX_GENERATED_NAME) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return prefix + suffix;
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function formatTime(ms: number): string {
  // A write formats the same second several times (creationTimestamp, managedFields).
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

let lastSecond = Number.NaN;
let lastText = '';

/** Everything but metadata and status: what a generation bump is about. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
