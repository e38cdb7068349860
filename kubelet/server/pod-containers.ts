// Finds the Docker container behind a pod's container, by the contract's labels and the pod's
// status, as the kubelet's validateContainerLogStatus does. Only ever returns containers that carry
// this kubelet's node-name label; never creates, starts or removes anything.
import type Docker from 'dockerode';
import type { ContainerStatus, Pod } from '../../api/types.js';
import {
  CONTAINER_NAME_LABEL,
  DOCKER_TYPE_LABEL,
  NODE_LABEL,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
  POD_UID_LABEL,
  RESTART_COUNT_LABEL,
} from '../runtime/labels.js';

/** A failure answered with an HTTP code and a plain-text message, as the kubelet's server does. */
export class KubeletHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'KubeletHttpError';
  }
}

export interface ContainerInstance {
  id: string;
  restartCount: number;
  running: boolean;
  tty: boolean;
}

/** Every spec container name of the pod, in upstream's VisitContainers order (init, app, ephemeral). */
export function specContainerNames(pod: Pod): string[] {
  return [
    ...(pod.spec?.initContainers ?? []).map((c) => c.name),
    ...(pod.spec?.containers ?? []).map((c) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => c.name),
  ];
}

/** Instances of one container of one pod on this node, newest (highest restart count) first. */
export async function containerInstances(docker: Docker, nodeName: string, pod: Pod, containerName: string): Promise<ContainerInstance[]> {
  const filters: string[] = [
    `${NODE_LABEL}=${nodeName}`,
    `${POD_NAMESPACE_LABEL}=${pod.metadata?.namespace ?? ''}`,
    `${POD_NAME_LABEL}=${pod.metadata?.name ?? ''}`,
    `${CONTAINER_NAME_LABEL}=${containerName}`,
    `${DOCKER_TYPE_LABEL}=container`,
  ];
  if (pod.metadata?.uid) filters.push(`${POD_UID_LABEL}=${pod.metadata.uid}`);
  const list = await docker.listContainers({ all: true, filters: { label: filters } });
  const instances = await Promise.all(
    list.map(async (c) => {
      const info = await docker.getContainer(c.Id).inspect().catch(() => undefined);
      return {
        id: c.Id,
        restartCount: Number(c.Labels[RESTART_COUNT_LABEL] ?? 0) || 0,
        running: c.State === 'running',
        tty: info?.Config?.Tty === true,
      };
    }),
  );
  return instances.sort((a, b) => b.restartCount - a.restartCount);
}

function dockerId(containerID: string | undefined): string | undefined {
  if (!containerID) return undefined;
  const i = containerID.indexOf('://');
  return i >= 0 ? containerID.slice(i + 3) : containerID;
}

function statusOf(pod: Pod, containerName: string): ContainerStatus | undefined {
  const all = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  return all.find((s) => s.name === containerName);
}

/**
 * The container whose logs /containerLogs serves: from the pod status as upstream's
 * validateContainerLogStatus (so the errors read the same), with Docker as the source when the status
 * lags behind (no status yet, or still waiting while an instance already exists).
 */
export async function logContainer(docker: Docker, nodeName: string, pod: Pod, containerName: string, previous: boolean): Promise<ContainerInstance> {
  const podName = pod.metadata?.name ?? '';
  const instances = await containerInstances(docker, nodeName, pod, containerName);
  const byId = (id: string | undefined) => (id ? instances.find((i) => i.id === id || i.id.startsWith(id)) : undefined);
  const status = statusOf(pod, containerName);
  const q = (s: string) => JSON.stringify(s);
  if (!status) {
    const chosen = previous ? instances[1] : instances[0];
    if (chosen) return chosen;
    if (previous) throw new KubeletHttpError(400, `previous terminated container ${q(containerName)} in pod ${q(podName)} not found`);
    throw new KubeletHttpError(400, `container ${q(containerName)} in pod ${q(podName)} is waiting to start: ContainerCreating`);
  }
  const last = status.lastState?.terminated;
  const { waiting, running, terminated } = status.state ?? {};
  const found = (id: string | undefined, what: string): ContainerInstance => {
    const instance = byId(dockerId(id));
    if (!instance) throw new KubeletHttpError(404, `${what} ${q(containerName)} in pod ${q(podName)} not found on this node`);
    return instance;
  };
  if (previous) {
    if (!last?.containerID) throw new KubeletHttpError(400, `previous terminated container ${q(containerName)} in pod ${q(podName)} not found`);
    return found(last.containerID, 'previous terminated container');
  }
  if (running) return found(status.containerID, 'container');
  if (terminated) {
    if (terminated.containerID) return found(terminated.containerID, 'container');
    if (last?.containerID) return found(last.containerID, 'container');
    throw new KubeletHttpError(400, `container ${q(containerName)} in pod ${q(podName)} is terminated`);
  }
  if (last) {
    if (!last.containerID) throw new KubeletHttpError(400, `container ${q(containerName)} in pod ${q(podName)} is terminated`);
    return found(last.containerID, 'container');
  }
  // Waiting with no earlier run: the status may simply not have caught up with Docker yet.
  if (instances[0]) return instances[0];
  if (waiting) {
    const reason = waiting.reason ?? '';
    if (reason === 'ErrImagePull') throw new KubeletHttpError(400, `container ${q(containerName)} in pod ${q(podName)} is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff') throw new KubeletHttpError(400, `container ${q(containerName)} in pod ${q(podName)} is waiting to start: trying and failing to pull image`);
    throw new KubeletHttpError(400, `container ${q(containerName)} in pod ${q(podName)} is waiting to start: ${reason}`);
  }
  throw new KubeletHttpError(400, `container ${q(containerName)} in pod ${q(podName)} is waiting to start - no logs yet`);
}

/** The running instance exec and attach use; upstream's `container not found ("x")` otherwise. */
export async function runningContainer(docker: Docker, nodeName: string, pod: Pod, containerName: string): Promise<ContainerInstance> {
  const instances = await containerInstances(docker, nodeName, pod, containerName);
  const running = instances.find((i) => i.running);
  if (!running) throw new KubeletHttpError(500, `container not found (${q(containerName)})`);
  return running;
}

function q(s: string): string {
  return JSON.stringify(s);
}
