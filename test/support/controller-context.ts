// Test support: a ControllerContext (controller-manager/context.ts) over any client, for running one
// controller's reconcile in a unit or integration test. stop() aborts the informers and flushes events.
// Must never start controllers itself: the test decides what runs.
import { pino } from 'pino';
import { createEventRecorder, type Client, type EventRecorder } from '../../client/index.js';
import type { ControllerContext } from '../../controller-manager/context.js';
import { createInformerFactory } from '../../controller-manager/informer-factory.js';
import { defaultControllerManagerOptions, type ControllerManagerOptions } from '../../controller-manager/options.js';

export interface TestControllerContext {
  ctx: ControllerContext;
  /** Starts the shared informers and waits until they have synced. */
  startInformers(): Promise<void>;
  stop(): Promise<void>;
}

export function testControllerContext(client: Client, options: Partial<ControllerManagerOptions> = {}): TestControllerContext {
  const abort = new AbortController();
  const logger = pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' });
  const informers = createInformerFactory(client, logger);
  const recorders = new Map<string, EventRecorder>();
  const ctx: ControllerContext = {
    client,
    informers,
    logger,
    options: { ...defaultControllerManagerOptions(), leaderElect: false, ...options },
    signal: abort.signal,
    recorder(component) {
      let recorder = recorders.get(component);
      if (!recorder) {
        recorder = createEventRecorder({ events: client.resource('events'), component, sleepDurationMs: 50 });
        recorders.set(component, recorder);
      }
      return recorder;
    },
  };
  return {
    ctx,
    async startInformers() {
      informers.start(abort.signal);
      await informers.waitForSync();
    },
    async stop() {
      abort.abort();
      for (const r of recorders.values()) r.shutdown();
      await Promise.all([...recorders.values()].map((r) => r.flush()));
    },
  };
}

/** Waits until `check` returns a truthy value, polling every 25 ms; fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface TestPodSpec {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  /** Container ports: name -> containerPort. */
  ports?: Record<string, number>;
  hostname?: string;
  subdomain?: string;
  tolerations?: unknown[];
}

/** Creates a one-container pod (as a user would) and returns it as stored. */
export async function createTestPod(client: Client, spec: TestPodSpec): Promise<any> {
  return client.resource('pods', spec.namespace ?? 'default').create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: spec.name, labels: spec.labels ?? {} },
    spec: {
      containers: [{ name: 'c', image: 'busybox:latest', ports: Object.entries(spec.ports ?? {}).map(([name, containerPort]) => ({ name, containerPort })) }],
      ...(spec.nodeName ? { nodeName: spec.nodeName } : {}),
      ...(spec.hostname ? { hostname: spec.hostname } : {}),
      ...(spec.subdomain ? { subdomain: spec.subdomain } : {}),
      ...(spec.tolerations ? { tolerations: spec.tolerations } : {}),
    },
  } as never);
}

/** Plays the kubelet: marks a pod Running with an IP and Ready true or false (pods/status). */
export async function setTestPodReady(client: Client, namespace: string, name: string, ready: boolean, podIP: string): Promise<any> {
  const pods = client.resource('pods', namespace);
  const pod = (await pods.get(name)) as any;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = ready ? 'True' : 'False';
  const previous = (pod.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  const transition = previous?.status === status ? previous.lastTransitionTime : now;
  pod.status = {
    ...pod.status,
    phase: 'Running',
    podIP,
    podIPs: [{ ip: podIP }],
    conditions: [
      { type: 'Ready', status, lastProbeTime: null, lastTransitionTime: transition },
      { type: 'ContainersReady', status, lastProbeTime: null, lastTransitionTime: transition },
    ],
  };
  return pods.updateStatus(pod);
}
