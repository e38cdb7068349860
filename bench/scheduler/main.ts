#!/usr/bin/env node
// `node dist/bench/scheduler/main.js [--nodes 100] [--pods 3000]`: runs the scheduler benchmark on a
// private cluster (real etcd + apiserver in a temp dir on free ports, as the tests use) and prints
// pods scheduled per second beside the raw pods/binding rate. Never touches the default ports.
import { Command, InvalidArgumentError } from 'commander';
import { startTestCluster } from '../../test/support/cluster.js';
import { formatResult, runBench } from './run.js';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const cmd = new Command('bench-scheduler')
  .option('--nodes <n>', 'hollow Node objects', positive, 100)
  .option('--pods <n>', 'pods to schedule (and to bind directly)', positive, 3000)
  .option('--concurrency <n>', 'requests in flight while creating and raw-binding', positive, 32)
  .option('--timeout <seconds>', 'limit of each phase', positive, 600)
  .option('--json', 'print the result as JSON')
  .option('--cpu-prof-dir <dir>', 'write a V8 CPU profile of the scheduler process into this folder')
  .parse();
const o = cmd.opts();
if (o.nodes > 5000 || o.pods > 30000) {
  process.stderr.write('bench-scheduler: at most 5000 nodes and 30000 pods\n');
  process.exit(2);
}

const cluster = await startTestCluster();
let code = 0;
try {
  const result = await runBench(cluster.kubeconfig, {
    nodes: o.nodes,
    pods: o.pods,
    concurrency: o.concurrency,
    timeoutMs: o.timeout * 1000,
    log: (line) => process.stderr.write(`${line}\n`),
    schedulerNodeArgs: o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : [],
  });
  process.stdout.write(`${o.json ? JSON.stringify(result) : formatResult(result)}\n`);
} catch (err) {
  process.stderr.write(`bench-scheduler: ${err instanceof Error ? err.message : String(err)}\n`);
  code = 1;
} finally {
  await cluster.stop();
}
process.exit(code);
