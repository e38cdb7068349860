// kube-controller-manager's command line: upstream flag names parsed into ControllerManagerOptions
// over the defaults of options.ts, so a bad flag is one readable line, not a stack trace.
import { Command, InvalidArgumentError } from 'commander';
import { parseGoDuration } from '../api/duration.js';
import { defaultControllerManagerOptions, type ControllerManagerOptions } from './options.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535; 0 disables serving)');
  return n;
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function bool(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('must be true or false');
}

function duration(value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`invalid duration "${value}" (want e.g. 40s, 1m)`);
  return ms;
}

/** Upstream's --concurrent-<name>-syncs flags, mapped to controller names. */
const CONCURRENCY_FLAGS: Record<string, string> = {
  'concurrent-replicaset-syncs': 'replicaset',
  'concurrent-deployment-syncs': 'deployment',
  'concurrent-daemonset-syncs': 'daemonset',
  'concurrent-statefulset-syncs': 'statefulset',
  'concurrent-job-syncs': 'job',
  'concurrent-cron-job-syncs': 'cronjob',
  'concurrent-endpoint-syncs': 'endpoint',
  'concurrent-service-endpoint-syncs': 'endpointslice',
  'concurrent-gc-syncs': 'garbage-collector',
  'concurrent-namespace-syncs': 'namespace',
  'concurrent-serviceaccount-token-syncs': 'serviceaccount',
  'concurrent-ttl-after-finished-syncs': 'ttl-after-finished',
  'concurrent-horizontal-pod-autoscaler-syncs': 'horizontalpodautoscaling',
};

export function parseFlags(argv: string[]): ControllerManagerOptions {
  const d = defaultControllerManagerOptions();
  const cmd = new Command('kube-controller-manager')
    .description('k8ts controller-manager: the controllers that drive the cluster to its declared state')
    .option('--kubeconfig <file>', 'kubeconfig to reach the apiserver (default: in-cluster, KUBECONFIG, ~/.kube/config)')
    .option('--controllers <list>', 'controllers to run: * for all on by default, foo to enable, -foo to disable', '*')
    .option('--leader-elect [bool]', 'run leader election before starting controllers', bool, d.leaderElect)
    .option('--leader-elect-lease-duration <duration>', 'lease duration', duration, d.leaderElectLeaseDurationMs)
    .option('--leader-elect-renew-deadline <duration>', 'renew deadline', duration, d.leaderElectRenewDeadlineMs)
    .option('--leader-elect-retry-period <duration>', 'retry period', duration, d.leaderElectRetryPeriodMs)
    .option('--bind-address <ip>', 'address of the secure port', d.bindAddress)
    .option('--secure-port <port>', 'HTTPS port of /healthz and /metrics (0 disables)', port, d.securePort)
    .option('--tls-cert-file <file>', 'serving certificate (default: self-signed)')
    .option('--tls-private-key-file <file>', 'serving key')
    .option('--cluster-cidr <cidr>', 'CIDR of pods in the cluster', d.clusterCIDR)
    .option('--allocate-node-cidrs [bool]', 'assign each node a podCIDR from --cluster-cidr', bool, d.allocateNodeCIDRs)
    .option('--node-cidr-mask-size <n>', 'prefix length of each node podCIDR', int, d.nodeCIDRMaskSize)
    .option('--service-cluster-ip-range <cidr>', 'CIDR of Services', d.serviceClusterIPRange)
    .option('--node-monitor-grace-period <duration>', 'time a node may go without a heartbeat before it is Unknown', duration, d.nodeMonitorGracePeriodMs)
    .option('--node-monitor-period <duration>', 'how often node health is checked', duration, d.nodeMonitorPeriodMs)
    .option('--host-path-provisioner-dir <dir>', 'where k8ts.io/host-path volumes are created on their node (default /var/lib/k8ts/volumes)')
    .option('--terminated-pod-gc-threshold <n>', 'terminated pods kept before pod GC deletes the oldest', int, d.terminatedPodGCThreshold)
    .option('--horizontal-pod-autoscaler-sync-period <duration>', 'period for syncing the number of pods in horizontal pod autoscaler', duration, d.hpaSyncPeriodMs)
    .option('--horizontal-pod-autoscaler-downscale-stabilization <duration>', 'period for which autoscaler will look backwards and not scale down below any recommendation it made during that period', duration, d.hpaDownscaleStabilizationMs)
    .option('--horizontal-pod-autoscaler-tolerance <float>', 'minimum change (from 1.0) in the desired-to-actual metrics ratio to consider scaling', Number, d.hpaTolerance)
    .option('--horizontal-pod-autoscaler-cpu-initialization-period <duration>', 'period after pod start when CPU samples might be skipped', duration, d.hpaCpuInitializationPeriodMs)
    .option('--horizontal-pod-autoscaler-initial-readiness-delay <duration>', 'period after pod start during which readiness changes are treated as initial readiness', duration, d.hpaInitialReadinessDelayMs)
    .option('--v <level>', 'log verbosity', int, d.verbosity);
  for (const flag of Object.keys(CONCURRENCY_FLAGS)) cmd.option(`--${flag} <n>`, `workers of the ${CONCURRENCY_FLAGS[flag]} controller`, int);
  cmd.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts();
  const concurrentSyncs = { ...d.concurrentSyncs };
  for (const [flag, name] of Object.entries(CONCURRENCY_FLAGS)) {
    const key = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (o[key] !== undefined) concurrentSyncs[name] = o[key];
  }
  return {
    ...d,
    kubeconfig: o.kubeconfig,
    controllers: String(o.controllers).split(',').map((s) => s.trim()).filter(Boolean),
    leaderElect: o.leaderElect,
    leaderElectLeaseDurationMs: o.leaderElectLeaseDuration,
    leaderElectRenewDeadlineMs: o.leaderElectRenewDeadline,
    leaderElectRetryPeriodMs: o.leaderElectRetryPeriod,
    bindAddress: o.bindAddress,
    securePort: o.securePort,
    tlsCertFile: o.tlsCertFile,
    tlsPrivateKeyFile: o.tlsPrivateKeyFile,
    clusterCIDR: o.clusterCidr,
    allocateNodeCIDRs: o.allocateNodeCidrs,
    nodeCIDRMaskSize: o.nodeCidrMaskSize,
    serviceClusterIPRange: o.serviceClusterIpRange,
    nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriod,
    nodeMonitorPeriodMs: o.nodeMonitorPeriod,
    terminatedPodGCThreshold: o.terminatedPodGcThreshold,
    hostPathProvisionerDir: o.hostPathProvisionerDir,
    concurrentSyncs,
    verbosity: o.v,
    hpaSyncPeriodMs: o.horizontalPodAutoscalerSyncPeriod,
    hpaDownscaleStabilizationMs: o.horizontalPodAutoscalerDownscaleStabilization,
    hpaTolerance: o.horizontalPodAutoscalerTolerance,
    hpaCpuInitializationPeriodMs: o.horizontalPodAutoscalerCpuInitializationPeriod,
    hpaInitialReadinessDelayMs: o.horizontalPodAutoscalerInitialReadinessDelay,
  };
}
