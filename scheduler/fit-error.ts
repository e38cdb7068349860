// The message of a pod that fits nowhere, in upstream's exact form (framework.FitError.Error):
// `0/N nodes are available: <sorted "count reason" histogram>.` then ` <post-filter message>.`
// Must stay byte-compatible with upstream: users and tools grep these strings.
import type { Status } from './framework.js';

export function noNodeAvailable(numAllNodes: number): string {
  return `0/${numAllNodes} nodes are available`;
}

/** `count reason` for every reason of every node's status, sorted as strings (upstream sort.Strings). */
export function reasonHistogram(statuses: Iterable<Status>): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
}

export interface Diagnosis {
  /** Node name -> why it was rejected. */
  nodeToStatus: Map<string, Status>;
  /** Set when a PreFilter plugin rejected the pod for every node. */
  preFilterMsg?: string;
  /** The PostFilter (preemption) outcome, e.g. `preemption: 0/3 nodes are available: ...`. */
  postFilterMsg?: string;
}

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `${noNodeAvailable(numAllNodes)}:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const histogram = reasonHistogram(d.nodeToStatus.values());
    if (histogram.length) msg += ` ${histogram.join(', ')}.`;
  }
  // The preemption outcome is itself a fit error ending in '.'; recent releases print one period.
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg.replace(/\.$/, '')}.`;
  return msg;
}
