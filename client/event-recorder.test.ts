// Unit tests of the event recorder against an in-memory events client and a fake clock: the Event it
// builds, aggregation of repeats into a rising count, the per-object spam filter, combination of
// similar events, retries, and the bounded queue.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AlreadyExistsError, ForbiddenError, NotFoundError } from '../api/errors.js';
import { FakeClock } from './rate-limiter.js';
import { createEventRecorder, formatTime, sprintf, type CoreEvent, type EventRecorderOptions } from './event-recorder.js';
import type { ResourceClient } from './types.js';
import type { KubeObject } from './objects.js';

const EVENTS = { group: '', plural: 'events' };
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await flush();
}

class FakeEvents {
  readonly objects = new Map<string, CoreEvent>();
  readonly calls: { verb: 'create' | 'patch'; name: string; namespace?: string; body: unknown }[] = [];
  private rv = 1;
  down = false;
  reject?: Error;

  all(): CoreEvent[] {
    return [...this.objects.values()];
  }

  client(): ResourceClient {
    const self = this;
    const unsupported = () => Promise.reject(new Error('not supported by the fake'));
    return {
      async create(object: KubeObject, _o?: unknown, namespace?: string) {
        await Promise.resolve();
        self.calls.push({ verb: 'create', name: object.metadata!.name!, namespace, body: structuredClone(object) });
        if (self.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
        if (self.reject) throw self.reject;
        const key = `${namespace}/${object.metadata!.name}`;
        if (self.objects.has(key)) throw new AlreadyExistsError(EVENTS, object.metadata!.name!);
        const stored = structuredClone(object) as CoreEvent;
        stored.metadata.resourceVersion = String(++self.rv);
        self.objects.set(key, stored);
        return structuredClone(stored);
      },
      async patch(name: string, type: string, patch: unknown, _o?: unknown, namespace?: string) {
        await Promise.resolve();
        assert.equal(type, 'strategic');
        self.calls.push({ verb: 'patch', name, namespace, body: structuredClone(patch) });
        if (self.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
        const key = `${namespace}/${name}`;
        const current = self.objects.get(key);
        if (!current) throw new NotFoundError(EVENTS, name);
        const stored = { ...current, ...(patch as object), metadata: { ...current.metadata, resourceVersion: String(++self.rv) } } as CoreEvent;
        self.objects.set(key, stored);
        return structuredClone(stored);
      },
      get: unsupported,
      list: unsupported,
      update: unsupported,
      updateStatus: unsupported,
      delete: unsupported,
      deleteCollection: unsupported,
      watch() {
        throw new Error('not supported by the fake');
      },
    } as ResourceClient;
  }
}

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', uid: 'uid-1', resourceVersion: '42' },
};

function setup(extra: Partial<EventRecorderOptions> = {}) {
  const clock = new FakeClock();
  const sink = new FakeEvents();
  const errors: string[] = [];
  const recorder = createEventRecorder({
    events: sink.client(),
    component: 'deployment-controller',
    clock,
    random: () => 0,
    logger: { debug() {}, error: (_o, msg) => errors.push(msg ?? '') },
    ...extra,
  });
  return { clock, sink, recorder, errors };
}

describe('event recorder', () => {
  it('builds a core/v1 Event as upstream', async () => {
    const { clock, sink, recorder } = setup({ host: 'node-a' });
    recorder.event(pod, 'Normal', 'Scheduled', 'Successfully assigned shop/web-1 to node-a');
    await recorder.flush();
    const [e] = sink.all();
    const nanos = (BigInt(clock.now()) * 1_000_000n).toString(16);
    assert.equal(e.metadata.name, `web-1.${nanos}`);
    assert.equal(e.metadata.namespace, 'shop');
    assert.deepEqual(e.involvedObject, { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'uid-1', apiVersion: 'v1', resourceVersion: '42' });
    assert.deepEqual(e.source, { component: 'deployment-controller', host: 'node-a' });
    assert.equal(e.reportingComponent, 'deployment-controller');
    assert.equal(e.reportingInstance, 'node-a');
    assert.equal(e.firstTimestamp, '2024-01-01T00:00:00Z');
    assert.equal(e.lastTimestamp, '2024-01-01T00:00:00Z');
    assert.equal(e.count, 1);
    assert.equal(e.type, 'Normal');
    assert.equal(e.reason, 'Scheduled');
    assert.equal(e.message, 'Successfully assigned shop/web-1 to node-a');
    assert.equal(e.apiVersion, 'v1');
    assert.equal(e.kind, 'Event');
  });

  it('puts events of cluster-scoped objects in the default namespace', async () => {
    const { sink, recorder } = setup();
    recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', uid: 'n1' } }, 'Warning', 'NodeNotReady', 'Node node-a status is now: NodeNotReady');
    await recorder.flush();
    assert.equal(sink.all()[0].metadata.namespace, 'default');
    assert.equal(sink.all()[0].involvedObject.namespace, undefined);
  });

  it('aggregates repeats into one Event with a rising count via strategic merge patches', async () => {
    const { clock, sink, recorder } = setup();
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    clock.advance(30_000);
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    clock.advance(30_000);
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    const events = sink.all();
    assert.equal(events.length, 1);
    assert.equal(events[0].count, 3);
    assert.equal(events[0].firstTimestamp, '2024-01-01T00:00:00Z');
    assert.equal(events[0].lastTimestamp, '2024-01-01T00:01:00Z');
    assert.deepEqual(sink.calls.map((c) => c.verb), ['create', 'patch', 'patch']);
    assert.deepEqual(sink.calls[2].body, { count: 3, lastTimestamp: '2024-01-01T00:01:00Z', message: 'Back-off restarting failed container' });
  });

  it('keeps different reasons and different objects apart', async () => {
    const { sink, recorder } = setup();
    recorder.event(pod, 'Normal', 'Pulled', 'pulled');
    recorder.event(pod, 'Normal', 'Created', 'created');
    recorder.event({ ...pod, metadata: { ...pod.metadata, name: 'web-2', uid: 'uid-2' } }, 'Normal', 'Pulled', 'pulled');
    await recorder.flush();
    assert.equal(sink.all().length, 3);
    assert.ok(sink.all().every((e) => e.count === 1));
  });

  it('drops events beyond a burst of 25 per object, refilling one per 5 minutes', async () => {
    const { clock, sink, recorder } = setup();
    for (let i = 0; i < 30; i++) recorder.event(pod, 'Warning', 'FailedMount', 'MountVolume.SetUp failed');
    await recorder.flush();
    assert.equal(sink.calls.length, 25);
    assert.equal(sink.all()[0].count, 25);
    // Another object is not affected.
    recorder.event({ ...pod, metadata: { ...pod.metadata, name: 'other', uid: 'uid-3' } }, 'Warning', 'FailedMount', 'x');
    await recorder.flush();
    assert.equal(sink.all().length, 2);
    clock.advance(299_000);
    recorder.event(pod, 'Warning', 'FailedMount', 'MountVolume.SetUp failed');
    await recorder.flush();
    assert.equal(sink.calls.length, 26, 'no token yet');
    clock.advance(1_000);
    recorder.event(pod, 'Warning', 'FailedMount', 'MountVolume.SetUp failed');
    await recorder.flush();
    assert.equal(sink.calls.length, 27);
    // As upstream, filtered repeats still count in the correlator's log (it observes before filtering).
    assert.equal(sink.all()[0].count, 32);
  });

  it('combines 10 similar events (same reason, different messages) into one "(combined from similar events)" Event', async () => {
    const { sink, recorder } = setup();
    for (let i = 1; i <= 9; i++) recorder.event(pod, 'Warning', 'FailedSync', `error ${i}`);
    await recorder.flush();
    assert.equal(sink.all().length, 9);
    recorder.event(pod, 'Warning', 'FailedSync', 'error 10');
    await recorder.flush();
    const combined = sink.all().filter((e) => e.message.startsWith('(combined from similar events): '));
    assert.equal(sink.all().length, 10);
    assert.equal(combined.length, 1);
    assert.equal(combined[0].message, '(combined from similar events): error 10');
    assert.equal(combined[0].count, 1);
    recorder.event(pod, 'Warning', 'FailedSync', 'error 11');
    await recorder.flush();
    assert.equal(sink.all().length, 10, 'the combined Event is patched, not created again');
    assert.equal(combined[0].metadata.name, sink.all().find((e) => e.message === '(combined from similar events): error 11')?.metadata.name);
    assert.equal(sink.objects.get(`shop/${combined[0].metadata.name}`)!.count, 2);
  });

  it('starts a fresh similar-event window after 10 minutes', async () => {
    const { clock, sink, recorder } = setup();
    for (let i = 1; i <= 9; i++) recorder.event(pod, 'Warning', 'FailedSync', `error ${i}`);
    await recorder.flush();
    clock.advance(600_001);
    recorder.event(pod, 'Warning', 'FailedSync', 'error 10');
    await recorder.flush();
    assert.equal(sink.all().filter((e) => e.message.startsWith('(combined')).length, 0);
  });

  it('eventf formats like Go, and bad input is logged, never thrown', async () => {
    const { sink, recorder, errors } = setup();
    recorder.eventf(pod, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set %s to %d', 'web-6d4', 3);
    recorder.event(pod, 'Info' as 'Normal', 'X', 'bad type');
    recorder.event({ metadata: { name: 'no-kind' } }, 'Normal', 'X', 'no kind');
    recorder.event(undefined as unknown as KubeObject, 'Normal', 'X', 'nothing');
    await recorder.flush();
    assert.deepEqual(sink.all().map((e) => e.message), ['Scaled up replica set web-6d4 to 3']);
    assert.equal(errors.length, 3);
    assert.match(errors[0], /Unsupported event type: 'Info'/);
    assert.equal(sprintf('%q and %v%%, %s', 'a', { b: 1 }), '"a" and {"b":1}%, %!s(MISSING)');
  });

  it('retries transport errors after sleeping (first sleep randomised), then succeeds', async () => {
    const { clock, sink, recorder } = setup({ sleepDurationMs: 10_000, random: () => 0.5 });
    sink.down = true;
    recorder.event(pod, 'Normal', 'Started', 'Started container');
    await settle();
    assert.equal(sink.calls.length, 1);
    clock.advance(4_999);
    await settle();
    assert.equal(sink.calls.length, 1);
    clock.advance(1);
    await settle();
    assert.equal(sink.calls.length, 2);
    sink.down = false;
    clock.advance(10_000);
    await recorder.flush();
    assert.equal(sink.calls.length, 3);
    assert.equal(sink.all().length, 1);
  });

  it('gives up after the bounded number of tries', async () => {
    const { clock, sink, recorder, errors } = setup({ maxTriesPerEvent: 3, sleepDurationMs: 1000 });
    sink.down = true;
    recorder.event(pod, 'Normal', 'Started', 'Started container');
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await settle();
    }
    await recorder.flush();
    assert.equal(sink.calls.length, 3);
    assert.match(errors.at(-1)!, /retry limit exceeded/);
  });

  it('does not retry what the server rejected', async () => {
    const { sink, recorder, errors } = setup();
    sink.reject = new ForbiddenError('events is forbidden: User "x" cannot create resource "events"');
    recorder.event(pod, 'Normal', 'Started', 'Started container');
    await recorder.flush();
    assert.equal(sink.calls.length, 1);
    assert.match(errors[0], /will not retry/);
  });

  it('creates the Event again when the one to patch is gone', async () => {
    const { sink, recorder } = setup();
    recorder.event(pod, 'Normal', 'Started', 'again');
    await recorder.flush();
    sink.objects.clear();
    recorder.event(pod, 'Normal', 'Started', 'again');
    await recorder.flush();
    assert.deepEqual(sink.calls.map((c) => c.verb), ['create', 'patch', 'create']);
    assert.equal(sink.all()[0].count, 2);
    assert.equal((sink.calls[2].body as CoreEvent).metadata.resourceVersion, undefined);
  });

  it('drops events beyond the bounded queue instead of blocking the caller', async () => {
    const { clock, sink, recorder, errors } = setup({ maxQueuedEvents: 2, sleepDurationMs: 1000 });
    sink.down = true;
    for (let i = 0; i < 6; i++) recorder.event(pod, 'Normal', `Reason${i}`, 'm');
    assert.equal(errors.filter((e) => /incoming channel is full/.test(e)).length, 3);
    sink.down = false;
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await settle();
    }
    await recorder.flush();
    assert.deepEqual(sink.all().map((e) => e.reason).sort(), ['Reason0', 'Reason1', 'Reason2']);
  });

  it('formats metav1.Time in whole seconds', () => {
    assert.equal(formatTime(Date.UTC(2006, 0, 2, 15, 4, 5, 999)), '2006-01-02T15:04:05Z');
  });
});
