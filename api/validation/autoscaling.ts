// Validation of autoscaling/v2 HorizontalPodAutoscaler, as upstream's pkg/apis/autoscaling/validation:
// replica bounds, the scale target reference, metric sources and targets, and behavior rules.
// Pushes FieldErrors only; never throws and never mutates.

import { field } from '../errors.js';
import type { KindValidator } from './kinds.js';
import { pathSegmentName } from './meta.js';
import { int, isObj, items, obj, str, type Errs, type Obj } from './util.js';

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_SOURCE_FIELDS: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
};

function validateTargetRef(ref: Obj | undefined, path: string, errs: Errs): void {
  const kind = str(ref?.kind, `${path}.kind`, errs) ?? '';
  const name = str(ref?.name, `${path}.name`, errs) ?? '';
  if (kind === '') errs.push(field.required(`${path}.kind`, ''));
  else for (const m of pathSegmentName(kind, false)) errs.push(field.invalid(`${path}.kind`, kind, m));
  if (name === '') errs.push(field.required(`${path}.name`, ''));
  else for (const m of pathSegmentName(name, false)) errs.push(field.invalid(`${path}.name`, name, m));
}

function validateTarget(target: Obj | undefined, path: string, errs: Errs, resource: boolean): void {
  if (!target) {
    errs.push(field.required(path, 'must specify a metric target'));
    return;
  }
  const type = str(target.type, `${path}.type`, errs);
  if (!type) errs.push(field.required(`${path}.type`, 'must specify a metric target type'));
  else if (!['Utilization', 'Value', 'AverageValue'].includes(type)) {
    errs.push(field.invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  }
  const utilization = int(target.averageUtilization, `${path}.averageUtilization`, errs);
  if (utilization !== undefined && utilization < 1) errs.push(field.invalid(`${path}.averageUtilization`, utilization, 'must be greater than 0'));
  if (type === 'Utilization' && utilization === undefined && resource) {
    errs.push(field.required(`${path}.averageUtilization`, 'must set either a target raw value or a target utilization'));
  }
  if (type === 'Value' && (target.value === undefined || target.value === null)) errs.push(field.required(`${path}.value`, 'must set either a target value for metric or a per-pod target'));
  if (type === 'AverageValue' && (target.averageValue === undefined || target.averageValue === null)) {
    errs.push(field.required(`${path}.averageValue`, 'must set either a target value for metric or a per-pod target'));
  }
}

function validateMetric(m: Obj, path: string, errs: Errs): void {
  const type = str(m.type, `${path}.type`, errs);
  if (!type) {
    errs.push(field.required(`${path}.type`, 'must specify a metric source type'));
    return;
  }
  const sourceField = METRIC_SOURCE_FIELDS[type];
  if (!sourceField) {
    errs.push(field.notSupported(`${path}.type`, type, Object.keys(METRIC_SOURCE_FIELDS)));
    return;
  }
  for (const [t, f] of Object.entries(METRIC_SOURCE_FIELDS)) {
    if (t !== type && m[f] !== undefined && m[f] !== null) errs.push(field.forbidden(`${path}.${f}`, 'must populate the given metric source only'));
  }
  const source = obj(m[sourceField], `${path}.${sourceField}`, errs);
  if (!source) {
    errs.push(field.required(`${path}.${sourceField}`, 'must populate information for the given metric source'));
    return;
  }
  const sp = `${path}.${sourceField}`;
  if (type === 'Resource' || type === 'ContainerResource') {
    const name = str(source.name, `${sp}.name`, errs);
    if (!name) errs.push(field.required(`${sp}.name`, 'must specify a resource name'));
    if (type === 'ContainerResource' && !str(source.container, `${sp}.container`, errs)) errs.push(field.required(`${sp}.container`, 'must specify a container'));
    validateTarget(obj(source.target, `${sp}.target`, errs), `${sp}.target`, errs, true);
    return;
  }
  const metric = obj(source.metric, `${sp}.metric`, errs);
  if (!metric || !str(metric.name, `${sp}.metric.name`, errs)) errs.push(field.required(`${sp}.metric.name`, 'must specify a metric name'));
  if (type === 'Object') validateTargetRef(obj(source.describedObject, `${sp}.describedObject`, errs), `${sp}.describedObject`, errs);
  validateTarget(obj(source.target, `${sp}.target`, errs), `${sp}.target`, errs, false);
}

function validateRules(rules: Obj | undefined, path: string, errs: Errs): void {
  if (!rules) return;
  const window = int(rules.stabilizationWindowSeconds, `${path}.stabilizationWindowSeconds`, errs);
  if (window !== undefined && window < 0) errs.push(field.invalid(`${path}.stabilizationWindowSeconds`, window, 'must be greater than or equal to zero'));
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(field.invalid(`${path}.stabilizationWindowSeconds`, window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  const select = str(rules.selectPolicy, `${path}.selectPolicy`, errs);
  if (select !== undefined && !['Max', 'Min', 'Disabled'].includes(select)) errs.push(field.notSupported(`${path}.selectPolicy`, select, ['Max', 'Min', 'Disabled']));
  const policies = items(rules.policies, `${path}.policies`, errs);
  if (policies.length === 0) errs.push(field.required(`${path}.policies`, 'must specify at least one Policy'));
  for (const [p, pp] of policies) {
    const type = str(p.type, `${pp}.type`, errs);
    if (type !== 'Pods' && type !== 'Percent') errs.push(field.notSupported(`${pp}.type`, type ?? '', ['Percent', 'Pods']));
    const value = int(p.value, `${pp}.value`, errs);
    if (value === undefined || value <= 0) errs.push(field.invalid(`${pp}.value`, value ?? 0, 'must be greater than zero'));
    const period = int(p.periodSeconds, `${pp}.periodSeconds`, errs);
    if (period === undefined || period <= 0) errs.push(field.invalid(`${pp}.periodSeconds`, period ?? 0, 'must be greater than zero'));
    else if (period > MAX_PERIOD_SECONDS) errs.push(field.invalid(`${pp}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  }
}

const horizontalPodAutoscaler: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    const min = int(spec.minReplicas, 'spec.minReplicas', errs);
    if (min !== undefined && min < 1) errs.push(field.invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
    const max = int(spec.maxReplicas, 'spec.maxReplicas', errs) ?? 0;
    if (max < 1) errs.push(field.invalid('spec.maxReplicas', max, 'must be greater than 0'));
    if (min !== undefined && max < min) errs.push(field.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
    validateTargetRef(obj(spec.scaleTargetRef, 'spec.scaleTargetRef', errs), 'spec.scaleTargetRef', errs);
    for (const [m, p] of items(spec.metrics, 'spec.metrics', errs)) validateMetric(m, p, errs);
    const behavior = obj(spec.behavior, 'spec.behavior', errs);
    if (behavior) {
      validateRules(obj(behavior.scaleUp, 'spec.behavior.scaleUp', errs), 'spec.behavior.scaleUp', errs);
      validateRules(obj(behavior.scaleDown, 'spec.behavior.scaleDown', errs), 'spec.behavior.scaleDown', errs);
    }
    if (isObj(o.status)) int(o.status.desiredReplicas, 'status.desiredReplicas', errs);
  },
};

export const AUTOSCALING_VALIDATORS: Record<string, KindValidator> = {
  HorizontalPodAutoscaler: horizontalPodAutoscaler,
};
