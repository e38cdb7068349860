// The `npm run lab -- up|down|status` CLI: parses flags and runs one verb of lab.ts.
// Must never print a stack trace at a user: every failure is a readable message and exit code 1.
import { Command, InvalidArgumentError } from 'commander';
import { labDown, labStatus, labUp } from './lab.js';
import type { LabOptions } from './options.js';

interface Flags {
  workers?: number;
  prefix?: string;
  subnet?: string;
  stateDir?: string;
  addons?: boolean;
}

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('want a number');
  return Number(value);
}

function toOptions(flags: Flags): Partial<LabOptions> {
  const options: Partial<LabOptions> = {};
  if (flags.workers !== undefined) options.workers = flags.workers;
  if (flags.prefix !== undefined) options.prefix = flags.prefix;
  if (flags.subnet !== undefined) options.subnet = flags.subnet;
  if (flags.stateDir !== undefined) options.stateDir = flags.stateDir;
  if (flags.addons !== undefined) options.addons = flags.addons;
  return options;
}

function withLabFlags(command: Command): Command {
  return command
    .option('--prefix <name>', 'prefix of the lab\'s namespaces, links and node names (default: k8ts-lab)')
    .option('--subnet <cidr>', 'the lab network, a /24 (default: 10.88.0.0/24)')
    .option('--state-dir <dir>', 'PKI, kubeconfigs, logs, pid files (default: <repo>/.k8ts/lab)');
}

const program = new Command('k8ts-lab')
  .description('a multi-node k8ts cluster on one host: one network namespace per node on a lab bridge')
  .showHelpAfterError();

withLabFlags(program.command('up').description('make the namespaces and start the control plane and the workers (idempotent)'))
  .option('--workers <n>', 'number of worker nodes (default: 2)', count)
  .option('--no-addons', 'without cluster DNS and the ingress controller')
  .action(async (flags: Flags) => { await labUp(toOptions(flags)); });
withLabFlags(program.command('down').description('stop every lab process and remove containers, namespaces, links and the state dir'))
  .action(async (flags: Flags) => { await labDown(toOptions(flags)); });
withLabFlags(program.command('status').description('which lab namespaces and processes exist, and the nodes'))
  .action(async (flags: Flags) => { await labStatus(toOptions(flags)); });

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`[lab] error: ${err instanceof Error ? err.message : String(err)}`);
  if (process.argv[2] === 'up') console.error('[lab] what did start keeps running: see `npm run lab -- status`, remove it all with `npm run lab -- down`');
  process.exit(1);
}
