// Owns a pod's status as upstream's kubelet generates it (generateAPIPodStatus + getPhase): phase,
// conditions, containerStatuses/initContainerStatuses with state/lastState/reasons, IPs, startTime.
// Pure: computes from the runtime snapshot and what the sync saw; never writes anything.
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../../api/types.js';
import type { RuntimeContainer } from '../runtime/containers.js';
import { formatTime } from './time.js';

export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: Pod;
  /** The pod's containers (not the sandbox), newest first. */
  containers: RuntimeContainer[];
  sandbox?: RuntimeContainer;
  /** Why a container is not running, as this sync saw it (ErrImagePull, CrashLoopBackOff, ...). */
  waiting: Map<string, WaitingReason>;
  ready(name: string): boolean;
  started(name: string): boolean;
  /** Status imageID for a Docker image id. */
  imageIdOf(imageId: string): string;
  /** Termination message of an exited container, if any. */
  terminationMessage?(c: RuntimeContainer): string | undefined;
  hostIP: string;
  podIP?: string;
  nowMs: number;
  /** A terminal outcome decided by the kubelet (activeDeadlineSeconds, ...). */
  terminal?: { phase: 'Failed' | 'Succeeded'; reason?: string; message?: string };
}

export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

function terminatedState(c: RuntimeContainer, message?: string): ContainerState {
  const reason = c.oomKilled ? 'OOMKilled' : c.exitCode === 0 ? 'Completed' : 'Error';
  const t: NonNullable<ContainerState['terminated']> = {
    exitCode: c.exitCode ?? 0,
    reason,
    startedAt: c.startedAtMs !== undefined ? formatTime(c.startedAtMs) : undefined,
    finishedAt: c.finishedAtMs !== undefined ? formatTime(c.finishedAtMs) : undefined,
    containerID: `docker://${c.id}`,
  };
  if (message) t.message = message;
  if (!t.startedAt) delete t.startedAt;
  if (!t.finishedAt) delete t.finishedAt;
  return { terminated: t };
}

function containerStatus(input: StatusInput, spec: Container, defaultWaiting: string): ContainerStatus {
  const instances = input.containers.filter((c) => c.name === spec.name);
  const latest = instances[0];
  const previous = instances[1];
  const waiting = input.waiting.get(spec.name);
  const msg = (c: RuntimeContainer) => input.terminationMessage?.(c);
  const status: ContainerStatus = {
    name: spec.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: latest?.restartCount ?? 0,
    image: spec.image ?? '',
    imageID: '',
    started: false,
  };
  if (!latest) {
    status.state = { waiting: { reason: waiting?.reason ?? defaultWaiting, ...(waiting?.message ? { message: waiting.message } : {}) } };
    return status;
  }
  status.containerID = `docker://${latest.id}`;
  status.imageID = input.imageIdOf(latest.imageId);
  if (latest.state === 'running') {
    status.state = { running: { startedAt: formatTime(latest.startedAtMs ?? latest.createdAtMs) } };
    if (previous && previous.state === 'exited') status.lastState = terminatedState(previous, msg(previous));
    status.started = input.started(spec.name);
    status.ready = status.started && input.ready(spec.name);
  } else if (latest.state === 'exited') {
    if (waiting) {
      status.state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
      status.lastState = terminatedState(latest, msg(latest));
    } else {
      status.state = terminatedState(latest, msg(latest));
      if (previous && previous.state === 'exited') status.lastState = terminatedState(previous, msg(previous));
    }
  } else {
    status.state = { waiting: { reason: waiting?.reason ?? 'ContainerCreating', ...(waiting?.message ? { message: waiting.message } : {}) } };
    if (previous && previous.state === 'exited') status.lastState = terminatedState(previous, msg(previous));
  }
  return status;
}

