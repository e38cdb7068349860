// The scheduling loop (upstream Scheduler.scheduleOne): informers feed the cache and the queue; each
// cycle pops one pod, decides synchronously over the cache, assumes the pod on its node and binds
// it through pods/binding in the background; a pod that fits nowhere may preempt, and gets its
// PodScheduled=False condition and a FailedScheduling event. Writes nothing but bindings, pod
// status (conditions, nominatedNodeName), victim deletions and events.
import type { Logger } from 'pino';
import type { Pod } from '../api/types.js';
import { createInformer, type Client, type EventRecorder, type Informer, type KubeObject } from '../client/index.js';
import { ERR_NO_NODES_AVAILABLE, schedulePod } from './algorithm.js';
import { isTerminal, podKey, SchedulerCache } from './cache.js';
import { fitErrorMessage } from './fit-error.js';
import type { Plugin, Snapshot } from './framework.js';
import type { SchedulerMetrics } from './metrics.js';
import { DEFAULT_PLUGINS } from './plugins/index.js';
import { createVolumeBinder, type VolumeReservation } from './plugins/volume-binder.js';
import { preempt } from './preemption.js';
import { SchedulingQueue, type QueuedPodInfo } from './queue.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  client: Client;
  logger: Logger;
  recorder: EventRecorder;
  metrics: SchedulerMetrics;
  /** The profile's name: pods with another spec.schedulerName are left alone. */
  schedulerName?: string;
  plugins?: readonly Plugin<any>[];
  random?: () => number;
  /** How long binding waits for the PV controller to bind a pod's claims (default 600 s, upstream's). */
  volumeBindTimeoutMs?: number;
}

export interface Scheduler {
  /** Schedules until the signal aborts; resolves when the loop and informers have stopped. */
  run(signal: AbortSignal): Promise<void>;
  /** Informers that have not synced yet (for /readyz). */
  unsynced(): string[];
}

/** Plugins whose rejection an event of this kind may lift (upstream's queueing hints, coarsely). */
const HELPED_BY: Record<string, readonly string[] | 'all'> = {
  NodeAdd: 'all',
  NodeUpdate: 'all',
  AssignedPodDelete: ['NodeResourcesFit', 'NodePorts', 'InterPodAffinity', 'PodTopologySpread', 'VolumeBinding'],
  AssignedPodChange: ['InterPodAffinity', 'PodTopologySpread'],
  VolumeChange: ['VolumeBinding'],
  NamespaceChange: ['InterPodAffinity'],
};

/** upstream isPodUpdated: a change of status, resourceVersion or managedFields alone does not count. */
function sameExceptStatus(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => {
    const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = p.metadata ?? {};
    return JSON.stringify({ meta, spec: p.spec });
  };
  return strip(a) === strip(b);
}

/**
 * Bindings in flight at once. More only opens more TLS connections to the apiserver (the agent
 * reuses idle ones), which costs it handshakes instead of writes.
 */
export const MAX_BINDINGS_IN_FLIGHT = 16;

/** Runs tasks with at most `limit` pending at once, in submission order. */
function limiter(limit: number): (task: () => Promise<void>) => void {
  let running = 0;
  const waiting: (() => Promise<void>)[] = [];
  const next = () => {
    while (running < limit && waiting.length) {
      const task = waiting.shift()!;
      running++;
      task().finally(() => {
        running--;
        next();
      });
    }
  };
  return (task) => {
    waiting.push(task);
    next();
  };
}

