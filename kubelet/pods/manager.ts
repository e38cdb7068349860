// Owns the kubelet's pods: the informer on pods bound to this node, static pods and their mirror
// pods, one PodWorker per pod, Docker events and probe results as wake-ups, status writes, graceful
// deletion, adoption of running containers after a restart and removal of containers of gone pods.
// Never touches a container without this node's label; never lets a pod's failure stop the kubelet.
import { setMaxListeners } from 'node:events';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { ConfigMap, Node, Pod, PodStatus, Secret, Service } from '../../api/types.js';
import { NotFoundError, createInformer, type Client, type EventRecorder, type Informer, type KubeObject } from '../../client/index.js';
import { serviceEnvironment } from '../env/index.js';
import { ContainerRuntime } from '../runtime/containers.js';
import { NODE_LABEL, POD_UID_LABEL } from '../runtime/labels.js';
import { KeyedBackoff } from './backoff.js';
import { ProbeManager, runLifecycleHandler } from '../probes/index.js';
import type { LifecycleRunner, PodProbes, PodVolumes, ProbeFailedHandler, ProbeResultHandler } from './deps.js';
import { collectGarbage } from './gc.js';
import { ImagePuller } from './image-puller.js';
import { PodSyncer, gracePeriodOf, newPodMemory, type PodMemory } from './pod-sync.js';
import { PodWorker, type WorkerStep } from './pod-worker.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, StaticPodSource, isMirrorPod, isStaticPod } from './static-pods.js';
import { StatusManager } from './status-manager.js';

export interface PodManagerOptions {
  client: Client;
  docker: Docker;
  nodeName: string;
  /** The Docker network of pods (kubelet/network ensurePodNetwork's networkName). */
  networkName: string;
  rootDir: string;
  podInfraImage: string;
  podManifestPath?: string;
  clusterDNS?: string[];
  clusterDomain: string;
  /** The node's InternalIP (status.hostIP). */
  hostIP: string;
  logger: Logger;
  recorder: EventRecorder;
  volumes: PodVolumes;
  /** Replaces kubelet/probes' ProbeManager (tests); gets the handlers the pod manager owns. */
  createProbes?(onResult: ProbeResultHandler, onProbeFailed: ProbeFailedHandler): PodProbes;
  /** Replaces kubelet/probes runLifecycleHandler (postStart/preStop). */
  runLifecycle?: LifecycleRunner;
  /** Host resolv.conf for dnsPolicy Default (--resolv-conf); default /etc/resolv.conf. */
  resolvConfPath?: string;
  /** CrashLoopBackOff: upstream's 10 s doubling to 5 min; tests may shrink it. */
  crashLoopBackoff?: { initialMs: number; maxMs: number };
  /** Image pull backoff: upstream's 10 s doubling to 5 min. */
  imagePullBackoff?: { initialMs: number; maxMs: number };
  /** How often the containers are relisted to notice state changes (upstream PLEG: 1 s). */
  relistPeriodMs?: number;
  /** How often containers of gone pods and surplus dead containers are removed; default 1 min. */
  gcPeriodMs?: number;
}

export interface PodManager {
  /** The pods this kubelet runs, with the status it computed last (what /pods serves). */
  pods(): Pod[];
  /** Resolves when the pod manager has stopped after the signal aborted (containers keep running). */
  stopped: Promise<void>;
}

interface PodEntry {
  worker: PodWorker;
  memory: PodMemory;
  status?: PodStatus;
  static: boolean;
}

const UNHEALTHY_PREFIX = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' } as const;

/** Spec, labels, annotations or deletion changed (not just status or resourceVersion). */
export function podsDifferSemantically(a: Pod, b: Pod): boolean {
  const pick = (p: Pod) =>
    JSON.stringify([p.spec, p.metadata?.labels, p.metadata?.annotations, p.metadata?.deletionTimestamp, p.metadata?.deletionGracePeriodSeconds]);
  return pick(a) !== pick(b);
}

