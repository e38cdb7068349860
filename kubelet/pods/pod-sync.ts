// Owns one level-triggered sync of one pod, as upstream's syncPod/computePodActions: sandbox, volumes,
// init containers in order (sidecars kept running), app containers with restart policy and
// CrashLoopBackOff, probe-driven restarts, activeDeadlineSeconds, termination. Reads the world from
// Docker each time; never writes the pod object (the caller sends the status it returns).
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { Container, Pod, PodStatus } from '../../api/types.js';
import type { EventRecorder, KubeObject } from '../../client/index.js';
import { CreateContainerConfigError, containerEnv, type EnvSources } from '../env/index.js';
import { hostBoundingSet, unknownCapability } from '../runtime/capabilities.js';
import { buildContainerConfig, runAsNonRootError } from '../runtime/container-config.js';
import type { ContainerRuntime, RuntimeContainer } from '../runtime/containers.js';
import { imageIdForStatus, inspectImage, type ImageInfo } from '../runtime/images.js';
import { containerLabels, containerName, sandboxLabels, sandboxName, type PodRef } from '../runtime/labels.js';
import { buildSandboxConfig } from '../runtime/sandbox-config.js';
import { goDuration, KeyedBackoff } from './backoff.js';
import type { LifecycleRunner, PodProbes, PodVolumes } from './deps.js';
import { parseResolvConf, podDns, podHostname, resolvConfText } from './dns.js';
import type { ImagePuller } from './image-puller.js';
import { computePodStatus, isSidecar, type WaitingReason } from './status.js';

/** Upstream's minimumGracePeriodInSeconds. */
const MIN_GRACE_SECONDS = 2;
/** How often configMap/secret/downwardAPI volume contents are refreshed in place. */
const VOLUME_REFRESH_MS = 60_000;
/** Retry after a failure that no event will wake us for (volume, config). */
const RETRY_MS = 5_000;
/** Upstream's maxTerminationMessageLength / log fallback. */
const MAX_TERMINATION_MESSAGE = 4096;
const FALLBACK_LOG_LINES = 80;
const FALLBACK_LOG_BYTES = 2048;

export interface SyncDeps {
  docker: Docker;
  runtime: ContainerRuntime;
  nodeName: string;
  networkName: string;
  podInfraImage: string;
  clusterDNS: string[];
  clusterDomain: string;
  hostIP: string;
  resolvConfPath: string;
  logger: Logger;
  recorder: EventRecorder;
  volumes: PodVolumes;
  probes: PodProbes;
  runLifecycle: LifecycleRunner;
  envSources: EnvSources;
  serviceEnv(namespace: string, enableServiceLinks: boolean): Record<string, string>;
  nodeAllocatable?(): Record<string, string> | undefined;
  images: ImagePuller;
  crashBackoff: KeyedBackoff;
}

/** What a worker remembers about its pod between syncs (lost on restart, as upstream's is). */
export interface PodMemory {
  volumesReady: boolean;
  lastVolumeRefreshMs: number;
  /** Containers a liveness/startup failure condemned: name -> Killing message. */
  probeKills: Map<string, string>;
  terminal?: { phase: 'Failed' | 'Succeeded'; reason?: string; message?: string };
  privilegeWarned: Set<string>;
  terminationMessages: Map<string, string | undefined>;
  images: Map<string, ImageInfo>;
}

export function newPodMemory(): PodMemory {
  return { volumesReady: false, lastVolumeRefreshMs: 0, probeKills: new Map(), privilegeWarned: new Set(), terminationMessages: new Map(), images: new Map() };
}

export interface SyncResult {
  status: PodStatus;
  /** Sync again after this long even without an event (backoff expiry, retries). */
  requeueAfterMs?: number;
}

/** The object events are recorded on (informer items may lack kind/apiVersion). */
export function eventRef(pod: Pod): KubeObject {
  return { ...pod, apiVersion: 'v1', kind: 'Pod' } as KubeObject;
}

export function podRef(pod: Pod): PodRef {
  return { name: pod.metadata!.name!, namespace: pod.metadata!.namespace ?? 'default', uid: pod.metadata!.uid! };
}

/** A stable hash of a container spec: a changed spec (image) restarts the container, as upstream. */
export function containerHash(c: Container): string {
  return createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 8);
}

