// Pure node health bookkeeping of node lifecycle (upstream tryUpdateNodeHealth): when this
// controller last saw a node's heartbeat (Ready condition or kube-node-lease Lease) move, by its
// own clock, and the conditions a node gets once that is older than the grace period.
// Never trusts the kubelet's clock for staleness: only whether the heartbeat changed.
import type { Lease, Node, NodeCondition } from './types.js';

/** Upstream --node-startup-grace-period: how long a node that never posted status is given. */
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;
/** The conditions the kubelet posts and this controller marks Unknown. */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface HealthRecord {
  readyHeartbeat?: string;
  leaseRenewTime?: string;
  /** Local time (ms) of the last observed heartbeat change. */
  probeMs: number;
}

/** Updates (or starts) a node's record from what the node and its Lease show now. */
export function observeHeartbeat(previous: HealthRecord | undefined, node: Readonly<Node>, lease: Readonly<Lease> | undefined, nowMs: number): HealthRecord {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const readyHeartbeat = ready?.lastHeartbeatTime ?? undefined;
  const leaseRenewTime = lease?.spec?.renewTime ?? undefined;
  if (!previous) {
    // A node first seen without a Ready condition is timed from its creation, as upstream.
    const probeMs = ready ? nowMs : Date.parse(node.metadata?.creationTimestamp ?? '') || nowMs;
    return { readyHeartbeat, leaseRenewTime, probeMs };
  }
  const changed = readyHeartbeat !== previous.readyHeartbeat || (leaseRenewTime !== undefined && leaseRenewTime !== previous.leaseRenewTime);
  return { readyHeartbeat, leaseRenewTime, probeMs: changed ? nowMs : previous.probeMs };
}

/** The grace period of a node: the startup one until it has posted a Ready condition. */
export function gracePeriodMs(node: Readonly<Node>, monitorGraceMs: number): number {
  const ready = (node.status?.conditions ?? []).some((c) => c.type === 'Ready');
  return ready ? monitorGraceMs : Math.max(NODE_STARTUP_GRACE_PERIOD_MS, monitorGraceMs);
}

/**
 * The conditions of a node whose kubelet went silent: every monitored condition Unknown with
 * reason NodeStatusUnknown (NodeStatusNeverUpdated when it was never posted). Returns undefined
 * when they already are.
 */
export function unknownConditions(node: Readonly<Node>, now: string): NodeCondition[] | undefined {
  const conditions = structuredClone(node.status?.conditions ?? []) as NodeCondition[];
  let changed = false;
  for (const type of MONITORED_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata?.creationTimestamp, lastTransitionTime: now,
      });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = now;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
