// Public API of the kubelet's probes and lifecycle hooks: runProbe, runLifecycleHandler, ProbeManager.
export { runProbe, resolveContainerPort, type ProbeKind, type ProbeTarget, type ProbeOutcome } from './run-probe.js';
export { runLifecycleHandler, type LifecycleTarget } from './lifecycle.js';
export { ProbeManager, type ProbeManagerOptions, type ProbeResult, type ProbeResultDetail, type RunningContainer } from './probe-manager.js';
export { execInContainer, type ExecResult } from './docker-exec.js';
export { realClock, type Clock } from './clock.js';
export { PROBE_USER_AGENT } from './http-get.js';
