// The parts of kubelet/volumes and kubelet/probes the pod lifecycle calls, as the kubelet contract
// names them. Structural types only, so the pod manager takes the real VolumeManager/ProbeManager
// (or a test's) without depending on their internals.
import type Docker from 'dockerode';
import type { Container, LifecycleHandler, Pod } from '../../api/types.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface PodVolumes {
  setUpPod(pod: Pod, context: { podIP?: string; podIPs?: string[]; hostIP?: string; nodeAllocatable?: Record<string, string> }): Promise<void>;
  mountsFor(pod: Pod, container: Container, options?: { env?: Map<string, string>; podIPs?: string[] }): Docker.MountSettings[];
  refreshPod(pod: Pod): Promise<void>;
  tearDownPod(podUid: string): Promise<void>;
  /** Pod uids that still have a directory (for cleaning up after pods that are gone). */
  listPodDirs?(): string[];
}

export interface PodProbes {
  syncPod(pod: Pod, running: Map<string, { containerId: string; startedAtMs: number }>, podIP?: string): void;
  removePod(podUid: string): void;
  ready(podUid: string, containerName: string): boolean;
  started(podUid: string, containerName: string): boolean;
  stop(): void;
}

export type ProbeResultHandler = (podUid: string, containerName: string, kind: ProbeKind, result: 'success' | 'failure', message: string) => void;

export type ProbeFailedHandler = (podUid: string, containerName: string, kind: ProbeKind, message: string, containerId: string) => void;

export type LifecycleRunner = (
  docker: Docker,
  handler: LifecycleHandler,
  target: { podIP?: string; containerId: string; container?: Container; pod?: Pod },
  timeoutMs: number,
) => Promise<{ ok: boolean; message: string }>;
