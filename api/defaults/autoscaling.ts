// Defaulting of autoscaling/v2 HorizontalPodAutoscaler, as upstream's pkg/apis/autoscaling/v2/defaults.go:
// minReplicas 1, a CPU 80% utilization metric when none is given, and the behavior rules' defaults
// filled into a behavior the user gave. Only fills absent fields; never removes or rewrites one.

import { isObj, setDefault, type Obj } from './util.js';

/** upstream autoscaling.DefaultCPUUtilization. */
export const DEFAULT_CPU_UTILIZATION = 80;

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicy[];
}

/** upstream GenerateHPAScaleUpRules' defaults: no stabilization, +4 pods or +100% per 15 s, the larger. */
export function defaultScaleUpRules(): ScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** upstream GenerateHPAScaleDownRules' defaults: the window stays unset (the controller's flag fills it), -100% per 15 s. */
export function defaultScaleDownRules(): ScalingRules {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** upstream copyHPAScalingRules: each absent field of `given` comes from `defaults`. */
export function withRuleDefaults(given: unknown, defaults: ScalingRules): unknown {
  if (given !== undefined && given !== null && !isObj(given)) return given;
  const out: Obj = isObj(given) ? given : {};
  if (out.selectPolicy === undefined || out.selectPolicy === null) {
    if (defaults.selectPolicy !== undefined) out.selectPolicy = defaults.selectPolicy;
  }
  if (out.stabilizationWindowSeconds === undefined || out.stabilizationWindowSeconds === null) {
    if (defaults.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = defaults.stabilizationWindowSeconds;
  }
  if (out.policies === undefined || out.policies === null) {
    if (defaults.policies !== undefined) out.policies = defaults.policies.map((p) => ({ ...p }));
  }
  return out;
}

function defaultHorizontalPodAutoscaler(hpa: Obj): void {
  if (!isObj(hpa.spec)) return;
  const spec = hpa.spec;
  setDefault(spec, 'minReplicas', 1);
  if (spec.metrics === undefined || spec.metrics === null || (Array.isArray(spec.metrics) && spec.metrics.length === 0)) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (isObj(spec.behavior)) {
    spec.behavior.scaleUp = withRuleDefaults(spec.behavior.scaleUp, defaultScaleUpRules());
    spec.behavior.scaleDown = withRuleDefaults(spec.behavior.scaleDown, defaultScaleDownRules());
  }
}

export const AUTOSCALING_DEFAULTERS: Record<string, (obj: Obj) => void> = {
  HorizontalPodAutoscaler: defaultHorizontalPodAutoscaler,
};
