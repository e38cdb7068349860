import { test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { pino } from 'pino';
import type { Container, Pod, Probe } from '../../api/types.js';
import { ProbeManager } from './probe-manager.js';
import type { ProbeKind, ProbeOutcome, ProbeTarget } from './run-probe.js';
import { FakeClock } from './fake-clock.test-support.js';

type Call = { at: number; kind: ProbeKind; result: string; changed: boolean; message: string };

/** A manager whose probes answer from `answers` (per kind), on a fake clock. */
function harness(containers: Container[]) {
  const clock = new FakeClock();
  const answers: Record<string, ProbeOutcome['result']> = { liveness: 'success', readiness: 'success', startup: 'success' };
  const runs: Array<{ at: number; kind: string; containerId: string }> = [];
  const results: Call[] = [];
  const failures: Array<{ at: number; kind: ProbeKind; message: string }> = [];
  const kindOf = (c: Container | undefined, probe: Probe): ProbeKind => (c?.livenessProbe === probe ? 'liveness' : c?.readinessProbe === probe ? 'readiness' : 'startup');
  const manager = new ProbeManager({
    docker: {} as Docker,
    logger: pino({ level: 'silent' }),
    clock,
    prober: async (probe: Probe, target: ProbeTarget) => {
      const kind = kindOf(target.container, probe);
      runs.push({ at: clock.now(), kind, containerId: target.containerId });
      return { result: answers[kind]!, message: answers[kind] === 'failure' ? `${kind} said no` : '' };
    },
    onResult: (_uid, _name, kind, result, message, detail) => results.push({ at: clock.now(), kind, result, changed: detail.changed, message }),
    onProbeFailed: (_uid, _name, kind, message) => failures.push({ at: clock.now(), kind, message }),
  });
  const pod: Pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers } };
  return { clock, answers, runs, results, failures, manager, pod };
}

const exec: Probe = { exec: { command: ['true'] } };

test('liveness: failureThreshold consecutive failures report one failure, then hold until a new container', async () => {
  const container: Container = { name: 'app', livenessProbe: { ...exec, periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 5 } };
  const h = harness([container]);
  h.manager.syncPod(h.pod, new Map([['app', { containerId: 'c1', startedAtMs: 0 }]]), '10.0.0.1');
  await h.clock.advance(0);
  assert.equal(h.runs.length, 0, 'no probe inside initialDelaySeconds');
  await h.clock.advance(10_000);
  assert.deepEqual(h.runs.map((r) => r.at), [10_000]);
  assert.equal(h.results.length, 0, 'liveness starts as success; an unchanged success is not reported');
  h.answers.liveness = 'failure';
  await h.clock.advance(20_000);
  assert.deepEqual(h.failures.map((f) => f.at), [20_000, 30_000]);
  assert.equal(h.results.length, 0, 'below failureThreshold nothing is reported');
  await h.clock.advance(10_000);
  assert.deepEqual(h.results, [{ at: 40_000, kind: 'liveness', result: 'failure', changed: true, message: 'liveness said no' }]);
  await h.clock.advance(60_000);
  assert.equal(h.runs.length, 4, 'on hold after a liveness failure');
  // The restarted container is a new instance: probing resumes from the initial state.
  h.answers.liveness = 'success';
  h.manager.syncPod(h.pod, new Map([['app', { containerId: 'c2', startedAtMs: 100_000 }]]));
  assert.deepEqual(h.results.at(-1), { at: 100_000, kind: 'liveness', result: 'success', changed: true, message: '' }, 'the new instance starts from the initial result');
  await h.clock.advance(10_000);
  assert.deepEqual(h.runs.at(-1), { at: 110_000, kind: 'liveness', containerId: 'c2' });
  assert.equal(h.results.length, 2);
  h.manager.stop();
});

