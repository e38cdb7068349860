// upstream's normalization of a desired replica count (horizontal.go): the stabilization windows over
// recent recommendations, the scale-up/down rate policies of spec.behavior (or, without behavior, the
// legacy 5-minute downscale window and x2-or-4 scale-up limit), and min/max. Keeps per-HPA history in
// memory, as upstream does; the clock is injected so tests need no sleeping.
import { defaultScaleDownRules, defaultScaleUpRules, withRuleDefaults, type ScalingPolicy, type ScalingRules } from '../../api/defaults/autoscaling.js';

export interface LimitOutcome {
  replicas: number;
  /** AbleToScale: ReadyForNewScale / ScaleUpStabilized / ScaleDownStabilized. */
  ableToScale: { reason: string; message: string };
  /** ScalingLimited: status True when the limit changed the stabilized count. */
  scalingLimited: { status: 'True' | 'False'; reason: string; message: string };
}

interface Recommendation {
  replicas: number;
  atMs: number;
}

interface ScaleEvent {
  change: number;
  atMs: number;
}

export interface ResolvedBehavior {
  scaleUp: Required<ScalingRules>;
  scaleDown: Required<ScalingRules>;
}

const READY = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const WITHIN_RANGE = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** Go's int32(float64) conversion: truncation toward zero. */
const int32 = (n: number) => Math.trunc(n);

function changeInPeriod(periodSeconds: number, events: ScaleEvent[], nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  return events.filter((e) => e.atMs > cutoff).reduce((n, e) => n + e.change, 0);
}

