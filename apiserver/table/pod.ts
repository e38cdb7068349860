// The Pod printer: READY, STATUS (upstream printPod's reason logic: init containers, waiting and
// terminated reasons, Terminating, NodeLost) and RESTARTS with the "(5m ago)" suffix. Pure.
import type { Container, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { humanDuration, parseTime, translateTimestampSince } from '../../api/duration.js';
import { NONE } from './format.js';
import { ageCol, col, nameCol, type Cell, type PrintContext, type Printer, type TableRowCondition } from './types.js';

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

function isRestartableInitContainer(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function hasPodReadyCondition(conditions: readonly PodCondition[] | undefined): boolean {
  return (conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function isPodInitializedConditionTrue(conditions: readonly PodCondition[] | undefined): boolean {
  const c = (conditions ?? []).find((x) => x.type === 'Initialized');
  return c?.status === 'True';
}

/** The READY, STATUS and RESTARTS cells of `kubectl get pods`, as upstream printPod computes them. */
export function podSummary(pod: Pod, now: Date): { ready: string; status: string; restarts: string } {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestartDate = 0;
  let lastRestartableInitContainerRestartDate = 0;

  const podPhase = status.phase ?? '';
  let reason: string = status.reason ? status.reason : podPhase;

  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initContainers = new Map<string, Container>();
  for (const c of spec.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i];
    restarts += container.restartCount ?? 0;
    const lastTerminated = parseTime(container.lastState?.terminated?.finishedAt);
    if (lastTerminated !== undefined && lastTerminated > lastRestartDate) lastRestartDate = lastTerminated;
    const restartable = isRestartableInitContainer(initContainers.get(container.name));
    if (restartable) {
      restartableInitContainerRestarts += container.restartCount ?? 0;
      if (lastTerminated !== undefined && lastTerminated > lastRestartableInitContainerRestartDate) {
        lastRestartableInitContainerRestartDate = lastTerminated;
      }
    }
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (restartable && container.started === true) {
      if (container.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      // initialization failed
      if (!terminated.reason) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || isPodInitializedConditionTrue(status.conditions)) {
    restarts = restartableInitContainerRestarts;
    lastRestartDate = lastRestartableInitContainerRestartDate;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i];
      restarts += container.restartCount ?? 0;
      const lastTerminated = parseTime(container.lastState?.terminated?.finishedAt);
      if (lastTerminated !== undefined && lastTerminated > lastRestartDate) lastRestartDate = lastTerminated;
      const waiting = container.state?.waiting;
      const terminated = container.state?.terminated;
      if (waiting && waiting.reason) {
        reason = waiting.reason;
      } else if (terminated && terminated.reason) {
        reason = terminated.reason;
      } else if (terminated && !terminated.reason) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      } else if (container.ready && container.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // back to "Running" when at least one container still reports running
    if (reason === 'Completed' && hasRunning) {
      reason = hasPodReadyCondition(status.conditions) ? 'Running' : 'NotReady';
    }
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) {
    reason = 'Unknown';
  } else if (deleting && podPhase !== 'Succeeded' && podPhase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestartDate !== 0) {
    restartsStr = `${restarts} (${humanDuration(now.getTime() - lastRestartDate)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsStr };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return NONE;
  let trueConditions = 0;
  for (const gate of gates) {
    const cond = (pod.status?.conditions ?? []).find((c) => c.type === gate.conditionType);
    if (cond?.status === 'True') trueConditions++;
  }
  return `${trueConditions}/${gates.length}`;
}

export const podPrinter: Printer<Pod> = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageCol(),
    col('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', { priority: 1 }),
    col('Node', 'string', 'NodeName indicates in which node this pod is scheduled.', { priority: 1 }),
    col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node.', { priority: 1 }),
    col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', { priority: 1 }),
  ],
  cells(pod: Pod, { now }: PrintContext): Cell[] {
    const s = podSummary(pod, now);
    // podIPs[0] is what upstream reads; podIP covers a status written without the plural field
    const podIP = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || NONE;
    return [
      pod.metadata?.name ?? '',
      s.ready,
      s.status,
      s.restarts,
      translateTimestampSince(pod.metadata?.creationTimestamp, now),
      podIP,
      pod.spec?.nodeName || NONE,
      pod.status?.nominatedNodeName || NONE,
      readinessGates(pod),
    ];
  },
  conditions(pod: Pod): TableRowCondition[] | undefined {
    if (pod.status?.phase === 'Succeeded') {
      return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    }
    if (pod.status?.phase === 'Failed') {
      return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    }
    return undefined;
  },
};
