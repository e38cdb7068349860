// Owns reading this node's containers back from Docker: one snapshot per pod, rebuilt from the
// contract's labels plus `docker inspect` (cached per container and state). Never touches a
// container that lacks this kubelet's node-name label.
import type Docker from 'dockerode';
import {
  CONTAINER_HASH_LABEL,
  CONTAINER_KIND_LABEL,
  CONTAINER_NAME_LABEL,
  DOCKER_TYPE_LABEL,
  NODE_LABEL,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
  POD_UID_LABEL,
  RESTART_COUNT_LABEL,
  TERMINATION_FILE_LABEL,
} from './labels.js';

export type RuntimeState = 'created' | 'running' | 'exited' | 'unknown';

export interface RuntimeContainer {
  id: string;
  /** The pod spec's container name, or `POD` for the sandbox. */
  name: string;
  sandbox: boolean;
  kind: 'init' | 'app' | 'sandbox';
  podUid: string;
  podName: string;
  podNamespace: string;
  /** restartCount for containers, attempt for sandboxes. */
  restartCount: number;
  hash: string;
  state: RuntimeState;
  createdAtMs: number;
  startedAtMs?: number;
  finishedAtMs?: number;
  exitCode?: number;
  oomKilled: boolean;
  /** Docker's error text when the start failed. */
  error?: string;
  /** The image reference it was created from and the image's ID (sha256:...). */
  image: string;
  imageId: string;
  /** The sandbox's address on the pod network. */
  ip?: string;
  terminationFile?: string;
}

function dockerTime(s: string | undefined): number | undefined {
  if (!s || s.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : undefined;
}

function stateOf(s: string): RuntimeState {
  if (s === 'running' || s === 'paused' || s === 'restarting') return 'running';
  if (s === 'exited' || s === 'dead') return 'exited';
  if (s === 'created') return 'created';
  return 'unknown';
}

export class ContainerRuntime {
  private readonly inspected = new Map<string, { state: string; info: Docker.ContainerInspectInfo }>();

  constructor(
    readonly docker: Docker,
    readonly nodeName: string,
    private readonly networkName: string,
  ) {}

  /** Every container of this node (all states), optionally of one pod, newest first. */
  async list(podUid?: string): Promise<RuntimeContainer[]> {
    const label = [`${NODE_LABEL}=${this.nodeName}`];
    if (podUid) label.push(`${POD_UID_LABEL}=${podUid}`);
    const summaries = await this.docker.listContainers({ all: true, filters: JSON.stringify({ label }) });
    if (!podUid) {
      // A full listing: forget what Docker no longer has.
      const ids = new Set(summaries.map((s) => s.Id));
      for (const id of this.inspected.keys()) if (!ids.has(id)) this.inspected.delete(id);
    }
    const out: RuntimeContainer[] = [];
    for (const s of summaries) {
      const c = await this.describe(s);
      if (c) out.push(c);
    }
    return out.sort((a, b) => b.createdAtMs - a.createdAtMs || b.restartCount - a.restartCount);
  }

  private async describe(s: Docker.ContainerInfo): Promise<RuntimeContainer | undefined> {
    const labels = s.Labels ?? {};
    if (labels[NODE_LABEL] !== this.nodeName || !labels[POD_UID_LABEL]) return undefined;
    let cached = this.inspected.get(s.Id);
    if (!cached || cached.state !== s.State) {
      try {
        const info = await this.docker.getContainer(s.Id).inspect();
        cached = { state: s.State, info };
        this.inspected.set(s.Id, cached);
      } catch {
        return undefined; // removed meanwhile
      }
    }
    const info = cached.info;
    const sandbox = labels[DOCKER_TYPE_LABEL] === 'podsandbox';
    let state = stateOf(info.State.Status);
    // A container whose start failed stays `created` with an error: it ended without running.
    const failedStart = state === 'created' && !!info.State.Error;
    if (failedStart) state = 'exited';
    return {
      id: s.Id,
      name: labels[CONTAINER_NAME_LABEL] ?? '',
      sandbox,
      kind: sandbox ? 'sandbox' : labels[CONTAINER_KIND_LABEL] === 'init' ? 'init' : 'app',
      podUid: labels[POD_UID_LABEL]!,
      podName: labels[POD_NAME_LABEL] ?? '',
      podNamespace: labels[POD_NAMESPACE_LABEL] ?? '',
      restartCount: Number(labels[RESTART_COUNT_LABEL] ?? 0) || 0,
      hash: labels[CONTAINER_HASH_LABEL] ?? '',
      state,
      createdAtMs: dockerTime(info.Created) ?? s.Created * 1000,
      startedAtMs: dockerTime(info.State.StartedAt),
      finishedAtMs: state === 'exited' ? (dockerTime(info.State.FinishedAt) ?? dockerTime(info.Created)) : undefined,
      exitCode: state === 'exited' ? (failedStart ? info.State.ExitCode || 128 : info.State.ExitCode) : undefined,
      oomKilled: info.State.OOMKilled === true,
      error: info.State.Error || undefined,
      image: info.Config.Image,
      imageId: info.Image,
      ip: sandbox ? info.NetworkSettings?.Networks?.[this.networkName]?.IPAddress || undefined : undefined,
      terminationFile: labels[TERMINATION_FILE_LABEL],
    };
  }

  /** docker stop with a grace period: the image's stop signal (SIGTERM), then SIGKILL after `seconds`. */
  async stop(id: string, seconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(seconds)) });
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 304 && code !== 404) throw err; // 304: already stopped
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404 && (err as { statusCode?: number }).statusCode !== 409) throw err;
    }
    this.inspected.delete(id);
  }

  forget(id: string): void {
    this.inspected.delete(id);
  }
}
