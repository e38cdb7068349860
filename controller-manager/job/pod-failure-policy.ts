// Matches a failed pod against a Job's spec.podFailurePolicy as upstream's matchPodFailurePolicy:
// the first rule whose onExitCodes or onPodConditions match decides (FailJob, Ignore, Count,
// FailIndex). Pure; never writes. FailIndex needs backoffLimitPerIndex, which k8ts does not run: it counts.
import type { Job, Pod } from './types.js';

export interface PolicyMatch {
  action: 'FailJob' | 'Ignore' | 'Count' | 'FailIndex';
  /** The condition message upstream writes for FailJob. */
  message: string;
}

function exitCodeMatches(rule: NonNullable<NonNullable<Job['spec']>['podFailurePolicy']>['rules'][number], pod: Readonly<Pod>): { container: string; code: number } | undefined {
  const req = rule.onExitCodes;
  if (!req) return undefined;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const cs of statuses) {
    if (req.containerName && req.containerName !== cs.name) continue;
    const code = cs.state?.terminated?.exitCode;
    if (code === undefined || code === 0) continue;
    const inSet = req.values.includes(code);
    if ((req.operator === 'In' && inSet) || (req.operator === 'NotIn' && !inSet)) return { container: cs.name, code };
  }
  return undefined;
}

export function matchPodFailurePolicy(job: Readonly<Job>, pod: Readonly<Pod>): PolicyMatch | undefined {
  const rules = job.spec?.podFailurePolicy?.rules ?? [];
  const podName = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  for (const [i, rule] of rules.entries()) {
    const action = rule.action as PolicyMatch['action'];
    if (!['FailJob', 'Ignore', 'Count', 'FailIndex'].includes(action)) continue;
    const exit = exitCodeMatches(rule, pod);
    if (exit) {
      return { action, message: `Container ${exit.container} for pod ${podName} failed with exit code ${exit.code} matching ${action} rule at index ${i}` };
    }
    for (const req of rule.onPodConditions ?? []) {
      const want = req.status ?? 'True';
      if ((pod.status?.conditions ?? []).some((c) => c.type === req.type && c.status === want)) {
        return { action, message: `Pod ${podName} has condition ${req.type} matching ${action} rule at index ${i}` };
      }
    }
  }
  return undefined;
}
