// Per-kind behaviour of the generic store, as upstream's RESTCreateStrategy/RESTUpdateStrategy/
// RESTGracefulDeleteStrategy: what create resets, what update preserves, how delete is graceful.
// Pure functions of objects; they never read or write storage.
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from './codec.js';

export interface Strategy {
  /** Resets what a client may not set on create (status of workloads, a pod's phase, ...). */
  prepareForCreate(obj: KubeObject): void;
  /** Sets what the system keeps true on every write of the main resource. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Grace period in seconds for a graceful delete, or 0 to delete at once. */
  gracePeriod(obj: KubeObject, requested: number | undefined): number;
}

const noop = (): void => {};

function resetStatus(obj: KubeObject): void {
  obj.status = {};
}

/** QoS class as upstream's GetPodQOS: Guaranteed, Burstable or BestEffort. */
export function podQosClass(pod: KubeObject): string {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])] as any[];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c?.resources?.requests ?? {};
    const lim = c?.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined) guaranteed = false;
      else if (req[r] !== undefined && String(req[r]) !== String(lim[r])) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const podStrategy: Strategy = {
  prepareForCreate(pod) {
    pod.status = { phase: 'Pending', qosClass: podQosClass(pod) };
  },
  gracePeriod(pod, requested) {
    // Upstream: a pod that never reached a node, or has finished, goes at once.
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const grace = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  },
};

/** Upstream labels every namespace with its own name, so selectors can pick namespaces by name. */
function labelNamespaceName(ns: KubeObject): void {
  const meta = (ns.metadata ??= {});
  meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name };
}

const namespaceStrategy: Strategy = {
  prepareForCreate(ns) {
    ns.status = { phase: 'Active' };
    labelNamespaceName(ns);
  },
  prepareForUpdate: labelNamespaceName,
  gracePeriod: () => 0,
};

/** Upstream's Secret conversion: stringData is merged into data (base64) and never stored. */
function mergeStringData(secret: KubeObject): void {
  const stringData = secret.stringData;
  delete secret.stringData;
  if (stringData === null || typeof stringData !== 'object' || Array.isArray(stringData)) return;
  const data = secret.data !== null && typeof secret.data === 'object' && !Array.isArray(secret.data) ? secret.data : {};
  for (const [key, value] of Object.entries(stringData)) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  secret.data = data;
}

const secretStrategy: Strategy = {
  prepareForCreate: mergeStringData,
  prepareForUpdate: mergeStringData,
  gracePeriod: () => 0,
};

/**
 * Upstream's Job strategy: unless the user picks the selector (manualSelector), the Job selects its
 * pods by its own uid, and the template carries the uid and job-name labels.
 */
function generateJobSelector(job: KubeObject): void {
  resetStatus(job);
  const spec = job.spec;
  if (spec === null || typeof spec !== 'object' || spec.manualSelector === true) return;
  const template = (spec.template ??= {});
  if (template === null || typeof template !== 'object') return;
  const tmeta = (template.metadata ??= {});
  if (tmeta === null || typeof tmeta !== 'object') return;
  const labels = (tmeta.labels ??= {});
  if (labels === null || typeof labels !== 'object') return;
  const { name, uid } = job.metadata ?? {};
  for (const key of ['job-name', 'batch.kubernetes.io/job-name']) if (!(key in labels)) labels[key] = name;
  for (const key of ['controller-uid', 'batch.kubernetes.io/controller-uid']) if (!(key in labels)) labels[key] = uid;
  const selector = (spec.selector ??= {});
  if (selector === null || typeof selector !== 'object') return;
  const matchLabels = (selector.matchLabels ??= {});
  if (matchLabels !== null && typeof matchLabels === 'object' && !('batch.kubernetes.io/controller-uid' in matchLabels)) {
    matchLabels['batch.kubernetes.io/controller-uid'] = uid;
  }
}

const jobStrategy: Strategy = { prepareForCreate: generateJobSelector, gracePeriod: () => 0 };

const plain: Strategy = { prepareForCreate: noop, gracePeriod: () => 0 };
const statusReset: Strategy = { prepareForCreate: resetStatus, gracePeriod: () => 0 };

export function strategyFor(res: ResourceInfo): Strategy {
  if (res.group === '' && res.plural === 'pods') return podStrategy;
  if (res.group === '' && res.plural === 'namespaces') return namespaceStrategy;
  if (res.group === '' && res.plural === 'secrets') return secretStrategy;
  if (res.group === 'batch' && res.plural === 'jobs') return jobStrategy;
  // Upstream clears the status of workloads, claims and ingresses on create; nodes and services keep theirs.
  if (res.hasStatus && !(res.group === '' && ['nodes', 'services', 'persistentvolumes'].includes(res.plural))) return statusReset;
  return plain;
}