function podFullName(pod: Pod): string {
  return `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
}

function shouldRestart(pod: Pod, c: Container, exitCode: number | undefined): boolean {
  if (isSidecar(c)) return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

export function gracePeriodOf(pod: Pod): number {
  const g = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(g, MIN_GRACE_SECONDS);
}

/** The grace period of a restart (not a deletion): the pod spec's. */
function specGrace(pod: Pod): number {
  return Math.max(pod.spec?.terminationGracePeriodSeconds ?? 30, MIN_GRACE_SECONDS);
}

interface SyncContext {
  pod: Pod;
  ref: KubeObject;
  mem: PodMemory;
  all: RuntimeContainer[];
  containers: RuntimeContainer[];
  sandbox?: RuntimeContainer;
  podIP?: string;
  waiting: Map<string, WaitingReason>;
  retryAt: number[];
}

export class PodSyncer {
  constructor(private readonly d: SyncDeps) {}

  private log(pod: Pod): Logger {
    return this.d.logger.child({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, uid: pod.metadata?.uid });
  }

  /** One sync of a live pod; returns the status to send. */
  async sync(pod: Pod, mem: PodMemory): Promise<SyncResult> {
    const uid = pod.metadata!.uid!;
    const all = await this.d.runtime.list(uid);
    const ctx: SyncContext = {
      pod,
      ref: eventRef(pod),
      mem,
      all,
      containers: all.filter((c) => !c.sandbox),
      sandbox: all.find((c) => c.sandbox),
      waiting: new Map(),
      retryAt: [],
    };
    ctx.podIP = pod.spec?.hostNetwork ? this.d.hostIP : ctx.sandbox?.state === 'running' ? ctx.sandbox.ip : undefined;

    // Terminal pods stay terminal: stop what still runs, report the final status.
    const before = await this.status(ctx);
    if (mem.terminal || before.phase === 'Succeeded' || before.phase === 'Failed') {
      await this.killRunning(ctx, gracePeriodOf(pod));
      return { status: await this.refreshStatus(ctx) };
    }
    const deadline = this.deadlineExceeded(pod);
    if (deadline) {
      const message = 'Pod was active on the node longer than the specified deadline';
      this.d.recorder.event(ctx.ref, 'Normal', 'DeadlineExceeded', message);
      mem.terminal = { phase: 'Failed', reason: 'DeadlineExceeded', message };
      await this.killRunning(ctx, gracePeriodOf(pod));
      return { status: await this.refreshStatus(ctx) };
    }
    if (deadline === false) ctx.retryAt.push(this.deadlineAt(pod)!);

    if (!(await this.ensureSandbox(ctx))) return this.result(ctx, RETRY_MS);
    if (!(await this.ensureVolumes(ctx))) return this.result(ctx, RETRY_MS);

    await this.applyProbeKills(ctx);
    const initDone = await this.syncInitContainers(ctx);
    if (initDone) {
      for (const c of pod.spec!.containers) await this.syncContainer(ctx, c, 'app');
    }
    const latest = await this.d.runtime.list(uid);
    ctx.all = latest;
    ctx.containers = latest.filter((c) => !c.sandbox);
    this.d.probes.syncPod(pod, this.runningMap(ctx), ctx.podIP);
    const status = await this.status(ctx);
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      // The last regular container finished for good: stop sidecars and the sandbox.
      await this.killRunning(ctx, gracePeriodOf(pod));
      return { status: await this.refreshStatus(ctx) };
    }
    return this.result(ctx);
  }

  /** Stops every container of the pod (preStop, SIGTERM, SIGKILL after the grace period) and the sandbox. */
  async terminate(pod: Pod, mem: PodMemory, graceSeconds: number): Promise<PodStatus> {
    const all = await this.d.runtime.list(pod.metadata!.uid!);
    const ctx: SyncContext = { pod, ref: eventRef(pod), mem, all, containers: all.filter((c) => !c.sandbox), sandbox: all.find((c) => c.sandbox), waiting: new Map(), retryAt: [] };
    ctx.podIP = pod.spec?.hostNetwork ? this.d.hostIP : ctx.sandbox?.ip;
    await this.killRunning(ctx, graceSeconds);
    this.d.probes.removePod(pod.metadata!.uid!);
    return this.refreshStatus(ctx);
  }

  /** Removes every container of a pod uid (the pod object is gone). */
  async removeAll(uid: string): Promise<void> {
    const all = await this.d.runtime.list(uid);
    for (const c of all.filter((x) => x.state === 'running')) await this.d.runtime.stop(c.id, MIN_GRACE_SECONDS).catch(() => {});
    for (const c of all) await this.d.runtime.remove(c.id).catch(() => {});
  }

  private async result(ctx: SyncContext, retryMs?: number): Promise<SyncResult> {
    const now = Date.now();
    const waits = ctx.retryAt.map((t) => t - now).filter((x) => Number.isFinite(x));
    if (retryMs !== undefined) waits.push(retryMs);
    const requeueAfterMs = waits.length ? Math.max(100, Math.min(...waits)) : undefined;
    return { status: await this.status(ctx), requeueAfterMs };
  }

  private async refreshStatus(ctx: SyncContext): Promise<PodStatus> {
    ctx.all = await this.d.runtime.list(ctx.pod.metadata!.uid!);
    ctx.containers = ctx.all.filter((c) => !c.sandbox);
    ctx.sandbox = ctx.all.find((c) => c.sandbox);
    ctx.waiting = new Map();
    return this.status(ctx);
  }

  private async status(ctx: SyncContext): Promise<PodStatus> {
    const uid = ctx.pod.metadata!.uid!;
    for (const c of ctx.containers) if (c.state === 'exited' && !ctx.mem.terminationMessages.has(c.id)) ctx.mem.terminationMessages.set(c.id, await this.terminationMessage(ctx.pod, c));
    for (const c of ctx.containers) {
      if (!ctx.mem.images.has(c.imageId)) {
        const info = await inspectImage(this.d.docker, c.imageId).catch(() => undefined);
        if (info) ctx.mem.images.set(c.imageId, info);
      }
    }
    return computePodStatus({
      pod: ctx.pod,
      containers: ctx.containers,
      sandbox: ctx.sandbox,
      waiting: ctx.waiting,
      ready: (name) => this.d.probes.ready(uid, name),
      started: (name) => this.d.probes.started(uid, name),
      imageIdOf: (id) => imageIdForStatus(ctx.mem.images.get(id), id),
      terminationMessage: (c) => ctx.mem.terminationMessages.get(c.id),
      hostIP: this.d.hostIP,
      podIP: ctx.podIP,
      nowMs: Date.now(),
      terminal: ctx.mem.terminal,
    });
  }

  private deadlineAt(pod: Pod): number | undefined {
    const ads = pod.spec?.activeDeadlineSeconds;
    const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
    if (ads === undefined || ads === null || start === undefined || !Number.isFinite(start)) return undefined;
    return start + ads * 1000;
  }

  /** true: exceeded; false: a deadline in the future; undefined: none. */
  private deadlineExceeded(pod: Pod): boolean | undefined {
    const at = this.deadlineAt(pod);
    if (at === undefined) return undefined;
    return Date.now() >= at;
  }

  private runningMap(ctx: SyncContext): Map<string, { containerId: string; startedAtMs: number }> {
    const running = new Map<string, { containerId: string; startedAtMs: number }>();
    for (const c of ctx.containers) {
      if (c.state === 'running' && !running.has(c.name)) running.set(c.name, { containerId: c.id, startedAtMs: c.startedAtMs ?? c.createdAtMs });
    }
    return running;
  }

  // ---- sandbox and volumes ----

  private async ensureSandbox(ctx: SyncContext): Promise<boolean> {
    const { pod } = ctx;
    if (ctx.sandbox?.state === 'running') return true;
    const ref = podRef(pod);
    const log = this.log(pod);
    if (ctx.sandbox) {
      // The sandbox died: everything in it goes, as upstream's SandboxChanged.
      this.d.recorder.event(ctx.ref, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      for (const c of ctx.containers.filter((x) => x.state === 'running')) await this.d.runtime.stop(c.id, gracePeriodOf(pod));
    }
    const attempt = ctx.sandbox ? ctx.sandbox.restartCount + 1 : 0;
    try {
      const resolv = parseResolvConf(await readFile(this.d.resolvConfPath, 'utf8').catch(() => ''));
      const { dns, warning } = podDns(pod, this.d.clusterDNS, this.d.clusterDomain, resolv);
      if (warning) this.d.recorder.event(ctx.ref, 'Warning', warning.reason, warning.message);
      const { hostname } = podHostname(pod, this.d.clusterDomain);
      if (!(await inspectImage(this.d.docker, this.d.podInfraImage))) throw new Error(`sandbox image "${this.d.podInfraImage}" is not present on the node`);
      const options = buildSandboxConfig({
        pod,
        name: sandboxName(ref, attempt),
        image: this.d.podInfraImage,
        labels: sandboxLabels(this.d.nodeName, ref, attempt),
        networkName: this.d.networkName,
        hostname,
        dns,
      });
      // A leftover sandbox of this attempt (a crash between create and start) is replaced.
      await this.removeByName(options.name!);
      const created = await this.d.docker.createContainer(options);
      await created.start();
      // Docker writes its own resolv.conf (embedded DNS) at start: replace it with the pod's DNS after
      // the start, as dockershim did. Containers of the pod share the sandbox's file.
      const info = await created.inspect();
      if (info.ResolvConfPath && !pod.spec?.hostNetwork) await writeFile(info.ResolvConfPath, resolvConfText(dns));
      log.info({ sandbox: created.id.slice(0, 12), attempt }, 'started pod sandbox');
      // Older sandboxes of the pod are of no use any more.
      for (const old of ctx.all.filter((c) => c.sandbox)) await this.d.runtime.remove(old.id);
    } catch (err) {
      const message = `Failed to create pod sandbox: ${(err as Error).message}`;
      log.warn({ err: (err as Error).message }, 'sandbox failed');
      this.d.recorder.event(ctx.ref, 'Warning', 'FailedCreatePodSandBox', message);
      return false;
    }
    ctx.all = await this.d.runtime.list(pod.metadata!.uid!);
    ctx.containers = ctx.all.filter((c) => !c.sandbox);
    ctx.sandbox = ctx.all.find((c) => c.sandbox);
    ctx.podIP = pod.spec?.hostNetwork ? this.d.hostIP : ctx.sandbox?.ip;
    ctx.mem.volumesReady = false; // etc-hosts carries the new IP
    return ctx.sandbox?.state === 'running';
  }

  private async removeByName(name: string): Promise<void> {
    try {
      await this.d.docker.getContainer(name).remove({ force: true });
    } catch {
      // not there
    }
  }

  private async ensureVolumes(ctx: SyncContext): Promise<boolean> {
    const { pod, mem } = ctx;
    try {
      if (!mem.volumesReady) {
        await this.d.volumes.setUpPod(pod, { podIP: ctx.podIP, podIPs: ctx.podIP ? [ctx.podIP] : undefined, hostIP: this.d.hostIP, nodeAllocatable: this.d.nodeAllocatable?.() });
        mem.volumesReady = true;
        mem.lastVolumeRefreshMs = Date.now();
      } else if (Date.now() - mem.lastVolumeRefreshMs >= VOLUME_REFRESH_MS) {
        mem.lastVolumeRefreshMs = Date.now();
        await this.d.volumes.refreshPod(pod);
      }
      if (mem.volumesReady) ctx.retryAt.push(mem.lastVolumeRefreshMs + VOLUME_REFRESH_MS);
      return true;
    } catch (err) {
      const message = (err as Error).message;
      this.d.recorder.event(ctx.ref, 'Warning', 'FailedMount', message);
      this.log(pod).warn({ err: message }, 'volume setup failed');
      return mem.volumesReady; // a failed refresh keeps the pod running with the old contents
    }
  }

  // ---- containers ----

  private instances(ctx: SyncContext, name: string): RuntimeContainer[] {
    return ctx.containers.filter((c) => c.name === name);
  }

  private async applyProbeKills(ctx: SyncContext): Promise<void> {
    for (const [name, message] of ctx.mem.probeKills) {
      ctx.mem.probeKills.delete(name);
      const running = this.instances(ctx, name).find((c) => c.state === 'running');
      if (running) await this.killContainer(ctx, running, specGrace(ctx.pod), message);
    }
    ctx.containers = (await this.d.runtime.list(ctx.pod.metadata!.uid!)).filter((c) => !c.sandbox);
  }

  /** Runs init containers in order; true once every regular one succeeded and every sidecar started. */
  private async syncInitContainers(ctx: SyncContext): Promise<boolean> {
    const { pod } = ctx;
    const uid = pod.metadata!.uid!;
    // Once an app container ran, the pod is initialised: regular init containers never run again.
    const initialised = pod.spec!.containers.some((c) => this.instances(ctx, c.name).length > 0);
    for (const c of pod.spec!.initContainers ?? []) {
      let latest = this.instances(ctx, c.name)[0];
      if (isSidecar(c)) {
        if (latest?.state === 'running') {
          if (latest.hash === containerHash(c)) {
            if (initialised || this.d.probes.started(uid, c.name)) continue;
            return false; // wait for its startup probe
          }
          await this.killContainer(ctx, latest, specGrace(pod), `Init container ${c.name} definition changed, will be restarted`);
          latest = (await this.d.runtime.list(uid)).find((x) => x.id === latest!.id) ?? latest;
        }
        await this.startOrBackoff(ctx, c, 'init', latest);
        if (initialised) continue;
        return false; // the next sync sees whether it started
      }
      if (initialised) continue;
      if (latest?.state === 'running') return false;
      if (latest?.state === 'exited' && latest.exitCode === 0) continue;
      if (latest?.state === 'exited' && !shouldRestart(pod, c, latest.exitCode)) return false; // the pod failed
      await this.startOrBackoff(ctx, c, 'init', latest);
      return false;
    }
    return true;
  }

  private async syncContainer(ctx: SyncContext, c: Container, kind: 'init' | 'app'): Promise<void> {
    let latest = this.instances(ctx, c.name)[0];
    if (latest?.state === 'running') {
      if (latest.hash === containerHash(c)) return;
      await this.killContainer(ctx, latest, specGrace(ctx.pod), `Container ${c.name} definition changed, will be restarted`);
      latest = (await this.d.runtime.list(ctx.pod.metadata!.uid!)).find((x) => x.id === latest!.id) ?? latest;
    }
    if (latest?.state === 'exited' && !shouldRestart(ctx.pod, c, latest.exitCode)) return;
    await this.startOrBackoff(ctx, c, kind, latest);
  }

  /** Starts a container, unless its restart is in CrashLoopBackOff; true when it now runs. */
  private async startOrBackoff(ctx: SyncContext, c: Container, kind: 'init' | 'app', latest: RuntimeContainer | undefined): Promise<boolean> {
    const { pod } = ctx;
    if (latest && latest.state === 'running') return true;
    const key = `${pod.metadata!.uid}/${c.name}`;
    if (latest && latest.state === 'exited') {
      const finished = latest.finishedAtMs ?? Date.now();
      if (this.d.crashBackoff.inBackoffSince(key, finished)) {
        const delay = goDuration(this.d.crashBackoff.delayMs(key));
        ctx.waiting.set(c.name, { reason: 'CrashLoopBackOff', message: `back-off ${delay} restarting failed container=${c.name} pod=${podFullName(pod)}` });
        this.d.recorder.event(ctx.ref, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podFullName(pod)}`);
        const at = this.d.crashBackoff.retryAt(key, finished);
        if (at) ctx.retryAt.push(at);
        return false;
      }
      this.d.crashBackoff.next(key, finished);
    }
    const restartCount = latest ? latest.restartCount + (latest.state === 'exited' ? 1 : 0) : 0;
    if (latest && latest.state !== 'exited') await this.d.runtime.remove(latest.id); // created but never started
    return this.startContainer(ctx, c, kind, restartCount, latest?.state === 'exited' ? latest : undefined);
  }

  private async startContainer(ctx: SyncContext, c: Container, kind: 'init' | 'app', restartCount: number, previous: RuntimeContainer | undefined): Promise<boolean> {
    const { pod, ref } = ctx;
    const rec = this.d.recorder;
    const log = this.log(pod);
    const fail = (reason: string, message: string, event = true): false => {
      ctx.waiting.set(c.name, { reason, message });
      if (event) rec.event(ref, 'Warning', 'Failed', `Error: ${message}`);
      ctx.retryAt.push(Date.now() + RETRY_MS);
      return false;
    };
    const image = await this.d.images.ensure(pod, ref, c);
    if (!image.ok) {
      ctx.waiting.set(c.name, image.waiting);
      // After a failed pull, sync again soon to report ImagePullBackOff until the backoff ends.
      const at = image.waiting.reason === 'ErrImagePull' ? Date.now() + 1000 : this.d.images.retryAt(pod, c);
      ctx.retryAt.push(at && at > Date.now() ? at : Date.now() + RETRY_MS);
      return false;
    }
    let env: string[];
    try {
      env = await containerEnv(pod, c, this.d.envSources, {
        podIP: ctx.podIP,
        hostIP: this.d.hostIP,
        nodeName: this.d.nodeName,
        serviceEnv: this.d.serviceEnv(pod.metadata?.namespace ?? 'default', pod.spec?.enableServiceLinks !== false),
        nodeAllocatable: this.d.nodeAllocatable?.(),
        onEvent: (type, reason, message) => rec.event(ref, type, reason, message),
      });
    } catch (err) {
      if (err instanceof CreateContainerConfigError) return fail('CreateContainerConfigError', err.message);
      return fail('CreateContainerConfigError', (err as Error).message);
    }
    const imageInspect = await this.d.docker.getImage(image.info.id).inspect().catch(() => undefined);
    const nonRoot = runAsNonRootError(pod, c, imageInspect?.Config?.User);
    if (nonRoot) return fail('CreateContainerConfigError', nonRoot);
    let mounts: Docker.MountSettings[];
    try {
      const envMap = new Map(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string]));
      mounts = this.d.volumes.mountsFor(pod, c, { env: envMap, podIPs: ctx.podIP ? [ctx.podIP] : undefined });
    } catch (err) {
      return fail('CreateContainerConfigError', (err as Error).message);
    }
    const terminationPath = c.terminationMessagePath ?? '/dev/termination-log';
    const terminationFile = mounts.find((m) => m.Target === terminationPath && m.Type === 'bind')?.Source;
    const refp = podRef(pod);
    const name = containerName(refp, c.name, restartCount);
    const labels = containerLabels(this.d.nodeName, refp, c.name, restartCount, { kind, hash: containerHash(c), terminationFile });
    const sandboxId = ctx.sandbox!.id;
    let created: Docker.Container | undefined;
    let leftOut: string[] = [];
    const unknownCaps: string[] = [];
    try {
      await this.removeByName(name); // a leftover of a crash between create and start
      for (let attempt = 0; ; attempt++) {
        const cfg = buildContainerConfig({ pod, container: c, name, labels, sandboxId, env, mounts, bounding: hostBoundingSet(), unknownCapabilities: unknownCaps });
        cfg.options.Image = image.info.id;
        try {
          created = await this.d.docker.createContainer(cfg.options);
          leftOut = cfg.privilegeLeftOut;
          break;
        } catch (err) {
          const unknown = unknownCapability((err as Error).message);
          if (!unknown || attempt > 64 || unknownCaps.includes(unknown)) throw err;
          unknownCaps.push(unknown); // this Docker does not know the capability: privileged gets the rest
        }
      }
    } catch (err) {
      const message = (err as Error).message.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '');
      log.warn({ container: c.name, err: message }, 'create failed');
      return fail('CreateContainerError', message);
    }
    rec.event(ref, 'Normal', 'Created', `Created container: ${c.name}`);
    if (leftOut.length && !ctx.mem.privilegeWarned.has(c.name)) {
      ctx.mem.privilegeWarned.add(c.name);
      rec.event(ref, 'Warning', 'PrivilegedLimited', `Container ${c.name} is privileged, but this host cannot grant full privilege; left out: ${leftOut.join(', ')}; host devices are not mapped into the container (the device cgroup allows all)`);
    }
    try {
      await created.start();
    } catch (err) {
      const message = (err as Error).message.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '');
      log.warn({ container: c.name, err: message }, 'start failed');
      this.d.runtime.forget(created.id);
      ctx.waiting.set(c.name, { reason: 'RunContainerError', message });
      rec.event(ref, 'Warning', 'Failed', `Error: failed to start container "${c.name}": ${message}`);
      return false;
    }
    rec.event(ref, 'Normal', 'Started', `Started container ${c.name}`);
    log.info({ container: c.name, restartCount, id: created.id.slice(0, 12) }, 'started container');
    // Keep only the instance just replaced (for `logs --previous`); older dead ones go.
    for (const old of this.instances(ctx, c.name)) {
      if (old.id !== previous?.id && old.state !== 'running') await this.d.runtime.remove(old.id);
    }
    if (c.lifecycle?.postStart) {
      const res = await this.d.runLifecycle(this.d.docker, c.lifecycle.postStart, { podIP: ctx.podIP, containerId: created.id, container: c, pod }, gracePeriodOf(pod) * 1000);
      if (!res.ok) {
        rec.event(ref, 'Warning', 'FailedPostStartHook', res.message);
        const info = (await this.d.runtime.list(pod.metadata!.uid!)).find((x) => x.id === created!.id);
        if (info) await this.killContainer(ctx, info, gracePeriodOf(pod), `FailedPostStartHook`);
        return false;
      }
    }
    return true;
  }

  /** preStop, then SIGTERM and SIGKILL after what is left of the grace period; a Killing event. */
  async killContainer(ctx: SyncContext, rc: RuntimeContainer, graceSeconds: number, message?: string): Promise<void> {
    const spec = [...(ctx.pod.spec?.initContainers ?? []), ...(ctx.pod.spec?.containers ?? [])].find((c) => c.name === rc.name);
    this.d.recorder.event(ctx.ref, 'Normal', 'Killing', message ?? `Stopping container ${rc.name}`);
    const started = Date.now();
    if (spec?.lifecycle?.preStop && rc.state === 'running') {
      const res = await this.d.runLifecycle(this.d.docker, spec.lifecycle.preStop, { podIP: ctx.podIP, containerId: rc.id, container: spec, pod: ctx.pod }, graceSeconds * 1000);
      if (!res.ok) this.d.recorder.event(ctx.ref, 'Warning', 'FailedPreStopHook', res.message);
    }
    const left = Math.max(MIN_GRACE_SECONDS, graceSeconds - (Date.now() - started) / 1000);
    await this.d.runtime.stop(rc.id, left);
  }

  /** Stops running containers: app containers together, then sidecars in reverse order, then the sandbox. */
  private async killRunning(ctx: SyncContext, graceSeconds: number): Promise<void> {
    const latest = await this.d.runtime.list(ctx.pod.metadata!.uid!);
    const running = latest.filter((c) => c.state === 'running' && !c.sandbox);
    const sidecarNames = (ctx.pod.spec?.initContainers ?? []).map((c) => c.name);
    const apps = running.filter((c) => c.kind === 'app');
    await Promise.all(apps.map((c) => this.killContainer(ctx, c, graceSeconds)));
    const inits = running.filter((c) => c.kind === 'init').sort((a, b) => sidecarNames.indexOf(b.name) - sidecarNames.indexOf(a.name));
    for (const c of inits) await this.killContainer(ctx, c, graceSeconds);
    for (const s of latest.filter((c) => c.sandbox && c.state === 'running')) await this.d.runtime.stop(s.id, MIN_GRACE_SECONDS);
    this.d.probes.removePod(ctx.pod.metadata!.uid!);
  }

  private async terminationMessage(pod: Pod, c: RuntimeContainer): Promise<string | undefined> {
    const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((x) => x.name === c.name);
    let message = '';
    if (c.terminationFile) message = (await readFile(c.terminationFile, 'utf8').catch(() => '')).slice(0, MAX_TERMINATION_MESSAGE);
    if (!message && spec?.terminationMessagePolicy === 'FallbackToLogsOnError' && c.exitCode !== 0) {
      try {
        const buf = (await this.d.docker.getContainer(c.id).logs({ stdout: true, stderr: true, tail: FALLBACK_LOG_LINES })) as unknown as Buffer;
        message = demuxText(buf).slice(-FALLBACK_LOG_BYTES);
      } catch {
        // logs gone
      }
    }
    return message || undefined;
  }
}

/** Docker's multiplexed log stream (8-byte frame headers) as plain text. */
export function demuxText(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2 || buf[i] === 0) && buf[i + 1] === 0) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  if (i === 0) return buf.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}
