// Admission plugin Priority: resolves a pod's priorityClassName (or the globalDefault class) into
// spec.priority and spec.preemptionPolicy on create and keeps them on update; refuses unknown
// classes and a second globalDefault PriorityClass with upstream's 403 messages. Reads only.
import type { KubeObject } from '../registry/codec.js';
import { forbidden, type AdmissionAttributes, type AdmissionPlugin, type AdmissionReader } from './types.js';

export const SYSTEM_CLUSTER_CRITICAL = 'system-cluster-critical';
export const SYSTEM_NODE_CRITICAL = 'system-node-critical';
/** upstream scheduling.SystemCriticalPriority. */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

/** The PriorityClasses every cluster has (upstream SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: KubeObject[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: SYSTEM_NODE_CRITICAL },
    value: SYSTEM_CRITICAL_PRIORITY + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: SYSTEM_CLUSTER_CRITICAL },
    value: SYSTEM_CRITICAL_PRIORITY,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

const isPods = (a: AdmissionAttributes) => a.resource.group === '' && a.resource.plural === 'pods' && a.subresource === '';
const isPriorityClasses = (a: AdmissionAttributes) => a.resource.group === 'scheduling.k8s.io' && a.resource.plural === 'priorityclasses';

/** The globalDefault class with the highest value, as upstream getDefaultPriorityClass. */
async function defaultClass(reader: AdmissionReader): Promise<KubeObject | undefined> {
  let best: KubeObject | undefined;
  for (const pc of await reader.list('scheduling.k8s.io', 'priorityclasses')) {
    if (pc.globalDefault === true && (!best || (best.value as number) < (pc.value as number))) best = pc;
  }
  return best;
}

async function admitPod(attrs: AdmissionAttributes, reader: AdmissionReader): Promise<void> {
  const spec = (attrs.object.spec ??= {});
  if (attrs.operation === 'UPDATE') {
    // Priority is fixed at creation: keep what the stored pod has.
    const old = attrs.oldObject?.spec;
    if (old?.priority !== undefined) spec.priority = old.priority;
    if (old?.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
    return;
  }
  let priority = 0;
  let preemptionPolicy: string | undefined = 'PreemptLowerPriority';
  if (!spec.priorityClassName) {
    const pc = await defaultClass(reader);
    if (pc) {
      spec.priorityClassName = pc.metadata!.name;
      priority = pc.value as number;
      preemptionPolicy = pc.preemptionPolicy as string | undefined;
    }
  } else {
    const pc = await reader.get('scheduling.k8s.io', 'priorityclasses', undefined, spec.priorityClassName);
    if (!pc) throw forbidden(attrs, `no PriorityClass with name ${spec.priorityClassName} was found`);
    priority = pc.value as number;
    preemptionPolicy = pc.preemptionPolicy as string | undefined;
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
    throw forbidden(attrs, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  if (preemptionPolicy !== undefined) {
    if (spec.preemptionPolicy && spec.preemptionPolicy !== preemptionPolicy) {
      throw forbidden(attrs, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = preemptionPolicy;
  }
}

async function validatePriorityClass(attrs: AdmissionAttributes, reader: AdmissionReader): Promise<void> {
  if (attrs.object.globalDefault !== true) return;
  const existing = await defaultClass(reader);
  if (existing && existing.metadata?.name !== attrs.object.metadata?.name) {
    throw forbidden(attrs, `PriorityClass ${existing.metadata?.name} is already marked as default. Only one default can exist`);
  }
}

export const priority: AdmissionPlugin = {
  name: 'Priority',
  async admit(attrs, reader) {
    if (isPods(attrs)) await admitPod(attrs, reader);
  },
  async validate(attrs, reader) {
    if (isPriorityClasses(attrs)) await validatePriorityClass(attrs, reader);
  },
};
