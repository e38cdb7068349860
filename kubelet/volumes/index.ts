// Public API of the kubelet's volumes: VolumeManager (set-up, docker mounts, refresh, tear-down under
// <rootDir>/pods/<uid>/), VolumeError (FailedMount text) and the pieces tests and the pods worker reuse.
export { VolumeManager, readTerminationMessage, type VolumeSources, type DockerMount, type PodVolumeContext, type MountsForOptions, type VolumeManagerOptions } from './volume-manager.js';
export { VolumeError, type VolumeErrorReason } from './errors.js';
export { writeAtomically, type Payload, type FileProjection } from './atomic-writer.js';
export { checkHostPathType, type HostPathType } from './host-path.js';
export { hostsFileContent, managedHostsFileContent, podHostnameAndDomain } from './etc-hosts.js';
export { configMapPayload, secretPayload, downwardAPIPayload, projectedPayload, DEFAULT_MODE, type RequestToken } from './payloads.js';
export { podDir, volumeDir, etcHostsPath, containerDir } from './paths.js';
