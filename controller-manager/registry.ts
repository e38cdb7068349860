// The list of controllers this controller-manager runs, in start order. Each entry lives in its own
// folder (controller-manager/<name>/) and exports a ControllerDescriptor. Add new ones here.
import type { ControllerDescriptor } from './context.js';
import { deploymentController } from './deployment/index.js';
import { replicaSetController } from './replicaset/index.js';

import { endpointControllerDescriptor } from './endpoint/endpoints-controller.js';
import { endpointSliceControllerDescriptor } from './endpointslice/endpointslice-controller.js';
import { nodeIpamControllerDescriptor } from './nodeipam/node-ipam-controller.js';
import { nodeLifecycleControllerDescriptor } from './nodelifecycle/node-lifecycle-controller.js';
import { taintEvictionControllerDescriptor } from './nodelifecycle/taint-eviction-controller.js';
import { serviceAccountControllerDescriptor } from './serviceaccount/serviceaccounts-controller.js';
import { persistentVolumeBinderDescriptor } from './volume/pv-controller.js';
import { daemonSetControllerDescriptor } from './daemonset/controller.js';
import { statefulSetControllerDescriptor } from './statefulset/controller.js';

import { namespaceController } from './namespace/index.js';
import { garbageCollectorController } from './garbage-collector/index.js';
import { jobController } from './job/index.js';
import { cronJobController } from './cronjob/index.js';
import { ttlAfterFinishedController } from './ttl-after-finished/index.js';
import { podGCController } from './podgc/index.js';
import { horizontalPodAutoscalerController } from './podautoscaler/index.js';

export const CONTROLLERS: ControllerDescriptor[] = [
  namespaceController,
  garbageCollectorController,
  jobController,
  cronJobController,
  ttlAfterFinishedController,
  podGCController,
  daemonSetControllerDescriptor,
  statefulSetControllerDescriptor,
  endpointControllerDescriptor,
  endpointSliceControllerDescriptor,
  serviceAccountControllerDescriptor,
  nodeIpamControllerDescriptor,
  nodeLifecycleControllerDescriptor,
  taintEvictionControllerDescriptor,
  persistentVolumeBinderDescriptor,
  replicaSetController,
  deploymentController,
  horizontalPodAutoscalerController,
];
