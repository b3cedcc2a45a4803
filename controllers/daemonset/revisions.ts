import type { ControllerRevision, DaemonSet } from '../../api/apps/daemonset-statefulset-schemas.js';
import type { TemplateLike } from '../../api/apps/workload.js';
import { computeHash, semanticEqual } from '../deployment/pod-template-hash.js';

/**
 * ControllerRevisions as the DaemonSet and StatefulSet controllers keep them (kube's
 * controller/history): each distinct pod template is one revision named
 * `<owner>-<hash>`, whose data is the strategic merge patch `kubectl rollout undo`
 * applies (`{spec: {template: {…, $patch: replace}}}`), numbered in order of use. Pure.
 */

export function revisionData(template: TemplateLike | undefined): Record<string, unknown> {
  return { spec: { template: { ...(structuredClone(template ?? {}) as Record<string, unknown>), $patch: 'replace' } } };
}

/** The template a revision holds (its data without the directive). */
export function templateOfRevision(cr: ControllerRevision): TemplateLike | undefined {
  const t = (cr.data?.['spec'] as { template?: Record<string, unknown> } | undefined)?.template;
  if (!t) return undefined;
  const { $patch: _p, ...rest } = t;
  return rest as TemplateLike;
}

export function revisionHash(owner: { spec?: { template?: TemplateLike } | null; status?: { collisionCount?: number } | null }): string {
  return computeHash(owner.spec?.template, owner.status?.collisionCount);
}

export interface RevisionDecision {
  /** The revision of the current template, if it exists already. */
  current?: ControllerRevision;
  /** Create this revision number for the current template (when `current` is absent). */
  createRevision?: number;
  /** An existing revision of the current template that must move to the newest number (rollback). */
  bumpTo?: number;
  /** Old revisions beyond revisionHistoryLimit that no pod uses. */
  prune: ControllerRevision[];
}

export function decideRevisions(owner: DaemonSet, name: string, revisions: readonly ControllerRevision[], inUseHashes: ReadonlySet<string>): RevisionDecision {
  const hash = revisionHash(owner);
  const wanted = `${name}-${hash}`;
  const max = revisions.reduce((m, r) => Math.max(m, r.revision), 0);
  const current = revisions.find((r) => r.metadata.name === wanted && semanticEqual(templateOfRevision(r), owner.spec?.template));
  const d: RevisionDecision = { prune: [] };
  if (current) {
    d.current = current;
    if (current.revision < max) d.bumpTo = max + 1;
  } else {
    d.createRevision = max + 1;
  }
  const limit = owner.spec?.revisionHistoryLimit ?? 10;
  const old = revisions
    .filter((r) => r !== current && !inUseHashes.has(r.metadata.labels?.['controller-revision-hash'] ?? ''))
    .sort((a, b) => a.revision - b.revision);
  d.prune = old.slice(0, Math.max(0, old.length - limit));
  return d;
}
