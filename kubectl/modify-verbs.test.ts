// Unit tests of the modify verbs' pure parts: label/annotate rules, rollout status messages, wait
// conditions, run's Pod and drain-free helpers. No server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyMetaChanges, splitMetaArgs } from './modify-label.js';
import { daemonSetStatus, deploymentStatus, statefulSetStatus } from './modify-rollout.js';
import { conditionMet, parseFor } from './modify-wait.js';
import { buildRunPod } from './modify-create.js';
import { checkScalePreconditions, podSpecOf, splitImageArgs } from './modify-patch.js';

describe('label and annotate', () => {
  it('splits resources from changes', () => {
    const c = splitMetaArgs(['cm', 'x', 'a=1', 'b-'], 'labels');
    assert.deepEqual(c.resourceArgs, ['cm', 'x']);
    assert.deepEqual([...c.set], [['a', '1']]);
    assert.deepEqual(c.remove, ['b']);
    assert.throws(() => splitMetaArgs(['cm', 'x', 'a=1', 'a-'], 'labels'), /can not both modify and remove/);
  });
  it('refuses to overwrite without --overwrite, with kubectl’s messages', () => {
    const c = splitMetaArgs(['cm', 'x', 'app=y'], 'labels');
    assert.throws(() => applyMetaChanges('labels', { app: 'x' }, c, false), /^CliError: 'app' already has a value \(x\), and --overwrite is false$/);
    assert.throws(() => applyMetaChanges('annotations', { app: 'x' }, c, false), /--overwrite is false but found the following declared annotation\(s\): 'app' already has a value \(x\)/);
    assert.deepEqual(applyMetaChanges('labels', { app: 'x' }, c, true), { app: 'y' });
    assert.deepEqual(applyMetaChanges('labels', { app: 'y' }, c, false), { app: 'y' });
  });
});

describe('rollout status', () => {
  const d = (status: object, generation = 1, replicas = 2) => ({ kind: 'Deployment', metadata: { name: 'web', generation }, spec: { replicas }, status });
  it('follows the Deployment status viewer', () => {
    assert.equal(deploymentStatus(d({ observedGeneration: 0 })).message, 'Waiting for deployment spec update to be observed...\n');
    assert.equal(deploymentStatus(d({ observedGeneration: 1, updatedReplicas: 1 })).message, 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n');
    assert.equal(deploymentStatus(d({ observedGeneration: 1, updatedReplicas: 2, replicas: 3 })).message, 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n');
    assert.equal(deploymentStatus(d({ observedGeneration: 1, updatedReplicas: 2, replicas: 2 })).message, 'Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...\n');
    const done = deploymentStatus(d({ observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }));
    assert.deepEqual(done, { message: 'deployment "web" successfully rolled out\n', done: true });
    assert.throws(() => deploymentStatus(d({ observedGeneration: 1, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] })), /exceeded its progress deadline/);
  });
});

describe('daemon set and stateful set status', () => {
  it('follows their status viewers', () => {
    const ds = (status: object) => ({ metadata: { name: 'ds', generation: 2 }, spec: {}, status });
    assert.equal(daemonSetStatus(ds({ observedGeneration: 1 })).message, 'Waiting for daemon set spec update to be observed...\n');
    assert.equal(daemonSetStatus(ds({ observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 1 })).message, 'Waiting for daemon set "ds" rollout to finish: 1 out of 3 new pods have been updated...\n');
    assert.equal(daemonSetStatus(ds({ observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 })).message, 'Waiting for daemon set "ds" rollout to finish: 2 of 3 updated pods are available...\n');
    assert.equal(daemonSetStatus(ds({ observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 })).done, true);
    assert.throws(() => daemonSetStatus({ metadata: {}, spec: { updateStrategy: { type: 'OnDelete' } } }), /only available for RollingUpdate strategy type/);
    const sts = (spec: object, status: object) => ({ metadata: { name: 'ss', generation: 1 }, spec: { replicas: 2, ...spec }, status });
    assert.equal(statefulSetStatus(sts({}, {})).message, 'Waiting for statefulset spec update to be observed...\n');
    assert.equal(statefulSetStatus(sts({}, { observedGeneration: 1, readyReplicas: 1 })).message, 'Waiting for 1 pods to be ready...\n');
    assert.deepEqual(statefulSetStatus(sts({}, { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2, currentReplicas: 2, currentRevision: 'r1', updateRevision: 'r1' })), {
      message: 'statefulset rolling update complete 2 pods at revision r1...\n',
      done: true,
    });
    assert.equal(
      statefulSetStatus(sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }, { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 0 })).message,
      'Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...\n',
    );
  });
});

describe('wait conditions', () => {
  it('parses --for forms', () => {
    assert.deepEqual(parseFor('delete'), { kind: 'delete' });
    assert.deepEqual(parseFor('condition=Ready'), { kind: 'condition', type: 'Ready', status: 'true' });
    assert.deepEqual(parseFor('condition=Ready=False'), { kind: 'condition', type: 'Ready', status: 'False' });
    assert.deepEqual(parseFor('jsonpath={.status.phase}=Running'), { kind: 'jsonpath', path: ['status', 'phase'], value: 'Running' });
    assert.deepEqual(parseFor('jsonpath={.spec.containers[0].name}=c').kind === 'jsonpath' && (parseFor('jsonpath={.spec.containers[0].name}=c') as any).path, ['spec', 'containers', '0', 'name']);
    assert.throws(() => parseFor('ready'), /unrecognized condition/);
    assert.throws(() => parseFor(undefined), /unrecognized condition: ""/);
    assert.deepEqual(parseFor('create'), { kind: 'create' });
  });
  it('judges objects', () => {
    const pod = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    assert.equal(conditionMet(pod, parseFor('condition=Ready')), true);
    assert.equal(conditionMet(pod, parseFor('condition=Ready=false')), false);
    assert.equal(conditionMet(pod, parseFor('jsonpath={.status.phase}=Running')), true);
    assert.equal(conditionMet(pod, parseFor('jsonpath={.status.phase}=Pending')), false);
  });
});

describe('run, scale and set image helpers', () => {
  it('builds kubectl run’s Pod', () => {
    const pod = buildRunPod('r', ['sleep', '1'], { image: 'busybox', env: ['A=1'], port: '80', restart: 'Never' }) as any;
    assert.deepEqual(pod.metadata.labels, { run: 'r' });
    assert.deepEqual(pod.spec.containers[0], { name: 'r', image: 'busybox', args: ['sleep', '1'], ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }], resources: {} });
    assert.deepEqual(Object.keys(pod), ['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    assert.equal(pod.spec.restartPolicy, 'Never');
    assert.throws(() => buildRunPod('r', [], {}), /required flag\(s\) "image" not set/);
  });
  it('checks scale preconditions', () => {
    const scale = { metadata: { resourceVersion: '5' }, spec: { replicas: 3 } };
    assert.throws(() => checkScalePreconditions(scale, 2, undefined), /Expected replicas to be 2, was 3/);
    assert.throws(() => checkScalePreconditions(scale, -1, '4'), /Expected resource version to be 4, was 5/);
    checkScalePreconditions(scale, 3, '5');
  });
  it('finds pod specs and image arguments', () => {
    assert.deepEqual(splitImageArgs(['deploy/web', 'nginx=nginx:2']).resources, ['deploy/web']);
    assert.throws(() => splitImageArgs(['deploy/web']), /at least one image update/);
    assert.deepEqual(podSpecOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { x: 1 } } } } } }), { x: 1 });
  });
});
