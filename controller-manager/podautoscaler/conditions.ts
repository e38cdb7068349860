// The HPA's status conditions as upstream's setCondition: one per type, the transition time moving
// only when the status changes. Pure: returns a new list and never mutates the one it reads.
import type { HorizontalPodAutoscalerCondition } from 'kubernetes-types/autoscaling/v2.js';

export type ConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

export interface ConditionChange {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export function setCondition(conditions: readonly HorizontalPodAutoscalerCondition[], change: ConditionChange, now: string): HorizontalPodAutoscalerCondition[] {
  const out = conditions.map((c) => ({ ...c }));
  const existing = out.find((c) => c.type === change.type);
  if (!existing) {
    out.push({ type: change.type, status: change.status, lastTransitionTime: now, reason: change.reason, message: change.message });
    return out;
  }
  if (existing.status !== change.status) existing.lastTransitionTime = now;
  existing.status = change.status;
  existing.reason = change.reason;
  existing.message = change.message;
  return out;
}
