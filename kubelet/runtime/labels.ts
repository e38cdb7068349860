// The contract's Docker naming and labels (dockershim's conventions): container names, the labels a
// kubelet puts on every container, and reading them back. Must never name or label anything else.
export const NODE_LABEL = 'k8ts.io/node-name';
export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
export const DOCKER_TYPE_LABEL = 'io.kubernetes.docker.type';
export const RESTART_COUNT_LABEL = 'io.kubernetes.container.restartCount';
/** k8ts: which list of the pod spec a container came from (init | app), so status can be rebuilt from labels. */
export const CONTAINER_KIND_LABEL = 'k8ts.io/container-kind';
/** k8ts: the hash of the container spec it was created from (a changed spec restarts the container, as upstream). */
export const CONTAINER_HASH_LABEL = 'io.kubernetes.container.hash';
/** k8ts: the termination message file on the host, read when the container ends. */
export const TERMINATION_FILE_LABEL = 'k8ts.io/termination-message-file';

export const SANDBOX_CONTAINER_NAME = 'POD';

export interface PodRef {
  name: string;
  namespace: string;
  uid: string;
}

export function sandboxName(pod: PodRef, attempt: number): string {
  return `k8s_${SANDBOX_CONTAINER_NAME}_${pod.name}_${pod.namespace}_${pod.uid}_${attempt}`;
}

export function containerName(pod: PodRef, container: string, restartCount: number): string {
  return `k8s_${container}_${pod.name}_${pod.namespace}_${pod.uid}_${restartCount}`;
}

export function sandboxLabels(nodeName: string, pod: PodRef, attempt: number): Record<string, string> {
  return {
    [NODE_LABEL]: nodeName,
    [POD_NAME_LABEL]: pod.name,
    [POD_NAMESPACE_LABEL]: pod.namespace,
    [POD_UID_LABEL]: pod.uid,
    [CONTAINER_NAME_LABEL]: SANDBOX_CONTAINER_NAME,
    [DOCKER_TYPE_LABEL]: 'podsandbox',
    [RESTART_COUNT_LABEL]: String(attempt),
  };
}

export function containerLabels(
  nodeName: string,
  pod: PodRef,
  container: string,
  restartCount: number,
  extra: { kind: 'init' | 'app'; hash: string; terminationFile?: string },
): Record<string, string> {
  const labels: Record<string, string> = {
    [NODE_LABEL]: nodeName,
    [POD_NAME_LABEL]: pod.name,
    [POD_NAMESPACE_LABEL]: pod.namespace,
    [POD_UID_LABEL]: pod.uid,
    [CONTAINER_NAME_LABEL]: container,
    [DOCKER_TYPE_LABEL]: 'container',
    [RESTART_COUNT_LABEL]: String(restartCount),
    [CONTAINER_KIND_LABEL]: extra.kind,
    [CONTAINER_HASH_LABEL]: extra.hash,
  };
  if (extra.terminationFile) labels[TERMINATION_FILE_LABEL] = extra.terminationFile;
  return labels;
}