const withTypeMeta = (pod: Pod): KubeObject => ({ ...(pod as KubeObject), apiVersion: 'v1', kind: 'Pod' });

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { client, logger, recorder, metrics } = options;
  const profile = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const plugins = options.plugins ?? DEFAULT_PLUGINS;
  const podsClient = client.resource('pods');
  const informers: Record<string, Informer<KubeObject>> = {
    pods: createInformer(podsClient, { logger }),
    nodes: createInformer(client.resource('nodes'), { logger }),
    persistentvolumeclaims: createInformer(client.resource('persistentvolumeclaims'), { logger }),
    persistentvolumes: createInformer(client.resource('persistentvolumes'), { logger }),
    storageclasses: createInformer(client.resource('storageclasses.storage.k8s.io'), { logger }),
    priorityclasses: createInformer(client.resource('priorityclasses.scheduling.k8s.io'), { logger }),
    namespaces: createInformer(client.resource('namespaces'), { logger }),
  };
  const cache = new SchedulerCache();
  const volumes = createVolumeBinder({ client, logger, informers: informers as Parameters<typeof createVolumeBinder>[0]['informers'], bindTimeoutMs: options.volumeBindTimeoutMs });
  /** Aborts volume binding waits when the scheduler stops. */
  let stopped: AbortSignal = new AbortController().signal;
  const queue = new SchedulingQueue();
  /** Why each pod in the unschedulable queue was last rejected (plugin names). */
  const rejectedBy = new Map<string, Set<string>>();
  /** nominatedNodeName -> pods waiting there (from the informer, and our own nominations). */
  const nominated = new Map<string, Map<string, Pod>>();
  const nominatedOf = new Map<string, string>();

  const responsible = (pod: Pod) => (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === profile;
  const pending = (pod: Pod) => !pod.spec?.nodeName && !isTerminal(pod) && !pod.metadata?.deletionTimestamp;

  function setNominated(pod: Pod, nodeName: string | undefined): void {
    const key = podKey(pod);
    const old = nominatedOf.get(key);
    if (old) nominated.get(old)?.delete(key);
    nominatedOf.delete(key);
    if (!nodeName) return;
    let m = nominated.get(nodeName);
    if (!m) nominated.set(nodeName, (m = new Map()));
    m.set(key, pod);
    nominatedOf.set(key, nodeName);
  }

  function move(event: keyof typeof HELPED_BY): void {
    const helped = HELPED_BY[event]!;
    queue.moveAllToActiveOrBackoff((pod) => {
      if (helped === 'all') return true;
      const by = rejectedBy.get(podKey(pod));
      return !by || [...by].some((p) => helped.includes(p));
    });
    updatePendingGauge();
  }

  function updatePendingGauge(): void {
    const sizes = queue.pending();
    metrics.pendingPods.set({ queue: 'active' }, sizes.active);
    metrics.pendingPods.set({ queue: 'backoff' }, sizes.backoff);
    metrics.pendingPods.set({ queue: 'unschedulable' }, sizes.unschedulable);
    metrics.pendingPods.set({ queue: 'gated' }, 0);
  }

  // Pods: assigned ones go to the cache, pending ones (ours) to the queue.
  const pods = informers.pods!;
  pods.on('add', (obj) => {
    const pod = obj as Pod;
    if (pod.spec?.nodeName) {
      cache.addOrUpdatePod(pod);
      if (!isTerminal(pod)) move('AssignedPodChange');
    } else if (responsible(pod) && pending(pod)) {
      setNominated(pod, pod.status?.nominatedNodeName);
      queue.add(pod);
    }
    updatePendingGauge();
  });
  pods.on('update', (oldObj, newObj) => {
    const pod = newObj as Pod;
    if (pod.spec?.nodeName) {
      const wasPending = !(oldObj as Pod).spec?.nodeName;
      cache.addOrUpdatePod(pod);
      if (wasPending) {
        queue.delete(pod);
        setNominated(pod, undefined);
      }
      move(isTerminal(pod) ? 'AssignedPodDelete' : 'AssignedPodChange');
    } else if (responsible(pod)) {
      if (pending(pod)) {
        setNominated(pod, pod.status?.nominatedNodeName);
        queue.update(pod, !sameExceptStatus(oldObj as Pod, pod));
      } else {
        queue.delete(pod);
        setNominated(pod, undefined);
      }
    }
    updatePendingGauge();
  });
  pods.on('delete', (obj) => {
    const pod = obj as Pod;
    setNominated(pod, undefined);
    if (pod.spec?.nodeName) {
      cache.removePod(pod);
      move('AssignedPodDelete');
    } else {
      queue.delete(pod);
      rejectedBy.delete(podKey(pod));
    }
    updatePendingGauge();
  });
  informers.nodes!.on('add', (n) => {
    cache.addNode(n as any);
    move('NodeAdd');
  });
  informers.nodes!.on('update', (_o, n) => {
    cache.updateNode(n as any);
    move('NodeUpdate');
  });
  informers.nodes!.on('delete', (n) => cache.removeNode(n as any));
  for (const name of ['persistentvolumeclaims', 'persistentvolumes', 'storageclasses'] as const) {
    informers[name]!.on('add', () => move('VolumeChange'));
    informers[name]!.on('update', () => move('VolumeChange'));
  }
  informers.namespaces!.on('update', () => move('NamespaceChange'));

  const lookups: Omit<Snapshot, 'list' | 'get'> = {
    ...volumes.lookups,
    namespaceLabels: (ns) => informers.namespaces!.store.getByKey(ns)?.metadata?.labels,
  };

  /** spec.priority, or the PriorityClass's value for a pod admitted without the Priority plugin. */
  function withPriority(pod: Pod): Pod {
    if (pod.spec?.priority !== undefined || !pod.spec?.priorityClassName) return pod;
    const pc = informers.priorityclasses!.store.getByKey(pod.spec.priorityClassName) as { value?: number } | undefined;
    if (pc?.value === undefined) return pod;
    return { ...pod, spec: { ...pod.spec, priority: pc.value } };
  }

  function nominatedPods(): Map<string, Pod[]> {
    const out = new Map<string, Pod[]>();
    for (const [node, m] of nominated) if (m.size) out.set(node, [...m.values()]);
    return out;
  }

  function recordFailure(info: QueuedPodInfo, pod: Pod, message: string, reason: 'Unschedulable' | 'SchedulerError', started: number, nominatedNodeName?: string): void {
    const result = reason === 'Unschedulable' ? 'unschedulable' : 'error';
    metrics.attempts.inc({ result, profile });
    metrics.attemptDuration.observe({ result, profile }, (performance.now() - started) / 1000);
    logger.info({ pod: info.key, reason, message }, 'unable to schedule pod; waiting');
    recorder.event(withTypeMeta(pod), 'Warning', 'FailedScheduling', message);
    queue.addUnschedulable(info, pod, reason === 'Unschedulable');
    updatePendingGauge();
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const conditionChanged = !current || current.status !== 'False' || current.reason !== reason || current.message !== message;
    const nominationChanged = nominatedNodeName !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominatedNodeName;
    if (!conditionChanged && !nominationChanged) return;
    const status: Record<string, unknown> = {};
    if (conditionChanged) {
      const transition = !current || current.status !== 'False' ? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') : current.lastTransitionTime;
      status.conditions = [{ type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: transition }];
    }
    if (nominationChanged) status.nominatedNodeName = nominatedNodeName === '' ? null : nominatedNodeName;
    podsClient
      .patch(pod.metadata!.name!, 'strategic', { status }, {}, pod.metadata!.namespace, 'status')
      .catch((err: unknown) => logger.warn({ pod: info.key, err: String(err) }, 'could not update pod status'));
  }

  function preemptFor(pod: Pod, snapshot: Snapshot, nodeToStatus: Parameters<typeof preempt>[2]): { postFilterMsg?: string; nominatedNodeName: string } {
    metrics.preemptionAttempts.inc();
    const result = preempt(pod, snapshot, nodeToStatus, plugins);
    if (result.kind === 'failed') return { postFilterMsg: `preemption: ${result.message}`, nominatedNodeName: '' };
    metrics.preemptionVictims.observe(result.victims.length);
    for (const victim of result.victims) {
      const ref = `${victim.metadata!.namespace}/${victim.metadata!.name}`;
      logger.info({ pod: podKey(pod), victim: ref, node: result.nodeName }, 'preempting victim');
      recorder.event(withTypeMeta(victim), 'Normal', 'Preempted', `Preempted by pod ${pod.metadata?.uid} on node ${result.nodeName}`);
      const condition = {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'PreemptionByScheduler',
        message: `${profile}: preempting to accommodate a higher priority pod`,
        lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      podsClient
        .patch(victim.metadata!.name!, 'strategic', { status: { conditions: [condition] } }, {}, victim.metadata!.namespace, 'status')
        .catch(() => undefined)
        .then(() => podsClient.delete(victim.metadata!.name!, { preconditions: { uid: victim.metadata!.uid } }, victim.metadata!.namespace))
        .catch((err: unknown) => logger.warn({ victim: ref, err: String(err) }, 'could not delete preemption victim'));
    }
    setNominated(pod, result.nodeName);
    return { nominatedNodeName: result.nodeName };
  }

  const bindings = limiter(MAX_BINDINGS_IN_FLIGHT);

  function bind(info: QueuedPodInfo, pod: Pod, nodeName: string, started: number, reservation?: VolumeReservation): void {
    if (reservation) {
      // PreBind: the claims are bound before the pod (this may wait for the PV controller).
      volumes.preBind(pod, reservation, stopped).then(
        () => bind(info, pod, nodeName, started),
        (err: unknown) => bindingFailed(info, pod, nodeName, started, `running PreBind plugin "VolumeBinding": ${err instanceof Error ? err.message : String(err)}`),
      );
      return;
    }
    const { name, namespace } = pod.metadata as { name: string; namespace: string };
    bindings(() => podsClient.bind(name, namespace, nodeName).then(
      () => {
        metrics.attempts.inc({ result: 'scheduled', profile });
        metrics.attemptDuration.observe({ result: 'scheduled', profile }, (performance.now() - started) / 1000);
        recorder.event(withTypeMeta(pod), 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
        queue.done(info.key);
      },
      (err: unknown) => bindingFailed(info, pod, nodeName, started, `binding rejected: ${err instanceof Error ? err.message : String(err)}`),
    ));
  }

  function bindingFailed(info: QueuedPodInfo, pod: Pod, nodeName: string, started: number, message: string): void {
    cache.forget(pod);
    logger.warn({ pod: info.key, node: nodeName, err: message }, 'binding failed');
    // The pod may have been bound or deleted meanwhile; only a still-pending pod is retried.
    const latest = pods.store.getByKey(info.key) as Pod | undefined;
    if (latest && pending(latest)) recordFailure(info, latest, message, 'SchedulerError', started);
    else queue.done(info.key);
  }

  function scheduleOne(info: QueuedPodInfo): void {
    const started = performance.now();
    const latest = pods.store.getByKey(info.key) as Pod | undefined;
    if (!latest || !pending(latest) || !responsible(latest) || cache.isAssumed(latest)) {
      queue.done(info.key);
      return;
    }
    const pod = withPriority(latest);
    const snapshot = cache.snapshot(lookups);
    const result = schedulePod(pod, snapshot, { plugins, nominated: nominatedPods(), random: options.random });
    if (result.kind === 'scheduled') {
      rejectedBy.delete(info.key);
      setNominated(pod, undefined);
      // Reserve: the volumes this pod takes on the node are promised before the next cycle looks.
      const reservation = volumes.reserve(pod, result.nodeName, snapshot);
      cache.assume(pod, result.nodeName);
      bind(info, pod, result.nodeName, started, reservation);
      return;
    }
    if (result.kind === 'no-nodes') {
      rejectedBy.delete(info.key);
      recordFailure(info, pod, ERR_NO_NODES_AVAILABLE, 'Unschedulable', started, '');
      return;
    }
    const diagnosis = result.diagnosis;
    rejectedBy.set(info.key, new Set([...diagnosis.nodeToStatus.values()].map((s) => s.plugin ?? '')));
    const { postFilterMsg, nominatedNodeName } = preemptFor(pod, snapshot, diagnosis.nodeToStatus);
    const message = fitErrorMessage(result.numAllNodes, { ...diagnosis, postFilterMsg });
    recordFailure(info, pod, message, 'Unschedulable', started, nominatedNodeName);
  }

  return {
    unsynced: () => Object.entries(informers).filter(([, i]) => !i.hasSynced()).map(([n]) => n),
    async run(signal: AbortSignal): Promise<void> {
      stopped = signal;
      for (const informer of Object.values(informers)) informer.start(signal);
      await Promise.all(Object.values(informers).map((i) => i.synced)).catch(() => undefined);
      if (signal.aborted) return;
      logger.info({ profile, nodes: cache.nodeCount() }, 'caches synced; scheduling');
      queue.run();
      signal.addEventListener('abort', () => queue.close(), { once: true });
      for (;;) {
        const info = await queue.pop();
        if (!info || signal.aborted) break;
        try {
          scheduleOne(info);
        } catch (err) {
          logger.error({ pod: info.key, err: err instanceof Error ? err.stack : String(err) }, 'scheduling cycle failed');
          const latest = pods.store.getByKey(info.key) as Pod | undefined;
          if (latest) recordFailure(info, latest, err instanceof Error ? err.message : String(err), 'SchedulerError', performance.now());
        }
        // Let informer events (bindings confirmed, new pods) in between cycles.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await Promise.all(Object.values(informers).map((i) => i.stopped));
    },
  };
}
