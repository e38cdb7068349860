#!/usr/bin/env node
// `node dist/bench/kube-proxy/main.js [--services 1000] [--endpoints 10]`: computes and applies the
// kube-proxy ruleset of a synthetic world inside throwaway network namespaces, prints it beside raw
// iptables-restore of the same text, and writes the result to .k8ts/bench/kube-proxy.json.
// Needs root; never touches the host's own iptables rules.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { repoRoot } from '../../deploy/options.js';
import { benchSkipReason, formatResult, runBench } from './run.js';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const o = new Command('bench-kube-proxy')
  .option('--services <n>', 'Services in the synthetic world', positive, 1000)
  .option('--endpoints <n>', 'ready endpoints per Service', positive, 10)
  .option('--node-port-every <n>', 'every n-th Service is a NodePort', positive, 10)
  .option('--compute-runs <n>', 'runs of the pure computation (median reported)', positive, 5)
  .option('--timeout <seconds>', 'limit of each iptables command', positive, 120)
  .option('--out <file>', 'JSON result', path.join(repoRoot, '.k8ts', 'bench', 'kube-proxy.json'))
  .parse()
  .opts();
if (o.services > 20_000 || o.endpoints > 100) {
  process.stderr.write('bench-kube-proxy: at most 20000 Services and 100 endpoints each\n');
  process.exit(2);
}
const skip = benchSkipReason();
if (skip) {
  process.stderr.write(`bench-kube-proxy: ${skip}\n`);
  process.exit(1);
}
try {
  const result = await runBench({
    services: o.services, endpointsPerService: o.endpoints, nodePortEvery: o.nodePortEvery, computeRuns: o.computeRuns,
    commandTimeoutMs: o.timeout * 1000, log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatResult(result)}\n`);
  mkdirSync(path.dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${o.out}\n`);
} catch (err) {
  process.stderr.write(`bench-kube-proxy: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
