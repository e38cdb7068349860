// A small run of the kube-proxy benchmark (20 Services x 3 endpoints) in throwaway network
// namespaces: the figures are real, an unchanged world is not written again, and no namespace is left.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { it } from 'node:test';
import { benchSkipReason, formatResult, runBench } from './run.js';

const skip = benchSkipReason();
const benchNamespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('k8ts-bench-'));

it('computes and applies a small ruleset and cleans up its namespaces', { skip, timeout: 60_000 }, async () => {
  const before = benchNamespaces();
  const r = await runBench({ services: 20, endpointsPerService: 3, nodePortEvery: 5, computeRuns: 3, commandTimeoutMs: 30_000 });
  assert.equal(r.servicePorts, 20);
  // 20 KUBE-SVC + 60 KUBE-SEP + 4 KUBE-EXT + 4 base chains
  assert.equal(r.natChains, 88);
  for (const ms of [r.computeMs, r.applyMs, r.rawRestoreMs, r.syncFirstMs, r.syncUnchangedMs]) assert.ok(ms > 0 && Number.isFinite(ms));
  assert.equal(r.syncUnchangedWrites, 0);
  assert.match(formatResult(r), /compute \+ apply +[\d.]+ ms +[\d.]+x raw/);
  assert.deepEqual(benchNamespaces(), before);
});
