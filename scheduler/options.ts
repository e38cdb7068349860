// kube-scheduler's flags that k8ts honours, with upstream's names and defaults (except
// --bind-address, which is 127.0.0.1 here so a laptop does not expose the port). Parsing only.
import { Command, InvalidArgumentError } from 'commander';
import { parseGoDuration } from '../api/duration.js';

export interface SchedulerFlags {
  kubeconfig?: string;
  leaderElect: boolean;
  leaderElectLeaseDurationMs: number;
  leaderElectRenewDeadlineMs: number;
  leaderElectRetryPeriodMs: number;
  leaderElectResourceNamespace: string;
  leaderElectResourceName: string;
  bindAddress: string;
  securePort: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  schedulerName: string;
  verbosity: number;
}

export function defaultSchedulerFlags(): SchedulerFlags {
  return {
    leaderElect: true,
    leaderElectLeaseDurationMs: 15_000,
    leaderElectRenewDeadlineMs: 10_000,
    leaderElectRetryPeriodMs: 2_000,
    leaderElectResourceNamespace: 'kube-system',
    leaderElectResourceName: 'kube-scheduler',
    bindAddress: '127.0.0.1',
    securePort: 10259,
    schedulerName: 'default-scheduler',
    verbosity: 2,
  };
}

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
  if (ms === undefined) throw new InvalidArgumentError(`invalid duration "${value}" (want e.g. 15s)`);
  return ms;
}

export function parseSchedulerFlags(argv: string[]): SchedulerFlags {
  const d = defaultSchedulerFlags();
  const cmd = new Command('kube-scheduler')
    .description('k8ts scheduler: assigns pending pods to nodes through pods/binding')
    .option('--kubeconfig <file>', 'kubeconfig to reach the apiserver (default: in-cluster, KUBECONFIG, ~/.kube/config)')
    .option('--leader-elect [bool]', 'run leader election before scheduling', bool, d.leaderElect)
    .option('--leader-elect-lease-duration <duration>', 'lease duration', duration, d.leaderElectLeaseDurationMs)
    .option('--leader-elect-renew-deadline <duration>', 'renew deadline', duration, d.leaderElectRenewDeadlineMs)
    .option('--leader-elect-retry-period <duration>', 'retry period', duration, d.leaderElectRetryPeriodMs)
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the Lease', d.leaderElectResourceNamespace)
    .option('--leader-elect-resource-name <name>', 'name of the Lease', d.leaderElectResourceName)
    .option('--bind-address <ip>', 'address of the secure port', d.bindAddress)
    .option('--secure-port <port>', 'HTTPS port of /healthz, /readyz and /metrics (0 disables)', port, d.securePort)
    .option('--tls-cert-file <file>', 'serving certificate (default: self-signed)')
    .option('--tls-private-key-file <file>', 'serving key')
    .option('--scheduler-name <name>', 'the profile name: pods with this spec.schedulerName are scheduled', d.schedulerName)
    .option('-v, --v <level>', 'log verbosity', int, d.verbosity)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts();
  if (Boolean(o.tlsCertFile) !== Boolean(o.tlsPrivateKeyFile)) throw new InvalidArgumentError('--tls-cert-file and --tls-private-key-file go together');
  return {
    kubeconfig: o.kubeconfig,
    leaderElect: o.leaderElect,
    leaderElectLeaseDurationMs: o.leaderElectLeaseDuration,
    leaderElectRenewDeadlineMs: o.leaderElectRenewDeadline,
    leaderElectRetryPeriodMs: o.leaderElectRetryPeriod,
    leaderElectResourceNamespace: o.leaderElectResourceNamespace,
    leaderElectResourceName: o.leaderElectResourceName,
    bindAddress: o.bindAddress,
    securePort: o.securePort,
    tlsCertFile: o.tlsCertFile,
    tlsPrivateKeyFile: o.tlsPrivateKeyFile,
    schedulerName: o.schedulerName,
    verbosity: o.v,
  };
}
