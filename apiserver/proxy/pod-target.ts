// Resolves a pods/log or pods/exec request to the kubelet path it becomes: the pod, its container
// (defaulted when the pod has one, as upstream's validateContainer), its node and that node's kubelet.
// Reads storage only; never writes.
import { BadRequestError } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types.js';
import type { ResourceStore } from '../registry/store.js';
import { kubeletEndpoint, type KubeletEndpoint } from './kubelet-connection.js';

export interface PodStores {
  pods: ResourceStore;
  nodes: ResourceStore;
}

/** All container names in upstream's VisitContainers order: init, app, ephemeral. */
function containerNames(pod: Pod): string[] {
  return [
    ...(pod.spec?.initContainers ?? []).map((c) => c.name),
    ...(pod.spec?.containers ?? []).map((c) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => c.name),
  ];
}

/** Upstream's validateContainer: the named container must exist; none named picks the only one. */
export function validateContainer(pod: Pod, container: string | undefined): string {
  const name = pod.metadata?.name ?? '';
  if (!container) {
    const containers = pod.spec?.containers ?? [];
    if (containers.length === 1) return containers[0]!.name;
    if (containers.length === 0) throw new BadRequestError(`a container name must be specified for pod ${name}`);
    throw new BadRequestError(`a container name must be specified for pod ${name}, choose one of: [${containerNames(pod).join(' ')}]`);
  }
  if (!containerNames(pod).includes(container)) throw new BadRequestError(`container ${container} is not valid for pod ${name}`);
  return container;
}

export interface StreamTarget {
  pod: Pod;
  container: string;
  /** Undefined when the pod is not bound to a node yet. */
  kubelet?: KubeletEndpoint;
}

export async function resolveTarget(stores: PodStores, namespace: string, name: string, container: string | undefined): Promise<StreamTarget> {
  const pod = (await stores.pods.get(namespace, name)) as Pod;
  const chosen = validateContainer(pod, container);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) return { pod, container: chosen };
  const node = (await stores.nodes.get(undefined, nodeName)) as Node;
  return { pod, container: chosen, kubelet: kubeletEndpoint(node) };
}
