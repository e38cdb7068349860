// Upstream's RealPodControl (controller_utils.go): creates pods from a controller's template with
// its controllerRef, and deletes pods, recording SuccessfulCreate/FailedCreate/SuccessfulDelete/
// FailedDelete events on the controller. Never decides how many pods: callers do.
import type { OwnerReference, Pod, PodTemplateSpec } from '../../api/types.js';
import type { EventRecorder, KubeObject, ResourceClient } from '../../client/index.js';
import { eventTarget } from './events.js';
import { errorMessage, hasStatusCause, isNotFound, NAMESPACE_TERMINATING_CAUSE } from './errors.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** getPodsPrefix: `<controller>-`, or '' when that would not be a valid generateName. */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return DNS1123_SUBDOMAIN.test(controllerName) && prefix.length <= 253 - 5 ? prefix : '';
}

/** GetPodFromTemplate: labels, annotations, finalizers and spec of the template, generateName and controllerRef. */
export function podFromTemplate(template: Readonly<PodTemplateSpec>, controllerName: string, namespace: string, controllerRef?: OwnerReference): Pod {
  const t = structuredClone(template) as PodTemplateSpec;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace,
      generateName: podNamePrefix(controllerName),
      labels: { ...(t.metadata?.labels ?? {}) },
      annotations: { ...(t.metadata?.annotations ?? {}) },
    },
    spec: t.spec!,
  };
  if (t.metadata?.finalizers?.length) pod.metadata!.finalizers = [...t.metadata.finalizers];
  if (controllerRef) pod.metadata!.ownerReferences = [controllerRef];
  return pod;
}

export class PodControl {
  constructor(private readonly pods: ResourceClient<Pod & KubeObject>, private readonly recorder: EventRecorder) {}

  /** CreatePods: one pod from the template; FailedCreate event on error (not for a terminating namespace). */
  async createPod(namespace: string, template: Readonly<PodTemplateSpec>, owner: Readonly<KubeObject>, controllerRef: OwnerReference): Promise<Pod> {
    const controller = eventTarget(owner, controllerRef.apiVersion, controllerRef.kind);
    const pod = podFromTemplate(template, controller.metadata?.name ?? '', namespace, controllerRef);
    if (Object.keys(pod.metadata?.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
    try {
      const created = await this.pods.create(pod as Pod & KubeObject, {}, namespace);
      this.recorder.eventf(controller, 'Normal', 'SuccessfulCreate', 'Created pod: %v', created.metadata?.name);
      return created;
    } catch (err) {
      if (!hasStatusCause(err, NAMESPACE_TERMINATING_CAUSE)) {
        this.recorder.eventf(controller, 'Warning', 'FailedCreate', 'Error creating: %v', errorMessage(err));
      }
      throw err;
    }
  }

  /** DeletePod: SuccessfulDelete event on the owner (named by apiVersion/kind); FailedDelete unless the pod was already gone (then it rethrows NotFound). */
  async deletePod(namespace: string, name: string, owner: Readonly<KubeObject>, apiVersion: string, kind: string): Promise<void> {
    const controller = eventTarget(owner, apiVersion, kind);
    try {
      await this.pods.delete(name, {}, namespace);
      this.recorder.eventf(controller, 'Normal', 'SuccessfulDelete', 'Deleted pod: %v', name);
    } catch (err) {
      if (!isNotFound(err)) this.recorder.eventf(controller, 'Warning', 'FailedDelete', 'Error deleting: %v', errorMessage(err));
      throw err;
    }
  }
}