test('readiness: not ready until successThreshold, every failure past the threshold is reported', async () => {
  const container: Container = { name: 'app', readinessProbe: { ...exec, periodSeconds: 5, successThreshold: 2, failureThreshold: 1 } };
  const h = harness([container]);
  h.manager.syncPod(h.pod, new Map([['app', { containerId: 'c1', startedAtMs: 0 }]]));
  assert.equal(h.manager.started('u1', 'app'), true);
  assert.equal(h.manager.ready('u1', 'app'), false);
  await h.clock.advance(0);
  assert.equal(h.manager.ready('u1', 'app'), false, 'one success is below successThreshold 2');
  await h.clock.advance(5_000);
  assert.equal(h.manager.ready('u1', 'app'), true);
  assert.deepEqual(h.results.map((r) => [r.at, r.result, r.changed]), [[5_000, 'success', true]]);
  h.answers.readiness = 'failure';
  await h.clock.advance(10_000);
  assert.equal(h.manager.ready('u1', 'app'), false);
  assert.deepEqual(h.results.slice(1).map((r) => [r.at, r.result, r.changed]), [[10_000, 'failure', true], [15_000, 'failure', false]]);
  h.manager.removePod('u1');
  await h.clock.advance(60_000);
  assert.equal(h.runs.length, 4, 'workers stop with removePod');
  assert.equal(h.manager.ready('u1', 'app'), false);
  h.manager.stop();
});

test('startup gates liveness and readiness; readiness runs right after startup succeeds', async () => {
  const container: Container = {
    name: 'app',
    startupProbe: { ...exec, periodSeconds: 10, failureThreshold: 30 },
    livenessProbe: { ...exec, periodSeconds: 10 },
    readinessProbe: { ...exec, periodSeconds: 10 },
  };
  const h = harness([container]);
  h.answers.startup = 'failure';
  h.manager.syncPod(h.pod, new Map([['app', { containerId: 'c1', startedAtMs: 0 }]]));
  await h.clock.advance(25_000);
  assert.deepEqual(h.runs.map((r) => r.kind), ['startup', 'startup', 'startup']);
  assert.equal(h.manager.started('u1', 'app'), false);
  assert.equal(h.manager.ready('u1', 'app'), false);
  h.answers.startup = 'success';
  await h.clock.advance(5_000);
  assert.equal(h.manager.started('u1', 'app'), true);
  assert.deepEqual(h.runs.filter((r) => r.at === 30_000).map((r) => r.kind).sort(), ['liveness', 'readiness', 'startup']);
  assert.equal(h.manager.ready('u1', 'app'), true);
  await h.clock.advance(10_000);
  assert.equal(h.runs.filter((r) => r.kind === 'startup').length, 4, 'startup stops probing once started');
  h.manager.stop();
});

test('startup failing failureThreshold times is reported like a liveness failure', async () => {
  const container: Container = { name: 'app', startupProbe: { ...exec, periodSeconds: 1, failureThreshold: 2 } };
  const h = harness([container]);
  h.answers.startup = 'failure';
  h.manager.syncPod(h.pod, new Map([['app', { containerId: 'c1', startedAtMs: 0 }]]));
  await h.clock.advance(5_000);
  assert.deepEqual(h.results.map((r) => [r.at, r.kind, r.result]), [[1_000, 'startup', 'failure']]);
  assert.equal(h.runs.length, 2);
  h.manager.stop();
});

test('a pod being deleted stops liveness quietly with success', async () => {
  const container: Container = { name: 'app', livenessProbe: { ...exec, periodSeconds: 10, failureThreshold: 1 } };
  const h = harness([container]);
  h.manager.syncPod(h.pod, new Map([['app', { containerId: 'c1', startedAtMs: 0 }]]));
  await h.clock.advance(0);
  h.answers.liveness = 'failure';
  h.manager.syncPod({ ...h.pod, metadata: { ...h.pod.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } }, new Map([['app', { containerId: 'c1', startedAtMs: 0 }]]));
  await h.clock.advance(30_000);
  assert.equal(h.runs.length, 1);
  assert.deepEqual(h.results, []);
  h.manager.stop();
});

test('a container that stops running loses its workers; without probes it is ready once running', async () => {
  const h = harness([{ name: 'plain' }, { name: 'app', readinessProbe: exec }]);
  h.manager.syncPod(h.pod, new Map([['plain', { containerId: 'c0', startedAtMs: 0 }]]));
  assert.equal(h.manager.ready('u1', 'plain'), true);
  assert.equal(h.manager.ready('u1', 'app'), false);
  h.manager.syncPod(h.pod, new Map());
  assert.equal(h.manager.ready('u1', 'plain'), false);
  await h.clock.advance(30_000);
  assert.equal(h.runs.length, 0);
  h.manager.stop();
});
