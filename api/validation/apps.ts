// Validation of apps/v1 workloads as upstream's pkg/apis/apps/validation: Deployment, ReplicaSet,
// DaemonSet, StatefulSet, ControllerRevision. Never throws; selector changes are rejected on update.

import { field } from '../errors.js';
import type { KindValidator } from './kinds.js';
import { validateSelectorAndTemplate } from './workload.js';
import { deepEqual, diffPaths, immutable, int, intOrPercent, isObj, nonNegative, obj, oneOf, requiredOneOf, type Errs, type Obj } from './util.js';

const ALWAYS = ['Always'];

function specOf(o: Obj, errs: Errs): Obj {
  return obj(o.spec, 'spec', errs) ?? {};
}

function minReadyAndHistory(spec: Obj, errs: Errs): void {
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errs);
  nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', errs);
}

function percentOver100(v: { value: number; percent: boolean } | undefined): boolean {
  return v !== undefined && v.percent && v.value > 100;
}

function validateDeploymentStrategy(spec: Obj, errs: Errs): void {
  const strategy = obj(spec.strategy, 'spec.strategy', errs);
  if (!strategy) return;
  const type = oneOf(strategy.type, 'spec.strategy.type', ['Recreate', 'RollingUpdate'], errs);
  const ru = obj(strategy.rollingUpdate, 'spec.strategy.rollingUpdate', errs);
  if (type === 'Recreate' && ru) {
    errs.push(field.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
    return;
  }
  if (!ru) return;
  const p = 'spec.strategy.rollingUpdate';
  const mu = intOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`, errs);
  const ms = intOrPercent(ru.maxSurge, `${p}.maxSurge`, errs);
  if (mu?.value === 0 && ms?.value === 0) {
    errs.push(field.invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  if (percentOver100(mu)) errs.push(field.invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'must not be greater than 100%'));
}

const deployment: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = specOf(o, errs);
    nonNegative(spec.replicas, 'spec.replicas', errs);
    validateSelectorAndTemplate(spec, 'spec', { kind: 'deployment', restartPolicies: ALWAYS, forbidActiveDeadline: true }, errs);
    validateDeploymentStrategy(spec, errs);
    minReadyAndHistory(spec, errs);
    const pds = nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds', errs);
    const mrs = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (pds !== undefined && pds <= mrs) {
      errs.push(field.invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
    }
  },
  update: selectorImmutable,
};

function selectorImmutable(n: Obj, o: Obj, errs: Errs): void {
  const ns = isObj(n.spec) ? n.spec : {};
  const os = isObj(o.spec) ? o.spec : {};
  immutable(ns.selector, os.selector, 'spec.selector', errs);
}

const replicaSet: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = specOf(o, errs);
    nonNegative(spec.replicas, 'spec.replicas', errs);
    nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errs);
    validateSelectorAndTemplate(spec, 'spec', { kind: 'replicaset', restartPolicies: ALWAYS, forbidActiveDeadline: true }, errs);
  },
  update: selectorImmutable,
};

const daemonSet: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = specOf(o, errs);
    validateSelectorAndTemplate(spec, 'spec', { kind: 'daemonset', restartPolicies: ALWAYS, forbidActiveDeadline: true }, errs);
    minReadyAndHistory(spec, errs);
    const strategy = obj(spec.updateStrategy, 'spec.updateStrategy', errs);
    if (!strategy) return;
    const type = oneOf(strategy.type, 'spec.updateStrategy.type', ['OnDelete', 'RollingUpdate'], errs);
    const ru = obj(strategy.rollingUpdate, 'spec.updateStrategy.rollingUpdate', errs);
    if (type === 'RollingUpdate' && ru) {
      const p = 'spec.updateStrategy.rollingUpdate';
      const mu = intOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`, errs);
      const ms = intOrPercent(ru.maxSurge, `${p}.maxSurge`, errs);
      if ((mu?.value ?? 0) === 0 && (ms?.value ?? 0) === 0) {
        errs.push(field.invalid(`${p}.maxUnavailable`, ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
      }
      if (percentOver100(mu)) errs.push(field.invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'must not be greater than 100%'));
      if (percentOver100(ms)) errs.push(field.invalid(`${p}.maxSurge`, ru.maxSurge, 'must not be greater than 100%'));
    }
  },
  update: selectorImmutable,
};

