// The public API of kubelet/pods: the one entry kubelet/main.ts calls. Only re-exports; no logic.
//
//   const volumes = new VolumeManager({ rootDir, sources, nodeName, logger, clusterDomain });
//   const pods = await startPodManager({
//     client, docker, nodeName, networkName,        // networkName: ensurePodNetwork(...).networkName
//     rootDir, podInfraImage, podManifestPath, clusterDNS, clusterDomain, hostIP,
//     logger, recorder: createEventRecorder({ events: client.resource('events'), component: 'kubelet', host: nodeName }),
//     volumes,
//   }, signal);
//   startKubeletServer({ ..., pods: () => pods.pods() });
//   await pods.stopped;   // after signal aborts; containers keep running and are adopted on restart
//
// Probes and lifecycle hooks default to kubelet/probes (ProbeManager, runLifecycleHandler); env comes
// from kubelet/env. Optional knobs: resolvConfPath, crashLoopBackoff, imagePullBackoff, gcPeriodMs.
export { startPodManager, type PodManager, type PodManagerOptions } from './manager.js';
export { isMirrorPod, isStaticPod, staticPodFromManifest } from './static-pods.js';
export type { PodVolumes, PodProbes } from './deps.js';
