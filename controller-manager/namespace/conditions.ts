// The deletion conditions of a Terminating namespace as upstream's namespace controller writes them
// (status_condition_utils.go): one condition per type, in upstream's order, whose transition time
// changes only when its status, reason or message does. Pure.

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

export interface ContentTotals {
  /** `resource.group` -> instances left. */
  remaining: Map<string, number>;
  /** finalizer -> instances carrying it. */
  finalizers: Map<string, number>;
  /** Errors deleting content, one per resource. */
  deleteErrors: string[];
}

/** The five conditions for a deletion pass with these totals. */
export function deletionConditions(totals: ContentTotals): NamespaceCondition[] {
  const remaining = [...totals.remaining.entries()].map(([r, n]) => `${r} has ${n} resource instances`).sort();
  const finalizers = [...totals.finalizers.entries()].map(([f, n]) => `${f} in ${n} resource instances`).sort();
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    totals.deleteErrors.length
      ? { type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${totals.deleteErrors.length} remaining: ${totals.deleteErrors.join(', ')}` }
      : { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    remaining.length
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    finalizers.length
      ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}` }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
}

/** The namespace's conditions after this pass: unchanged ones keep their transition time; others keep their place. */
export function mergeConditions(existing: readonly NamespaceCondition[] | undefined, next: NamespaceCondition[], now: string): NamespaceCondition[] {
  const out: NamespaceCondition[] = (existing ?? []).filter((c) => !(CONDITION_TYPES as readonly string[]).includes(c.type)).map((c) => ({ ...c }));
  for (const c of next) {
    const old = (existing ?? []).find((e) => e.type === c.type);
    if (old && old.status === c.status && old.reason === c.reason && old.message === c.message) out.push({ ...old });
    else out.push({ ...c, lastTransitionTime: now });
  }
  return out;
}