/** upstream calculateScaleUpLimitWithScalingRules. */
export function scaleUpLimit(current: number, up: ScaleEvent[], down: ScaleEvent[], rules: Required<ScalingRules>, nowMs: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? INT32_MAX : INT32_MIN;
  for (const policy of rules.policies) {
    const start = current - changeInPeriod(policy.periodSeconds, up, nowMs) + changeInPeriod(policy.periodSeconds, down, nowMs);
    const proposed = policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** upstream calculateScaleDownLimitWithBehaviors. */
export function scaleDownLimit(current: number, up: ScaleEvent[], down: ScaleEvent[], rules: Required<ScalingRules>, nowMs: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? INT32_MIN : INT32_MAX;
  for (const policy of rules.policies) {
    const start = current - changeInPeriod(policy.periodSeconds, up, nowMs) + changeInPeriod(policy.periodSeconds, down, nowMs);
    const proposed = policy.type === 'Pods' ? start - policy.value : int32(start * (1 - policy.value / 100));
    result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** upstream calculateScaleUpLimit of the behavior-less path: twice the current count, at least 4. */
export function legacyScaleUpLimit(current: number): number {
  return int32(Math.max(2.0 * current, 4.0));
}

export class Recommender {
  private recommendations = new Map<string, Recommendation[]>();
  private scaleUpEvents = new Map<string, ScaleEvent[]>();
  private scaleDownEvents = new Map<string, ScaleEvent[]>();

  constructor(
    private readonly now: () => number,
    /** --horizontal-pod-autoscaler-downscale-stabilization. */
    private readonly downscaleStabilizationMs: number,
  ) {}

  forget(key: string): void {
    this.recommendations.delete(key);
    this.scaleUpEvents.delete(key);
    this.scaleDownEvents.delete(key);
  }

  /** upstream recordInitialRecommendation: the current size counts as a recommendation of the first sync. */
  recordInitial(key: string, current: number): void {
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ replicas: current, atMs: this.now() }]);
  }

  /**
   * spec.behavior with upstream's defaults for what is unset (the apiserver defaults them too, but an
   * object stored before may lack them), and maybeInitScaleDownStabilizationWindow's window.
   */
  resolveBehavior(behavior: { scaleUp?: ScalingRules; scaleDown?: ScalingRules }): ResolvedBehavior {
    const up = withRuleDefaults(structuredClone(behavior.scaleUp), defaultScaleUpRules()) as ScalingRules;
    const down = withRuleDefaults(structuredClone(behavior.scaleDown), defaultScaleDownRules()) as ScalingRules;
    return {
      scaleUp: { selectPolicy: up.selectPolicy ?? 'Max', policies: up.policies ?? [], stabilizationWindowSeconds: up.stabilizationWindowSeconds ?? 0 },
      scaleDown: {
        selectPolicy: down.selectPolicy ?? 'Max',
        policies: down.policies ?? [],
        stabilizationWindowSeconds: down.stabilizationWindowSeconds ?? Math.round(this.downscaleStabilizationMs / 1000),
      },
    };
  }

  /** upstream normalizeDesiredReplicas (no spec.behavior). */
  normalize(key: string, current: number, desired: number, min: number, max: number): LimitOutcome {
    const nowMs = this.now();
    const cutoff = nowMs - this.downscaleStabilizationMs;
    const recs = this.recommendations.get(key) ?? [];
    let stabilized = desired;
    let replaced = false;
    for (const rec of recs) {
      if (rec.atMs > cutoff) stabilized = Math.max(stabilized, rec.replicas);
      else if (!replaced) {
        rec.replicas = desired;
        rec.atMs = nowMs;
        replaced = true;
      }
    }
    if (!replaced) recs.push({ replicas: desired, atMs: nowMs });
    this.recommendations.set(key, recs);
    const ableToScale = stabilized !== desired
      ? { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
      : READY;
    const limit = legacyScaleUpLimit(current);
    let maxAllowed: number;
    let condition: { reason: string; message: string };
    if (max > limit) {
      maxAllowed = limit;
      condition = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
    } else {
      maxAllowed = max;
      condition = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    }
    let replicas = stabilized;
    if (stabilized < min) {
      condition = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
      replicas = min;
    } else if (stabilized > maxAllowed) {
      replicas = maxAllowed;
    } else {
      condition = WITHIN_RANGE;
    }
    return { replicas, ableToScale, scalingLimited: { status: replicas === stabilized ? 'False' : 'True', ...condition } };
  }

  /** upstream normalizeDesiredReplicasWithBehaviors. */
  normalizeWithBehavior(key: string, behavior: ResolvedBehavior, current: number, desired: number, min: number, max: number): LimitOutcome {
    const nowMs = this.now();
    // stabilizeRecommendationWithBehaviors
    const upCutoff = nowMs - behavior.scaleUp.stabilizationWindowSeconds * 1000;
    const downCutoff = nowMs - behavior.scaleDown.stabilizationWindowSeconds * 1000;
    let upRecommendation = desired;
    let downRecommendation = desired;
    let oldIndex = -1;
    const recs = this.recommendations.get(key) ?? [];
    recs.forEach((rec, i) => {
      if (rec.atMs > upCutoff) upRecommendation = Math.min(rec.replicas, upRecommendation);
      if (rec.atMs > downCutoff) downRecommendation = Math.max(rec.replicas, downRecommendation);
      if (rec.atMs < upCutoff && rec.atMs < downCutoff) oldIndex = i;
    });
    let stabilized = current;
    if (stabilized < upRecommendation) stabilized = upRecommendation;
    if (stabilized > downRecommendation) stabilized = downRecommendation;
    if (oldIndex >= 0) recs[oldIndex] = { replicas: desired, atMs: nowMs };
    else recs.push({ replicas: desired, atMs: nowMs });
    this.recommendations.set(key, recs);
    const ableToScale = stabilized === desired
      ? READY
      : desired >= current
        ? { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
    // convertDesiredReplicasWithBehaviorRate
    const up = this.scaleUpEvents.get(key) ?? [];
    const down = this.scaleDownEvents.get(key) ?? [];
    let replicas = stabilized;
    let condition = WITHIN_RANGE;
    if (stabilized > current) {
      const limit = Math.max(scaleUpLimit(current, up, down, behavior.scaleUp, nowMs), current);
      let maxAllowed = max;
      let possible: { reason: string; message: string };
      if (maxAllowed > limit) {
        maxAllowed = limit;
        possible = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
      } else {
        possible = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
      }
      if (stabilized > maxAllowed) {
        replicas = maxAllowed;
        condition = possible;
      }
    } else if (stabilized < current) {
      const limit = Math.min(scaleDownLimit(current, up, down, behavior.scaleDown, nowMs), current);
      let minAllowed = min;
      let possible: { reason: string; message: string };
      if (minAllowed < limit) {
        minAllowed = limit;
        possible = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
      } else {
        possible = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
      }
      if (stabilized < minAllowed) {
        replicas = minAllowed;
        condition = possible;
      }
    }
    return { replicas, ableToScale, scalingLimited: { status: replicas === stabilized ? 'False' : 'True', ...condition } };
  }

  /** upstream storeScaleEvent: remembers a rescale for the rate policies; forgets what no period covers. */
  recordScale(key: string, behavior: ResolvedBehavior | undefined, previous: number, next: number): void {
    if (!behavior) return;
    const nowMs = this.now();
    const longest = (policies: ScalingPolicy[]) => Math.max(0, ...policies.map((p) => p.periodSeconds)) * 1000;
    const keep = (events: ScaleEvent[], periodMs: number) => events.filter((e) => e.atMs > nowMs - periodMs);
    if (next > previous) {
      this.scaleUpEvents.set(key, [...keep(this.scaleUpEvents.get(key) ?? [], longest(behavior.scaleUp.policies)), { change: next - previous, atMs: nowMs }]);
    } else if (next < previous) {
      this.scaleDownEvents.set(key, [...keep(this.scaleDownEvents.get(key) ?? [], longest(behavior.scaleDown.policies)), { change: previous - next, atMs: nowMs }]);
    }
  }
}
