// The catalogue entries of metrics.k8s.io/v1beta1 for discovery: NodeMetrics (nodes) and PodMetrics
// (pods), read-only. Kept out of api/resources.ts because nothing stores them: the apiserver computes
// them from the kubelets on each read.
import type { ResourceInfo } from '../../api/resources.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
export const METRICS_API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

export const METRICS_RESOURCES: readonly ResourceInfo[] = [
  {
    group: METRICS_GROUP, version: METRICS_VERSION, kind: 'NodeMetrics', plural: 'nodes', singular: '',
    namespaced: false, verbs: ['get', 'list'], subresources: [],
  },
  {
    group: METRICS_GROUP, version: METRICS_VERSION, kind: 'PodMetrics', plural: 'pods', singular: '',
    namespaced: true, verbs: ['get', 'list'], subresources: [],
  },
];
