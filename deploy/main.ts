// The `node dist/deploy/main.js up|down|reset|status` CLI behind `npm start/stop/reset/status`:
// parses flags, fills defaults, runs one verb of cluster.ts.
// Must never print a stack trace at a user: every failure is a readable message and exit code 1.
import { Command, InvalidArgumentError } from 'commander';
import { down, reset, status, up } from './cluster.js';
import type { ClusterOptions } from './options.js';

interface Flags {
  stateDir?: string;
  apiserverPort?: number;
  etcdPort?: number;
  etcdPeerPort?: number;
  etcdMetricsPort?: number;
  bindAddress?: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError('want a port number 1-65535');
  return n;
}

function toOptions(flags: Flags): Partial<ClusterOptions> {
  const options: Partial<ClusterOptions> = { nodeDaemons: true };
  if (flags.stateDir !== undefined) options.stateDir = flags.stateDir;
  if (flags.apiserverPort !== undefined) options.apiserverPort = flags.apiserverPort;
  if (flags.etcdPort !== undefined) options.etcdClientPort = flags.etcdPort;
  if (flags.etcdPeerPort !== undefined) options.etcdPeerPort = flags.etcdPeerPort;
  if (flags.etcdMetricsPort !== undefined) options.etcdMetricsPort = flags.etcdMetricsPort;
  if (flags.bindAddress !== undefined) options.bindAddress = flags.bindAddress;
  return options;
}

function withClusterFlags(command: Command): Command {
  return command
    .option('--state-dir <dir>', 'where PKI, etcd data, logs and kubeconfigs live (default: <repo>/.k8ts)')
    .option('--apiserver-port <port>', 'apiserver HTTPS port (default: 6443)', port)
    .option('--etcd-port <port>', 'etcd client port (default: 2379)', port)
    .option('--etcd-peer-port <port>', 'etcd peer port (default: 2380)', port)
    .option('--etcd-metrics-port <port>', 'etcd metrics port (default: 2381)', port)
    .option('--bind-address <ip>', 'address the apiserver listens on (default: 0.0.0.0)');
}

const program = new Command('k8ts-deploy')
  .description('bring a local k8ts cluster (etcd, apiserver, controller-manager, scheduler, kubelet) up and down')
  .showHelpAfterError();

const verbs: Array<[string, string, (options: Partial<ClusterOptions>) => Promise<unknown>]> = [
  ['up', 'create the PKI, start etcd, the apiserver and the node daemons, write the admin kubeconfig', up],
  ['down', 'stop every daemon this state dir started; pods and objects are kept', down],
  ['reset', 'down, then remove pod containers, the pod network, routes, iptables chains and the state dir', reset],
  ['status', 'show which daemons run and whether the apiserver is ready', status],
];
for (const [name, description, run] of verbs) {
  withClusterFlags(program.command(name).description(description)).action(async (flags: Flags) => {
    await run(toOptions(flags));
  });
}

// A reader that goes away (`npm start | head`) must not abort `up` half-way.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`[k8ts] error: ${err instanceof Error ? err.message : String(err)}`);
  if (process.argv[2] === 'up') console.error('[k8ts] what did start keeps running: see `npm run status`, stop it with `npm stop`');
  process.exit(1);
}