export async function startPodManager(o: PodManagerOptions, outerSignal: AbortSignal): Promise<PodManager> {
  // One internal signal that every pod worker listens on (many listeners are expected).
  const internal = new AbortController();
  setMaxListeners(0, internal.signal);
  if (outerSignal.aborted) internal.abort();
  else outerSignal.addEventListener('abort', () => internal.abort(), { once: true });
  const signal = internal.signal;
  const log = o.logger.child({ component: 'pods' });
  const runtime = new ContainerRuntime(o.docker, o.nodeName, o.networkName);
  const statusManager = new StatusManager(o.client, log);
  const entries = new Map<string, PodEntry>();
  const mirrors = new Map<string, Pod>(); // by namespace/name
  let staticPods = new Map<string, Pod>(); // by uid
  let staticLoaded = !o.podManifestPath;

  const get = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  };
  const getConfigMap = (ns: string, name: string) => get(() => o.client.resource('configmaps', ns).get(name) as Promise<unknown> as Promise<ConfigMap>);
  const getSecret = (ns: string, name: string) => get(() => o.client.resource('secrets', ns).get(name) as Promise<unknown> as Promise<Secret>);

  const services = createInformer<KubeObject>(o.client.resource('services'), { logger: log });
  services.start(signal);
  let node: Node | undefined;
  const refreshNode = async () => {
    node = (await get(() => o.client.resource('nodes').get(o.nodeName) as Promise<unknown> as Promise<Node>).catch(() => node)) ?? node;
  };
  await refreshNode();
  const nodeTimer = setInterval(() => void refreshNode(), 60_000);

  // Probe results: a thresholded liveness/startup failure restarts the container, readiness changes
  // the Ready condition; every failed run is an Unhealthy event, as upstream's prober.
  const onResult: ProbeResultHandler = (podUid, containerName, kind, result) => {
    const entry = entries.get(podUid);
    if (!entry) return;
    if (result === 'failure' && (kind === 'liveness' || kind === 'startup')) {
      entry.memory.probeKills.set(containerName, `Container ${containerName} failed ${kind} probe, will be restarted`);
    }
    entry.worker.wake();
  };
  const onProbeFailed: ProbeFailedHandler = (podUid, _containerName, kind, message) => {
    const entry = entries.get(podUid);
    if (!entry) return;
    o.recorder.event({ ...entry.worker.current, apiVersion: 'v1', kind: 'Pod' } as KubeObject, 'Warning', 'Unhealthy', `${UNHEALTHY_PREFIX[kind]} probe failed: ${message}`);
  };
  const probes: PodProbes = o.createProbes
    ? o.createProbes(onResult, onProbeFailed)
    : new ProbeManager({ docker: o.docker, onResult, onProbeFailed, logger: log.child({ component: 'prober' }) });

  const syncer = new PodSyncer({
    docker: o.docker,
    runtime,
    nodeName: o.nodeName,
    networkName: o.networkName,
    podInfraImage: o.podInfraImage,
    clusterDNS: o.clusterDNS ?? [],
    clusterDomain: o.clusterDomain,
    hostIP: o.hostIP,
    resolvConfPath: o.resolvConfPath ?? '/etc/resolv.conf',
    logger: log,
    recorder: o.recorder,
    volumes: o.volumes,
    probes,
    runLifecycle: o.runLifecycle ?? runLifecycleHandler,
    envSources: { getConfigMap, getSecret },
    serviceEnv: (ns, links) => (services.hasSynced() ? serviceEnvironment(services.store.list() as unknown as Service[], ns, links) : {}),
    nodeAllocatable: () => node?.status?.allocatable as Record<string, string> | undefined,
    images: new ImagePuller({ docker: o.docker, recorder: o.recorder, getSecret, backoff: new KeyedBackoff(o.imagePullBackoff ?? { initialMs: 10_000, maxMs: 300_000 }) }),
    crashBackoff: new KeyedBackoff(o.crashLoopBackoff ?? { initialMs: 10_000, maxMs: 300_000 }),
  });

  const mirrorKey = (pod: Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

  /** Upstream's mirror client: the apiserver copy of a static pod, recreated when missing or stale. */
  const ensureMirror = async (pod: Pod): Promise<Pod | undefined> => {
    const existing = mirrors.get(mirrorKey(pod));
    const hash = pod.metadata!.annotations![CONFIG_HASH_ANNOTATION]!;
    if (existing && existing.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] === hash && !existing.metadata?.deletionTimestamp) return existing;
    if (existing) {
      await get(() => o.client.resource('pods', existing.metadata!.namespace).delete(existing.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid: existing.metadata!.uid } }, existing.metadata!.namespace)).catch(() => undefined);
    }
    const mirror = structuredClone(pod) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete mirror.metadata.uid;
    delete mirror.status;
    mirror.metadata!.annotations = { ...mirror.metadata!.annotations, [CONFIG_MIRROR_ANNOTATION]: hash };
    if (node?.metadata?.uid) mirror.metadata!.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: o.nodeName, uid: node.metadata.uid, controller: true }];
    try {
      const created = (await o.client.resource('pods', mirror.metadata!.namespace).create(mirror as never, {}, mirror.metadata!.namespace)) as Pod;
      mirrors.set(mirrorKey(pod), created);
      return created;
    } catch (err) {
      log.warn({ pod: mirrorKey(pod), err: (err as Error).message }, 'failed creating a mirror pod');
      return undefined;
    }
  };

  const deleteMirror = async (pod: Pod) => {
    const m = mirrors.get(mirrorKey(pod));
    if (!m) return;
    await get(() => o.client.resource('pods', m.metadata!.namespace).delete(m.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid: m.metadata!.uid } }, m.metadata!.namespace)).catch(() => undefined);
  };

  const cleanUp = async (uid: string) => {
    probes.removePod(uid);
    await syncer.removeAll(uid);
    await o.volumes.tearDownPod(uid).catch((err) => log.warn({ uid, err: (err as Error).message }, 'volume tear-down failed'));
    statusManager.forget(uid);
  };

  const step = async (uid: string, pod: Pod, removed: boolean): Promise<WorkerStep> => {
    const entry = entries.get(uid)!;
    const isStatic = entry.static;
    const withStatus: Pod = { ...pod, status: entry.status ?? (isStatic ? mirrors.get(mirrorKey(pod))?.status : pod.status) ?? pod.status };
    if (removed) {
      await syncer.terminate(withStatus, entry.memory, isStatic ? gracePeriodOf(pod) : Math.max(pod.metadata?.deletionGracePeriodSeconds ?? 2, 2));
      await cleanUp(uid);
      if (isStatic) await deleteMirror(pod);
      entries.delete(uid);
      return { done: true };
    }
    if (pod.metadata?.deletionTimestamp && !isStatic) {
      // Graceful deletion: preStop, SIGTERM, SIGKILL after the grace period; then the object goes.
      const status = await syncer.terminate(withStatus, entry.memory, gracePeriodOf(pod));
      entry.status = status;
      await statusManager.sync(pod, status).catch(() => undefined);
      await o.volumes.tearDownPod(uid).catch((err) => log.warn({ uid, err: (err as Error).message }, 'volume tear-down failed'));
      await statusManager.deletePod(pod);
      return { requeueAfterMs: 10_000 };
    }
    const result = await syncer.sync(withStatus, entry.memory);
    entry.status = result.status;
    const target = isStatic ? await ensureMirror(pod) : pod;
    if (target) {
      const ok = await statusManager.sync(target, result.status);
      if (!ok && isStatic) mirrors.delete(mirrorKey(pod));
    }
    return { requeueAfterMs: result.requeueAfterMs };
  };

  const upsert = (pod: Pod, isStatic: boolean) => {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    const entry = entries.get(uid);
    if (entry) {
      if (!entry.worker.isRemoved) entry.worker.update(pod);
      return;
    }
    const e: PodEntry = { memory: newPodMemory(), static: isStatic, worker: undefined as unknown as PodWorker };
    entries.set(uid, e);
    e.worker = new PodWorker(pod, (p, removed) => step(uid, p, removed), log, signal);
  };

  /**
   * A shorter grace period than the one a termination in progress uses (a second `kubectl delete
   * --grace-period=N`, or a forced delete): stop the running containers again with it, alongside.
   */
  const expedite = (uid: string, seconds: number) => {
    void runtime
      .list(uid)
      .then((all) => Promise.all(all.filter((c) => c.state === 'running' && !c.sandbox).map((c) => runtime.stop(c.id, Math.max(seconds, 2)))))
      .catch((err) => log.warn({ uid, err: (err as Error).message }, 'could not shorten the termination'));
  };

  const remove = (uid: string | undefined) => {
    const entry = uid ? entries.get(uid) : undefined;
    if (!entry) return;
    if (!entry.static && entry.worker.current.metadata?.deletionTimestamp) expedite(uid!, 2);
    entry.worker.remove();
  };

  // Docker events: a container of ours started, died or was OOM-killed -> sync its pod now.
  const watchDocker = async () => {
    while (!signal.aborted) {
      try {
        const stream = (await o.docker.getEvents({
          filters: JSON.stringify({ type: ['container'], label: [`${NODE_LABEL}=${o.nodeName}`], event: ['start', 'die', 'oom', 'destroy'] }),
        })) as NodeJS.ReadableStream & { destroy(): void };
        const onAbort = () => stream.destroy();
        signal.addEventListener('abort', onAbort, { once: true });
        let buffer = '';
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          buffer += chunk.toString('utf8');
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            try {
              const ev = JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } };
              const uid = ev.Actor?.Attributes?.[POD_UID_LABEL];
              if (uid) entries.get(uid)?.worker.wake();
            } catch {
              // partial or foreign line
            }
          }
        }
        signal.removeEventListener('abort', onAbort);
        if (!signal.aborted) log.debug('docker events stream ended; reconnecting');
      } catch (err) {
        if (!signal.aborted) log.warn({ err: (err as Error).message }, 'docker events stream failed');
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const dockerEvents = watchDocker();

  // Upstream's PLEG: relist this node's containers every second and wake the pods whose containers
  // changed state, so a lost Docker event never leaves a pod unsynced.
  const lastStates = new Map<string, string>();
  const relist = async () => {
    try {
      const list = await o.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${NODE_LABEL}=${o.nodeName}`] }) });
      const seen = new Set<string>();
      const changed = new Set<string>();
      for (const c of list) {
        seen.add(c.Id);
        const uid = c.Labels?.[POD_UID_LABEL];
        if (uid && lastStates.get(c.Id) !== c.State) changed.add(uid);
        lastStates.set(c.Id, c.State);
      }
      for (const id of lastStates.keys()) if (!seen.has(id)) lastStates.delete(id);
      for (const uid of changed) entries.get(uid)?.worker.wake();
    } catch (err) {
      log.debug({ err: (err as Error).message }, 'relist failed');
    }
  };
  const plegTimer = setInterval(() => void relist(), o.relistPeriodMs ?? 1000);

  // Pods bound to this node.
  const informer: Informer<KubeObject> = createInformer<KubeObject>(o.client.resource('pods'), { fieldSelector: `spec.nodeName=${o.nodeName}`, logger: log });
  const onPod = (obj: Readonly<KubeObject>) => {
    const pod = obj as unknown as Pod;
    if (isMirrorPod(pod as Pod)) {
      mirrors.set(mirrorKey(pod as Pod), pod as Pod);
      const staticPod = [...staticPods.values()].find((s) => mirrorKey(s) === mirrorKey(pod as Pod));
      if (staticPod) entries.get(staticPod.metadata!.uid!)?.worker.wake();
      else if (staticLoaded) void deleteOrphanMirror(pod as Pod);
      return;
    }
    upsert(pod as Pod, false);
  };
  const deleteOrphanMirror = async (pod: Pod) => {
    mirrors.delete(mirrorKey(pod));
    await get(() => o.client.resource('pods', pod.metadata!.namespace).delete(pod.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid } }, pod.metadata!.namespace)).catch(() => undefined);
  };
  informer.on('add', onPod);
  informer.on('update', (old, pod) => {
    // As upstream's config source: a change of status alone (often our own write) is no reason to sync.
    const before = (old as unknown as Pod).metadata?.deletionGracePeriodSeconds;
    const now = (pod as unknown as Pod).metadata?.deletionGracePeriodSeconds;
    if (before !== undefined && now !== undefined && now < before) expedite(pod.metadata!.uid!, now);
    if (!isMirrorPod(pod as unknown as Pod) && !podsDifferSemantically(old as unknown as Pod, pod as unknown as Pod)) {
      entries.get(pod.metadata?.uid ?? '')?.worker.replace(pod as unknown as Pod);
      return;
    }
    onPod(pod);
  });
  informer.on('delete', (obj) => {
    const pod = obj as unknown as Pod;
    if (isMirrorPod(pod as Pod)) {
      mirrors.delete(mirrorKey(pod as Pod));
      const staticPod = [...staticPods.values()].find((s) => mirrorKey(s) === mirrorKey(pod as Pod));
      if (staticPod) entries.get(staticPod.metadata!.uid!)?.worker.wake(); // recreate it
      return;
    }
    remove(pod.metadata?.uid);
  });
  informer.start(signal);

  // Static pods.
  let staticSource: StaticPodSource | undefined;
  if (o.podManifestPath) {
    staticSource = new StaticPodSource(o.podManifestPath, o.nodeName, log, (pods) => {
      const next = new Map(pods.map((p) => [p.metadata!.uid!, p]));
      for (const [uid] of staticPods) if (!next.has(uid)) remove(uid);
      staticPods = next;
      for (const p of pods) upsert(p, true);
      if (!staticLoaded) {
        staticLoaded = true;
        // Mirror pods seen before the manifests were read and belonging to none of them.
        for (const m of mirrors.values()) if (!pods.some((p) => mirrorKey(p) === mirrorKey(m))) void deleteOrphanMirror(m);
      }
    });
    staticSource.start(signal);
  }

  await Promise.race([informer.synced, new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);

  // Adoption happened through the workers (they find their containers by label); now remove what
  // belongs to no pod, and keep doing so.
  const known = () => new Set(entries.keys());
  const gc = async () => {
    if (!informer.hasSynced() || !staticLoaded) return;
    try {
      await collectGarbage({ runtime, knownPods: known, volumes: o.volumes, logger: log });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'container garbage collection failed');
    }
  };
  await gc();
  const gcTimer = setInterval(() => void gc(), o.gcPeriodMs ?? 60_000);

  const stopped = (async () => {
    await new Promise((r) => (signal.aborted ? r(undefined) : signal.addEventListener('abort', r, { once: true })));
    clearInterval(gcTimer);
    clearInterval(plegTimer);
    clearInterval(nodeTimer);
    staticSource?.stop();
    probes.stop();
    await Promise.allSettled([informer.stopped, services.stopped, dockerEvents, ...[...entries.values()].map((e) => e.worker.finished)]);
  })();

  return {
    pods: () =>
      [...entries.values()].map((e) => {
        const pod = e.worker.current;
        return { ...pod, apiVersion: 'v1', kind: 'Pod', status: e.status ?? pod.status };
      }),
    stopped,
  };
}