const STS_UPDATABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

const statefulSet: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = specOf(o, errs);
    nonNegative(spec.replicas, 'spec.replicas', errs);
    minReadyAndHistory(spec, errs);
    if (spec.podManagementPolicy !== undefined) {
      requiredOneOf(spec.podManagementPolicy, 'spec.podManagementPolicy', ['OrderedReady', 'Parallel'], errs);
    }
    const strategy = obj(spec.updateStrategy, 'spec.updateStrategy', errs);
    if (strategy) {
      const type = oneOf(strategy.type, 'spec.updateStrategy.type', ['RollingUpdate', 'OnDelete'], errs);
      const ru = obj(strategy.rollingUpdate, 'spec.updateStrategy.rollingUpdate', errs);
      if (type === 'OnDelete' && ru) {
        errs.push(field.invalid('spec.updateStrategy.rollingUpdate', ru, "only allowed for updateStrategy 'RollingUpdate'"));
      } else if (ru) {
        nonNegative(ru.partition, 'spec.updateStrategy.rollingUpdate.partition', errs);
        const mu = intOrPercent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', errs);
        if (mu && mu.value === 0) errs.push(field.invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'must be greater than 0'));
      }
    }
    const retention = obj(spec.persistentVolumeClaimRetentionPolicy, 'spec.persistentVolumeClaimRetentionPolicy', errs);
    if (retention) {
      oneOf(retention.whenDeleted, 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted', ['Retain', 'Delete'], errs);
      oneOf(retention.whenScaled, 'spec.persistentVolumeClaimRetentionPolicy.whenScaled', ['Retain', 'Delete'], errs);
    }
    const ordinals = obj(spec.ordinals, 'spec.ordinals', errs);
    if (ordinals) nonNegative(ordinals.start, 'spec.ordinals.start', errs);
    // Containers mount the claims of volumeClaimTemplates by name (upstream does not check the pod
    // spec's volumes of a StatefulSet at all), so those names count as volumes here.
    validateSelectorAndTemplate(withClaimTemplateVolumes(spec), 'spec', { kind: 'statefulset', restartPolicies: ALWAYS, forbidActiveDeadline: true }, errs);
  },
  update(n, o, errs) {
    const ns = isObj(n.spec) ? n.spec : {};
    const os = isObj(o.spec) ? o.spec : {};
    const munged: Obj = { ...ns };
    for (const k of STS_UPDATABLE) munged[k] = os[k];
    if (!deepEqual(munged, os)) {
      const changed = diffPaths(os, munged, 'spec');
      errs.push(
        field.forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" +
            (changed.length ? `\n  changed: ${changed.join(', ')}` : ''),
        ),
      );
    }
  },
};

/** The spec with one persistentVolumeClaim volume per claim template the template does not already name. */
function withClaimTemplateVolumes(spec: Obj): Obj {
  const claims = Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
  if (claims.length === 0 || !isObj(spec.template) || !isObj(spec.template.spec)) return spec;
  const volumes = Array.isArray(spec.template.spec.volumes) ? spec.template.spec.volumes : [];
  const named = new Set(volumes.map((v: unknown) => (isObj(v) ? v.name : undefined)));
  const extra = claims
    .map((c: unknown) => (isObj(c) && isObj(c.metadata) && typeof c.metadata.name === 'string' ? c.metadata.name : undefined))
    .filter((n: string | undefined): n is string => !!n && !named.has(n))
    .map((name: string) => ({ name, persistentVolumeClaim: { claimName: name } }));
  if (extra.length === 0) return spec;
  return { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, volumes: [...volumes, ...extra] } } };
}

const controllerRevision: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const rev = int(o.revision, 'revision', errs);
    if (rev !== undefined && rev < 0) errs.push(field.invalid('revision', rev, 'must be greater than or equal to 0'));
  },
  update(n, o, errs) {
    immutable(n.data, o.data, 'data', errs);
  },
};

export const APPS_VALIDATORS: Record<string, KindValidator> = {
  Deployment: deployment,
  ReplicaSet: replicaSet,
  DaemonSet: daemonSet,
  StatefulSet: statefulSet,
  ControllerRevision: controllerRevision,
};