/** Upstream's getPhase. */
export function podPhase(pod: Pod, init: ContainerStatus[], app: ContainerStatus[]): PodStatus['phase'] {
  const spec = pod.spec!;
  const policy = spec.restartPolicy ?? 'Always';
  let pendingInitialization = 0;
  let failedInitialization = 0;
  const anyAppStarted = app.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  for (const c of spec.initContainers ?? []) {
    const s = init.find((x) => x.name === c.name);
    if (isSidecar(c)) {
      if (!(s?.state?.running && s.started) && !anyAppStarted) pendingInitialization++;
      continue;
    }
    if (!s) pendingInitialization++;
    else if (s.state?.running) pendingInitialization++;
    else if (s.state?.terminated && s.state.terminated.exitCode === 0) continue;
    else if (s.state?.terminated) failedInitialization++;
    else if (s.state?.waiting) {
      if (s.lastState?.terminated) failedInitialization++;
      else pendingInitialization++;
    } else pendingInitialization++;
  }
  let unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of spec.containers) {
    const s = app.find((x) => x.name === c.name);
    if (!s) unknown++;
    else if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  if (pendingInitialization > 0 || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(old: PodCondition[] | undefined, type: string, status: 'True' | 'False', nowMs: number, reason?: string, message?: string): PodCondition {
  const prev = old?.find((c) => c.type === type);
  const c: PodCondition = { type, status, lastProbeTime: null as unknown as string, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : formatTime(nowMs) };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

export function computePodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const spec = pod.spec!;
  const old = pod.status ?? {};
  const hasInit = (spec.initContainers ?? []).length > 0;
  const appWaiting = hasInit ? 'PodInitializing' : 'ContainerCreating';
  const initStatuses = (spec.initContainers ?? []).map((c) => containerStatus(input, c, 'PodInitializing'));
  // App containers wait on PodInitializing until every regular init container has completed.
  const initDone = (spec.initContainers ?? []).every((c) => {
    const s = initStatuses.find((x) => x.name === c.name)!;
    return isSidecar(c) ? !!(s.state?.running && s.started) || s.restartCount > 0 : s.state?.terminated?.exitCode === 0;
  });
  const appStatuses = spec.containers.map((c) => containerStatus(input, c, initDone ? 'ContainerCreating' : appWaiting));
  let phase = podPhase(pod, initStatuses, appStatuses);
  if (old.phase === 'Succeeded' || old.phase === 'Failed') phase = old.phase; // terminal phases never go back
  if (input.terminal) phase = input.terminal.phase;
  const terminal = phase === 'Succeeded' || phase === 'Failed';

  const conditions: PodCondition[] = [];
  const sandboxReady = !!input.sandbox && input.sandbox.state === 'running' && !terminal;
  conditions.push(condition(old.conditions, 'PodReadyToStartContainers', sandboxReady ? 'True' : 'False', input.nowMs));
  const anyAppStarted = appStatuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  const incompleteInit = (spec.initContainers ?? [])
    .filter((c) => {
      const s = initStatuses.find((x) => x.name === c.name)!;
      if (isSidecar(c)) return !(s.state?.running && s.started) && !anyAppStarted;
      return s.state?.terminated?.exitCode !== 0;
    })
    .map((c) => c.name);
  const previouslyInitialized = old.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (incompleteInit.length === 0 || previouslyInitialized || (anyAppStarted && !terminal)) conditions.push(condition(old.conditions, 'Initialized', 'True', input.nowMs));
  else conditions.push(condition(old.conditions, 'Initialized', 'False', input.nowMs, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`));

  const unready = [
    ...(spec.initContainers ?? []).filter(isSidecar).filter((c) => !initStatuses.find((s) => s.name === c.name)?.ready).map((c) => c.name),
    ...appStatuses.filter((s) => !s.ready).map((s) => s.name),
  ];
  if (terminal && phase === 'Succeeded') {
    conditions.push(condition(old.conditions, 'Ready', 'False', input.nowMs, 'PodCompleted'));
    conditions.push(condition(old.conditions, 'ContainersReady', 'False', input.nowMs, 'PodCompleted'));
  } else if (unready.length === 0 && !terminal) {
    conditions.push(condition(old.conditions, 'Ready', 'True', input.nowMs));
    conditions.push(condition(old.conditions, 'ContainersReady', 'True', input.nowMs));
  } else {
    const names = unready.length ? unready : spec.containers.map((c) => c.name);
    const message = `containers with unready status: [${names.join(' ')}]`;
    conditions.push(condition(old.conditions, 'Ready', 'False', input.nowMs, 'ContainersNotReady', message));
    conditions.push(condition(old.conditions, 'ContainersReady', 'False', input.nowMs, 'ContainersNotReady', message));
  }
  const scheduled = old.conditions?.find((c) => c.type === 'PodScheduled');
  conditions.push(scheduled ?? condition(undefined, 'PodScheduled', 'True', input.nowMs));

  const status: PodStatus = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: old.startTime ?? formatTime(input.nowMs),
    containerStatuses: appStatuses,
  };
  if (hasInit) status.initContainerStatuses = initStatuses;
  const podIP = input.podIP ?? old.podIP;
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  if (old.qosClass) status.qosClass = old.qosClass;
  const reason = input.terminal?.reason ?? old.reason;
  const message = input.terminal?.message ?? old.message;
  if (reason) status.reason = reason;
  if (message) status.message = message;
  if (old.nominatedNodeName) status.nominatedNodeName = old.nominatedNodeName;
  return status;
}
