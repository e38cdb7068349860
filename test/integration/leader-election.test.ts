// Leader election and the event recorder against a real apiserver on a real etcd (startTestCluster):
// two candidates on one Lease (one leads, the other takes over when the leader stops renewing), and
// repeated events folded into one Event with a rising count. Waits on conditions with deadlines only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { createClient, loadClientConfig, type Client, type KubeObject } from '../../client/index.js';
import { createLeaderElector, type LeaseObject } from '../../client/leader-election.js';
import { createEventRecorder, type CoreEvent } from '../../client/event-recorder.js';

let cluster: TestCluster;
let client: Client;

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
});

after(async () => {
  client?.close();
  await cluster?.stop();
});

/** Polls until check() returns a value other than undefined/false, or fails at the deadline. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A candidate whose connection to the apiserver the test can cut (a partitioned process). */
function candidate(identity: string, releaseOnCancel: boolean) {
  const controller = new AbortController();
  const state = { leading: false, lost: false, stopped: false, cut: false };
  const real = client.resource('leases');
  const leases = new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (state.cut ? Promise.reject(new Error('connection cut by the test')) : value.apply(target, args));
    },
  });
  const run = createLeaderElector({
    leases,
    namespace: 'kube-system',
    name: 'it-lock',
    identity,
    leaseDurationSeconds: 3,
    renewDeadlineSeconds: 2,
    retryPeriodSeconds: 1,
    releaseOnCancel,
    signal: controller.signal,
    onStartedLeading(signal) {
      state.leading = true;
      signal.addEventListener('abort', () => {
        state.leading = false;
        state.lost = true;
      });
    },
    onStoppedLeading() {
      state.stopped = true;
    },
  }).run();
  return { identity, state, run, stop: () => controller.abort() };
}

describe('leader election on a real Lease', () => {
  it('elects exactly one of two candidates, and the other takes over when the leader stops renewing', async () => {
    const a = candidate('candidate-a', true);
    const b = candidate('candidate-b', true);
    try {
      const leader = await waitFor('a leader', 10_000, () => (a.state.leading ? a : b.state.leading ? b : undefined));
      const follower = leader === a ? b : a;
      assert.equal(follower.state.leading, false, 'exactly one leads');
      const lease = (await client.resource<LeaseObject>('leases').get('it-lock', 'kube-system')).spec!;
      assert.equal(lease.holderIdentity, leader.identity);
      assert.equal(lease.leaseDurationSeconds, 3);
      assert.match(lease.renewTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const transitions = lease.leaseTransitions ?? 0;

      // Renewals keep the follower out for longer than one lease duration.
      const renewTime = lease.renewTime;
      await waitFor('a renewal', 5_000, async () => (await client.resource<LeaseObject>('leases').get('it-lock', 'kube-system')).spec!.renewTime !== renewTime);
      assert.equal(follower.state.leading, false);

      // The leader stops renewing (cut off from the apiserver): it gives up after the renew deadline,
      // and the follower takes over once the lease has expired, never both at once.
      const cutAt = Date.now();
      leader.state.cut = true;
      await waitFor('the follower to lead', 15_000, () => {
        if (follower.state.leading) assert.equal(leader.state.leading, false, 'two leaders at once');
        return follower.state.leading;
      });
      assert.equal(leader.state.lost, true);
      assert.ok(Date.now() - cutAt >= 2_000, 'the follower waited for the lease to expire');
      await leader.run;
      assert.equal(leader.state.stopped, true);
      const after = (await client.resource<LeaseObject>('leases').get('it-lock', 'kube-system')).spec!;
      assert.equal(after.holderIdentity, follower.identity);
      assert.equal(after.leaseTransitions, transitions + 1);

      // Stopping with releaseOnCancel empties the holder so nobody has to wait.
      follower.stop();
      await follower.run;
      const released = (await client.resource<LeaseObject>('leases').get('it-lock', 'kube-system')).spec!;
      assert.equal(released.holderIdentity, '');
      assert.equal(released.leaseDurationSeconds, 1);
    } finally {
      a.stop();
      b.stop();
      await Promise.all([a.run, b.run]);
    }
  });
});

describe('event recorder on a real apiserver', () => {
  it('folds repeated events into one Event with a rising count', async () => {
    const configMap = await client.resource('configmaps').create(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'recorded' }, data: { a: '1' } },
      undefined,
      'default',
    );
    const errors: string[] = [];
    const recorder = createEventRecorder({
      events: client.resource('events'),
      component: 'it-controller',
      logger: { debug() {}, error: (o, msg) => errors.push(`${msg} ${JSON.stringify(o)}`) },
    });
    for (let i = 0; i < 3; i++) {
      recorder.event(configMap, 'Warning', 'SyncFailed', 'could not sync: boom');
      await recorder.flush();
    }
    recorder.eventf(configMap, 'Normal', 'Synced', 'synced %d keys', 1);
    await recorder.flush();
    assert.deepEqual(errors, []);
    const list = await client.resource<CoreEvent & KubeObject>('events').list({}, 'default');
    const mine = list.items.filter((e) => e.involvedObject?.name === 'recorded');
    const failed = mine.filter((e) => e.reason === 'SyncFailed');
    assert.equal(failed.length, 1, 'one Event for the repeats');
    assert.ok(failed[0].count >= 3, `count ${failed[0].count}`);
    assert.equal(failed[0].count, 3);
    assert.equal(failed[0].source.component, 'it-controller');
    assert.equal(failed[0].involvedObject.kind, 'ConfigMap');
    assert.equal(failed[0].involvedObject.uid, configMap.metadata!.uid);
    assert.equal(failed[0].type, 'Warning');
    assert.match(failed[0].metadata.name, /^recorded\.[0-9a-f]+$/);
    assert.equal(mine.filter((e) => e.reason === 'Synced')[0]?.message, 'synced 1 keys');
    recorder.shutdown();
  });
});
