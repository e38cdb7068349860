// Unit tests of each admission plugin with a fixed reader: NamespaceLifecycle, Priority and
// DefaultTolerationSeconds, with upstream's codes and messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ForbiddenError, NotFoundError } from '../../api/errors.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { priority } from './priority.js';
import { attrs, readerOf } from './testing.js';

const namespaces = readerOf({
  '/namespaces//default': { metadata: { name: 'default' }, status: { phase: 'Active' } },
  '/namespaces//going': { metadata: { name: 'going', deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Terminating' } },
});

test('NamespaceLifecycle', async () => {
  const pod = { metadata: { name: 'x' }, spec: {} };
  await namespaceLifecycle.admit!(attrs('pods', pod), namespaces);
  await assert.rejects(async () => namespaceLifecycle.admit!(attrs('pods', pod, { namespace: 'nope' }), namespaces), (err: unknown) => {
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.message, 'namespaces "nope" not found');
    return true;
  });
  await assert.rejects(async () => namespaceLifecycle.admit!(attrs('pods', pod, { namespace: 'going' }), namespaces), (err: unknown) => {
    assert.ok(err instanceof ForbiddenError);
    assert.equal(err.message, 'pods "x" is forbidden: unable to create new content in namespace going because it is being terminated');
    assert.deepEqual(err.toStatus().details?.causes, [{ type: 'NamespaceTerminating', message: 'namespace going is being terminated', field: 'metadata.namespace' }]);
    return true;
  });
  // Updates in a terminating namespace pass (finalizers must be removable); cluster-scoped objects and namespaces pass.
  await namespaceLifecycle.admit!(attrs('pods', pod, { namespace: 'going', operation: 'UPDATE', oldObject: pod }), namespaces);
  await namespaceLifecycle.admit!(attrs('nodes', { metadata: { name: 'n' } }), namespaces);
  await namespaceLifecycle.admit!(attrs('namespaces', { metadata: { name: 'new' } }), namespaces);
  await assert.rejects(async () => namespaceLifecycle.admit!(attrs('deployments', { metadata: { name: 'd' } }, { group: 'apps', namespace: 'going' }), namespaces), /deployments.apps "d" is forbidden/);
});

const classes = {
  '/namespaces//default': { metadata: { name: 'default' } },
  'scheduling.k8s.io/priorityclasses//high': { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'PreemptLowerPriority' },
  'scheduling.k8s.io/priorityclasses//polite': { metadata: { name: 'polite' }, value: 500, preemptionPolicy: 'Never' },
};

test('Priority: class name resolves to priority and preemptionPolicy', async () => {
  const cases: { name: string; spec: Record<string, unknown>; extra?: Record<string, any>; want?: Record<string, unknown>; error?: string }[] = [
    { name: 'no class, no default', spec: {}, want: { priority: 0, preemptionPolicy: 'PreemptLowerPriority' } },
    { name: 'known class', spec: { priorityClassName: 'high' }, want: { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' } },
    { name: 'class with Never', spec: { priorityClassName: 'polite' }, want: { priorityClassName: 'polite', priority: 500, preemptionPolicy: 'Never' } },
    { name: 'unknown class', spec: { priorityClassName: 'nope' }, error: 'pods "p" is forbidden: no PriorityClass with name nope was found' },
    { name: 'mismatching priority', spec: { priorityClassName: 'high', priority: 5 }, error: 'pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name' },
    { name: 'matching priority is fine', spec: { priorityClassName: 'high', priority: 1000 }, want: { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' } },
    {
      name: 'globalDefault applies to pods without a class',
      spec: {},
      extra: { 'scheduling.k8s.io/priorityclasses//dflt': { metadata: { name: 'dflt' }, value: 7, globalDefault: true } },
      want: { priorityClassName: 'dflt', priority: 7 },
    },
  ];
  for (const c of cases) {
    const pod = { metadata: { name: 'p' }, spec: { ...c.spec } };
    const run = (async () => priority.admit!(attrs('pods', pod), readerOf({ ...classes, ...c.extra })))();
    if (c.error) {
      await assert.rejects(run, (err: unknown) => err instanceof ForbiddenError && err.message === c.error, c.name);
      continue;
    }
    await run;
    assert.deepEqual(pod.spec, c.want, c.name);
  }
});

test('Priority: updates keep the stored priority; a second globalDefault is refused', async () => {
  const old = { metadata: { name: 'p' }, spec: { priority: 1000, preemptionPolicy: 'Never' } };
  const next = { metadata: { name: 'p' }, spec: {} as Record<string, unknown> };
  await priority.admit!(attrs('pods', next, { operation: 'UPDATE', oldObject: old }), readerOf(classes));
  assert.deepEqual(next.spec, { priority: 1000, preemptionPolicy: 'Never' });

  const reader = readerOf({ ...classes, 'scheduling.k8s.io/priorityclasses//dflt': { metadata: { name: 'dflt' }, value: 7, globalDefault: true } });
  const second = { metadata: { name: 'other' }, value: 1, globalDefault: true };
  await assert.rejects(async () => priority.validate!(attrs('priorityclasses', second, { group: 'scheduling.k8s.io' }), reader), (err: unknown) =>
    err instanceof ForbiddenError && err.message === 'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass dflt is already marked as default. Only one default can exist');
  await priority.validate!(attrs('priorityclasses', { metadata: { name: 'dflt' }, value: 7, globalDefault: true }, { group: 'scheduling.k8s.io', operation: 'UPDATE' }), reader);
});

test('DefaultTolerationSeconds', async () => {
  const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const cases: { name: string; tolerations?: any[]; want: any[] }[] = [
    { name: 'none', want: [notReady, unreachable] },
    { name: 'own not-ready toleration kept', tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }], want: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }, unreachable] },
    { name: 'tolerate-everything needs nothing', tolerations: [{ operator: 'Exists' }], want: [{ operator: 'Exists' }] },
    { name: 'a NoSchedule toleration does not count', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }], want: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }, notReady, unreachable] },
  ];
  for (const c of cases) {
    const pod = { metadata: { name: 'p' }, spec: c.tolerations ? { tolerations: structuredClone(c.tolerations) } : {} };
    await defaultTolerationSeconds.admit!(attrs('pods', pod), readerOf({}));
    assert.deepEqual((pod.spec as any).tolerations, c.want, c.name);
  }
  const status = { metadata: { name: 'p' }, spec: {} };
  await defaultTolerationSeconds.admit!(attrs('pods', status, { subresource: 'status', operation: 'UPDATE' }), readerOf({}));
  assert.deepEqual(status.spec, {}, 'subresources are left alone');
});
