// Public API of the kubelet's container environment: containerEnv (env/envFrom/valueFrom with
// $(VAR) expansion), serviceEnvironment, and the downward API helpers volumes reuse.
export { CreateContainerConfigError } from './errors.js';
export { containerEnv, containerEnvMap, expandContainerCommandAndArgs, isEnvVarName, podFieldSelectorRuntimeValue, type EnvSources, type EnvContext } from './container-env.js';
export { serviceEnvironment, fromServices } from './service-env.js';
export { expand, mappingFuncFor } from './expansion.js';
export { extractFieldPathAsString, formatMap, goQuote } from './fieldpath.js';
export { extractContainerResourceValue, extractResourceValueByContainerName, withAllocatableLimits, type NodeAllocatable } from './resource-values.js';
