// Which nodes a DaemonSet wants (upstream daemon_controller.go NodeShouldRunDaemonPod): the node
// name, nodeSelector and required affinity, then taints against the pod's tolerations plus the
// ones the controller adds. Pure; never reads anything but its arguments.
import type { DaemonSet, Node } from '../history/types.js';
import { requiredNodeAffinityMatches } from './node-affinity.js';
import { findUntoleratedTaint, withDaemonTolerations } from './tolerations.js';

export interface Eligibility {
  /** A daemon pod should be created on the node. */
  shouldRun: boolean;
  /** An existing daemon pod may stay (it tolerates every NoExecute taint). */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Readonly<Node>, ds: Readonly<DaemonSet>): Eligibility {
  const spec = ds.spec?.template?.spec;
  const nodeName = node.metadata?.name ?? '';
  if (!spec) return { shouldRun: false, shouldContinueRunning: false };
  if (spec.nodeName && spec.nodeName !== nodeName) return { shouldRun: false, shouldContinueRunning: false };
  if (!requiredNodeAffinityMatches(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(spec);
  const taints = node.spec?.taints;
  const blocking = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute' || t.effect === 'NoSchedule');
  if (blocking) {
    const evicting = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
    return { shouldRun: false, shouldContinueRunning: evicting === undefined };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}
