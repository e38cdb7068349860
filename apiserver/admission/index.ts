// The apiserver's admission plugins in upstream's order (the order of --enable-admission-plugins'
// defaults that k8ts implements). A new plugin is a new file and one line here.
import type { ResourceInfo } from '../../api/resources.js';
import type { ResourceStore } from '../registry/store.js';
import { AdmissionChain } from './chain.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { priority } from './priority.js';
import type { AdmissionPlugin } from './types.js';

export const ADMISSION_PLUGINS: readonly AdmissionPlugin[] = [namespaceLifecycle, defaultTolerationSeconds, priority];

export function defaultAdmissionChain(stores: Map<ResourceInfo, ResourceStore>): AdmissionChain {
  return new AdmissionChain(ADMISSION_PLUGINS, stores);
}

export { AdmissionChain } from './chain.js';
export type { AdmissionAttributes, AdmissionPlugin, AdmissionReader, Operation } from './types.js';
export { SYSTEM_PRIORITY_CLASSES } from './priority.js';
