// The default profile's plugins in upstream's order: filters run in this order (the first failure
// is the node's reason), scores are summed with each plugin's weight.
import type { Plugin } from '../framework.js';
import { balancedAllocation } from './balanced-allocation.js';
import { interPodAffinity } from './inter-pod-affinity.js';
import { nodeAffinity } from './node-affinity.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesFit } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { podTopologySpread } from './pod-topology-spread.js';
import { taintToleration } from './taint-toleration.js';
import { volumeBinding } from './volume-binding.js';

export const DEFAULT_PLUGINS: readonly Plugin<any>[] = [
  nodeUnschedulable,
  nodeName,
  taintToleration,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
  volumeBinding,
  podTopologySpread,
  interPodAffinity,
  balancedAllocation,
];
