// Unit tests of leader election against an in-memory Lease store with resourceVersion semantics and
// a fake clock: acquire, renew, loss on failed renewals, takeover after expiry, conflicts, release.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../api/errors.js';
import { FakeClock } from './rate-limiter.js';
import { formatMicroTime, createLeaderElector, runLeaderElection, type LeaseObject } from './leader-election.js';
import type { ResourceClient } from './types.js';
import type { KubeObject } from './objects.js';

const LEASES = { group: 'coordination.k8s.io', plural: 'leases' };
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Lets a chain of async calls finish without time moving. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await flush();
}

/** Moves the fake clock in small steps, letting the elector's async work run in between. */
async function advance(clock: FakeClock, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await flush();
  }
}

class FakeLeases {
  readonly objects = new Map<string, LeaseObject>();
  private rv = 100;
  /** When set, every call fails like a dead connection. */
  down = false;
  /** Runs before a write is applied (to simulate a competing writer). */
  beforeWrite?: (verb: 'create' | 'update') => void;
  writes = 0;

  key(namespace: string | undefined, name: string): string {
    return `${namespace}/${name}`;
  }

  put(object: LeaseObject): LeaseObject {
    const stored = structuredClone(object);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.rv) };
    this.objects.set(this.key(stored.metadata.namespace, stored.metadata.name!), stored);
    return structuredClone(stored);
  }

  stored(name = 'lock', namespace = 'kube-system'): LeaseObject | undefined {
    return this.objects.get(this.key(namespace, name));
  }

  client(): ResourceClient {
    const unsupported = () => Promise.reject(new Error('not supported by the fake'));
    const self = this;
    return {
      async get(name: string, namespace?: string) {
        await Promise.resolve();
        if (self.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
        const o = self.objects.get(self.key(namespace, name));
        if (!o) throw new NotFoundError(LEASES, name);
        return structuredClone(o);
      },
      async create(object: KubeObject, _options?: unknown, namespace?: string) {
        await Promise.resolve();
        if (self.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
        self.beforeWrite?.('create');
        const o = { ...object, metadata: { ...object.metadata, namespace } } as LeaseObject;
        if (self.objects.has(self.key(namespace, o.metadata!.name!))) throw new AlreadyExistsError(LEASES, o.metadata!.name!);
        self.writes++;
        return self.put(o);
      },
      async update(object: KubeObject) {
        await Promise.resolve();
        if (self.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
        self.beforeWrite?.('update');
        const key = self.key(object.metadata?.namespace, object.metadata!.name!);
        const current = self.objects.get(key);
        if (!current) throw new NotFoundError(LEASES, object.metadata!.name!);
        if (current.metadata!.resourceVersion !== object.metadata?.resourceVersion) throw new ConflictError(LEASES, object.metadata!.name!);
        self.writes++;
        return self.put(object as LeaseObject);
      },
      list: unsupported,
      updateStatus: unsupported,
      patch: unsupported,
      delete: unsupported,
      deleteCollection: unsupported,
      watch() {
        throw new Error('not supported by the fake');
      },
    } as ResourceClient;
  }
}

function candidate(store: FakeLeases, clock: FakeClock, identity: string, extra: { releaseOnCancel?: boolean } = {}) {
  const controller = new AbortController();
  const state = { leading: false, leadingSignal: undefined as AbortSignal | undefined, stopped: 0, leaders: [] as string[], done: false };
  const elector = createLeaderElector({
    leases: store.client(),
    namespace: 'kube-system',
    name: 'lock',
    identity,
    clock,
    random: () => 0,
    signal: controller.signal,
    releaseOnCancel: extra.releaseOnCancel,
    onStartedLeading(signal) {
      state.leading = true;
      state.leadingSignal = signal;
    },
    onStoppedLeading() {
      state.stopped++;
    },
    onNewLeader(id) {
      state.leaders.push(id);
    },
  });
  const run = elector.run().then(() => {
    state.done = true;
  });
  return { elector, state, run, stop: () => controller.abort() };
}

describe('leader election', () => {
  it('formats MicroTime as upstream', () => {
    assert.equal(formatMicroTime(Date.UTC(2006, 0, 2, 15, 4, 5, 123)), '2006-01-02T15:04:05.123000Z');
  });

  it('acquires an absent lease and writes the holder record', async () => {
    const clock = new FakeClock();
    const store = new FakeLeases();
    const a = candidate(store, clock, 'a');
    await settle();
    assert.equal(a.state.leading, true);
    assert.equal(a.elector.isLeader(), true);
    const lease = store.stored()!;
    assert.equal(lease.apiVersion, 'coordination.k8s.io/v1');
    assert.equal(lease.kind, 'Lease');
    assert.deepEqual(lease.spec, {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: formatMicroTime(Date.UTC(2024, 0, 1)),
      renewTime: formatMicroTime(Date.UTC(2024, 0, 1)),
      leaseTransitions: 0,
    });
    assert.deepEqual(a.state.leaders, ['a']);
    a.stop();
    await a.run;
  });

  it('renews every retry period, keeping acquireTime', async () => {
    const clock = new FakeClock();
    const store = new FakeLeases();
    const a = candidate(store, clock, 'a');
    await settle();
    const first = store.stored()!;
    await advance(clock, 2000);
    const second = store.stored()!;
    assert.notEqual(second.metadata!.resourceVersion, first.metadata!.resourceVersion);
    assert.equal(second.spec!.acquireTime, first.spec!.acquireTime);
    assert.equal(second.spec!.renewTime, formatMicroTime(Date.UTC(2024, 0, 1) + 2000));
    assert.equal(second.spec!.leaseTransitions, 0);
    const writes = store.writes;
    await advance(clock, 10_000);
    assert.equal(store.writes - writes, 5, 'one renewal per 2 s');
    assert.equal(a.state.leadingSignal!.aborted, false);
    a.stop();
    await a.run;
  });

  it('stops leading when it cannot renew within the renew deadline', async () => {
    const clock = new FakeClock();
    const store = new FakeLeases();
    const a = candidate(store, clock, 'a');
    await advance(clock, 100);
    assert.equal(a.state.leading, true);
    store.down = true;
    // The next renewal starts at +2 s and gives up 10 s later.
    await advance(clock, 2000 + 9000);
    assert.equal(a.state.leadingSignal!.aborted, false, 'still leading inside the renew deadline');
    await advance(clock, 1200);
    assert.equal(a.state.leadingSignal!.aborted, true);
    await a.run;
    assert.equal(a.state.done, true);
    assert.equal(a.state.stopped, 1);
  });

  it('waits while another holder renews, and takes over after the lease expires with leaseTransitions + 1', async () => {
    const clock = new FakeClock();
    const store = new FakeLeases();
    const t0 = formatMicroTime(clock.now());
    store.put({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'lock', namespace: 'kube-system' },
      spec: { holderIdentity: 'old', leaseDurationSeconds: 15, acquireTime: t0, renewTime: t0, leaseTransitions: 3 },
    });
    const b = candidate(store, clock, 'b');
    await advance(clock, 100);
    assert.deepEqual(b.state.leaders, ['old']);
    // The old holder renews at +10 s: b must wait a full lease duration from then.
    await advance(clock, 9900);
    const renewed = store.stored()!;
    store.put({ ...renewed, spec: { ...renewed.spec, renewTime: formatMicroTime(clock.now()) } });
    await advance(clock, 14_000);
    assert.equal(b.state.leading, false, 'lease still valid');
    assert.equal(store.stored()!.spec!.holderIdentity, 'old');
    await advance(clock, 3000);
    assert.equal(b.state.leading, true);
    const lease = store.stored()!;
    assert.equal(lease.spec!.holderIdentity, 'b');
    assert.equal(lease.spec!.leaseTransitions, 4);
    assert.equal(lease.spec!.acquireTime, lease.spec!.renewTime);
    assert.deepEqual(b.state.leaders, ['old', 'b']);
    b.stop();
    await b.run;
  });

  it('two candidates: exactly one leads; the other takes over when the leader stops renewing', async () => {
    const clock = new FakeClock();
    const store = new FakeLeases();
    const a = candidate(store, clock, 'a');
    const b = candidate(store, clock, 'b');
    await advance(clock, 5000);
    assert.equal([a.state.leading, b.state.leading].filter(Boolean).length, 1);
    const [leader, follower] = a.state.leading ? [a, b] : [b, a];
    leader.stop();
    await leader.run;
    await advance(clock, 14_000);
    assert.equal(follower.state.leading, false);
    await advance(clock, 4000);
    assert.equal(follower.state.leading, true);
    assert.equal(store.stored()!.spec!.leaseTransitions, 1);
    follower.stop();
    await follower.run;
  });

  it('loses a create race (AlreadyExists) and an update race (Conflict) without leading', async () => {
    const clock = new FakeClock();
    const store = new FakeLeases();
    const rival = (holder: string) => {
      const now = formatMicroTime(clock.now());
      const current = store.stored();
      store.put({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ...(current?.metadata ?? {}), name: 'lock', namespace: 'kube-system' },
        spec: { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: (current?.spec?.leaseTransitions ?? -1) + 1 },
      });
    };
    store.beforeWrite = () => {
      store.beforeWrite = undefined;
      rival('rival1');
    };
    const b = candidate(store, clock, 'b');
    await advance(clock, 100);
    assert.equal(b.state.leading, false);
    assert.equal(store.stored()!.spec!.holderIdentity, 'rival1');
    // rival1 stops renewing (b first saw it at +2 s); as b's takeover at +18 s is written, rival2 writes first.
    await advance(clock, 17_000);
    assert.equal(b.state.leading, false);
    store.beforeWrite = () => {
      store.beforeWrite = undefined;
      rival('rival2');
    };
    await advance(clock, 2000);
    assert.equal(b.state.leading, false);
    assert.equal(store.stored()!.spec!.holderIdentity, 'rival2');
    assert.equal(store.stored()!.spec!.leaseTransitions, 1);
    await advance(clock, 10_000);
    assert.equal(b.state.leading, false, 'rival2 is within its lease');
    b.stop();
    await b.run;
    assert.equal(b.state.stopped, 1, 'onStoppedLeading runs when the election ends, as upstream');
  });

  it('releases the lease on cancel when asked', async () => {
    const clock = new FakeClock();
    const store = new FakeLeases();
    const a = candidate(store, clock, 'a', { releaseOnCancel: true });
    await advance(clock, 100);
    assert.equal(a.state.leading, true);
    await advance(clock, 1000);
    a.stop();
    await a.run;
    assert.equal(a.state.leadingSignal!.aborted, true);
    assert.equal(a.state.stopped, 1);
    const spec = store.stored()!.spec!;
    assert.equal(spec.holderIdentity, '');
    assert.equal(spec.leaseDurationSeconds, 1);
    assert.equal(spec.renewTime, formatMicroTime(clock.now()));
    assert.equal(spec.leaseTransitions, 0);
  });

  it('rejects invalid timings with upstream messages', async () => {
    const store = new FakeLeases();
    const base = {
      leases: store.client(),
      namespace: 'kube-system',
      name: 'lock',
      identity: 'a',
      onStartedLeading() {},
      onStoppedLeading() {},
    };
    await assert.rejects(runLeaderElection({ ...base, leaseDurationSeconds: 10, renewDeadlineSeconds: 10 }), /leaseDuration must be greater than renewDeadline/);
    await assert.rejects(runLeaderElection({ ...base, renewDeadlineSeconds: 2, retryPeriodSeconds: 2 }), /renewDeadline must be greater than retryPeriod\*JitterFactor/);
    await assert.rejects(runLeaderElection({ ...base, identity: '' }), /Lock identity is empty/);
  });
});
