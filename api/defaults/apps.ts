// Defaulting of apps/v1 workloads, after upstream's pkg/apis/apps/v1/defaults.go.
// Only fills absent fields; the embedded pod templates get the pod spec defaults of core.ts.

import { defaultPodTemplate } from './core.js';
import { child, setDefault, type Obj } from './util.js';

function defaultDeployment(d: Obj): void {
  const spec = child(d, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'maxUnavailable', '25%');
        setDefault(ru, 'maxSurge', '25%');
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec.template);
}

function defaultReplicaSet(rs: Obj): void {
  const spec = child(rs, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(spec.template);
}

function defaultDaemonSet(ds: Obj): void {
  const spec = child(ds, 'spec');
  if (!spec) return;
  const strategy = child(spec, 'updateStrategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'maxUnavailable', 1);
        setDefault(ru, 'maxSurge', 0);
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec.template);
}

function defaultStatefulSet(sts: Obj): void {
  const spec = child(sts, 'spec');
  if (!spec) return;
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = child(spec, 'updateStrategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) setDefault(ru, 'partition', 0);
    }
  }
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    setDefault(retention, 'whenDeleted', 'Retain');
    setDefault(retention, 'whenScaled', 'Retain');
  }
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec.template);
}

export const APPS_DEFAULTERS: Record<string, (obj: Obj) => void> = {
  Deployment: defaultDeployment,
  ReplicaSet: defaultReplicaSet,
  DaemonSet: defaultDaemonSet,
  StatefulSet: defaultStatefulSet,
};

