// The flags of kube-controller-manager that k8ts honours, their upstream defaults, and the compiled
// options controllers read. Parsing lives in main.ts; this file only states names and defaults.

export interface ControllerManagerOptions {
  kubeconfig?: string;
  /** --controllers: `*` (all enabled by default), `name`, `-name`. */
  controllers: string[];
  leaderElect: boolean;
  leaderElectLeaseDurationMs: number;
  leaderElectRenewDeadlineMs: number;
  leaderElectRetryPeriodMs: number;
  bindAddress: string;
  securePort: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  /** --cluster-cidr and --allocate-node-cidrs (node IPAM). */
  clusterCIDR: string;
  allocateNodeCIDRs: boolean;
  nodeCIDRMaskSize: number;
  serviceClusterIPRange: string;
  /** --node-monitor-grace-period (40 s up to 1.31, 50 s from 1.32; we report 1.32). */
  nodeMonitorGracePeriodMs: number;
  /** --node-monitor-period: how often node lifecycle checks leases (5 s). */
  nodeMonitorPeriodMs: number;
  /** --host-path-provisioner-dir (k8ts): where k8ts.io/host-path volumes live on their node; default /var/lib/k8ts/volumes. */
  hostPathProvisionerDir?: string;
  /** --terminated-pod-gc-threshold (12500). */
  terminatedPodGCThreshold: number;
  /** --concurrent-*-syncs: workers per controller (upstream defaults). */
  concurrentSyncs: Record<string, number>;
  /** Verbosity (klog -v). */
  verbosity: number;
  /** --horizontal-pod-autoscaler-sync-period (15 s), -downscale-stabilization (5 m), -tolerance (0.1),
   *  -cpu-initialization-period (5 m), -initial-readiness-delay (30 s). */
  hpaSyncPeriodMs: number;
  hpaDownscaleStabilizationMs: number;
  hpaTolerance: number;
  hpaCpuInitializationPeriodMs: number;
  hpaInitialReadinessDelayMs: number;
}

export const DEFAULT_CONCURRENT_SYNCS: Record<string, number> = {
  replicaset: 5,
  deployment: 5,
  daemonset: 2,
  statefulset: 5,
  job: 5,
  cronjob: 5,
  endpoint: 5,
  endpointslice: 5,
  'garbage-collector': 20,
  namespace: 10,
  serviceaccount: 5,
  'ttl-after-finished': 5,
  'persistentvolume-binder': 5,
  horizontalpodautoscaling: 5,
};

export function defaultControllerManagerOptions(): ControllerManagerOptions {
  return {
    controllers: ['*'],
    leaderElect: true,
    leaderElectLeaseDurationMs: 15_000,
    leaderElectRenewDeadlineMs: 10_000,
    leaderElectRetryPeriodMs: 2_000,
    bindAddress: '127.0.0.1',
    securePort: 10257,
    clusterCIDR: '10.244.0.0/16',
    allocateNodeCIDRs: true,
    nodeCIDRMaskSize: 24,
    serviceClusterIPRange: '10.96.0.0/16',
    nodeMonitorGracePeriodMs: 50_000,
    nodeMonitorPeriodMs: 5_000,
    terminatedPodGCThreshold: 12_500,
    concurrentSyncs: { ...DEFAULT_CONCURRENT_SYNCS },
    verbosity: 2,
    hpaSyncPeriodMs: 15_000,
    hpaDownscaleStabilizationMs: 300_000,
    hpaTolerance: 0.1,
    hpaCpuInitializationPeriodMs: 300_000,
    hpaInitialReadinessDelayMs: 30_000,
  };
}

/** upstream's --controllers semantics: explicit name > `-name` > `*` (enabled unless disabled by default). */
export function controllerEnabled(name: string, controllers: string[], disabledByDefault = false): boolean {
  if (controllers.includes(name)) return true;
  if (controllers.includes(`-${name}`)) return false;
  return controllers.includes('*') && !disabledByDefault;
}
