/**
 * The status conditions kube's namespace controller keeps on a Terminating namespace
 * (deletion/namespace_condition_updater.go), as pure functions. Every pass sets all five
 * types: True with a failure reason when something went wrong or remains, otherwise
 * False with the "ok" reason. lastTransitionTime moves only when status flips.
 */

export interface NamespaceCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export const NamespaceDeletionDiscoveryFailure = 'NamespaceDeletionDiscoveryFailure';
export const NamespaceDeletionGVParsingFailure = 'NamespaceDeletionGroupVersionParsingFailure';
export const NamespaceDeletionContentFailure = 'NamespaceDeletionContentFailure';
export const NamespaceContentRemaining = 'NamespaceContentRemaining';
export const NamespaceFinalizersRemaining = 'NamespaceFinalizersRemaining';

/** In kube's order. */
export const NAMESPACE_CONDITION_TYPES = [
  NamespaceDeletionDiscoveryFailure,
  NamespaceDeletionGVParsingFailure,
  NamespaceDeletionContentFailure,
  NamespaceContentRemaining,
  NamespaceFinalizersRemaining,
] as const;

const OK: Record<string, { reason: string; message: string }> = {
  [NamespaceDeletionDiscoveryFailure]: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  [NamespaceDeletionGVParsingFailure]: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  [NamespaceDeletionContentFailure]: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  [NamespaceContentRemaining]: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  [NamespaceFinalizersRemaining]: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** What one deletion pass found. */
export interface DeletionReport {
  /** Discovery failed (kube reads discovery; we read the served kinds, so it normally cannot). */
  discoveryError?: string;
  /** One message per resource type whose deletion failed. */
  contentErrors: string[];
  /** `<resource>.<group>` → instances still there (pods. for core pods, as kube prints). */
  remaining: Map<string, number>;
  /** finalizer → instances it still holds. */
  finalizers: Map<string, number>;
}

/** The failing conditions for a pass (types absent here are set to their ok variant). */
export function failureConditions(report: DeletionReport): NamespaceCondition[] {
  const out: NamespaceCondition[] = [];
  if (report.discoveryError) {
    out.push({ type: NamespaceDeletionDiscoveryFailure, status: 'True', reason: 'DiscoveryFailed', message: report.discoveryError });
  }
  if (report.contentErrors.length > 0) {
    const msgs = [...report.contentErrors].sort();
    out.push({
      type: NamespaceDeletionContentFailure,
      status: 'True',
      reason: 'ContentDeletionFailed',
      // kube aggregates the per-resource errors into one before counting them.
      message: `Failed to delete all resource types, 1 remaining: ${msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`}`,
    });
  }
  const remaining = [...report.remaining].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`).sort();
  if (remaining.length > 0) {
    out.push({ type: NamespaceContentRemaining, status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` });
  }
  const byFinalizer = [...report.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
  if (byFinalizer.length > 0) {
    out.push({
      type: NamespaceFinalizersRemaining,
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message: `Some content in the namespace has finalizers remaining: ${byFinalizer.join(', ')}`,
    });
  }
  return out;
}

/**
 * Merges a pass's conditions into the namespace's: every managed type is set (failure
 * or ok variant); other types are kept. Returns the new list and whether it changed.
 */
export function mergeConditions(
  existing: readonly NamespaceCondition[] | undefined,
  failures: readonly NamespaceCondition[],
  nowIso: string,
): { conditions: NamespaceCondition[]; changed: boolean } {
  const conditions = (existing ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of NAMESPACE_CONDITION_TYPES) {
    const wanted = failures.find((c) => c.type === type) ?? { type, status: 'False', ...OK[type]! };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ type, status: wanted.status, lastTransitionTime: nowIso, reason: wanted.reason, message: wanted.message });
      changed = true;
    } else if (old.status !== wanted.status || old.reason !== wanted.reason || old.message !== wanted.message) {
      if (old.status !== wanted.status) old.lastTransitionTime = nowIso;
      old.status = wanted.status;
      old.reason = wanted.reason;
      old.message = wanted.message;
      changed = true;
    }
  }
  return { conditions, changed };
}
