// Owns this node's Node object: registers it (labels, taints, addresses), then patches its status
// every --node-status-update-frequency (capacity, allocatable, conditions, addresses, daemon
// endpoint, nodeInfo) and renews its Lease in kube-node-lease at the same period.
// Must never write any other node's objects, and never stop on an apiserver error: it retries next tick.
import type { Logger } from 'pino';
import { AlreadyExistsError, NotFoundError, type Client, type KubeObject } from '../../client/index.js';
import { nextConditions, type NodeCondition, type NodeHealth } from './conditions.js';
import { hostCapacity, nodeSystemInfo, pressure } from './host-info.js';

export interface NodeStatusOptions {
  client: Client;
  nodeName: string;
  nodeIP: string;
  hostname: string;
  kubeletPort: number;
  rootDir: string;
  maxPods: number;
  labels: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: string }>;
  updateFrequencyMs: number;
  /** The container runtime's version (docker's server version). */
  runtimeVersion: string;
  /** Why the node is not ready yet (runtime down, no pod network), or undefined. */
  notReadyReason: () => Promise<string | undefined>;
  logger: Logger;
  /** Lease duration (upstream 40 s). */
  leaseDurationSeconds?: number;
}

interface NodeObject extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; taints?: unknown[]; unschedulable?: boolean };
  status?: { conditions?: NodeCondition[] };
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function defaultNodeLabels(nodeName: string): Record<string, string> {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string] ?? process.arch;
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': 'linux',
  };
}

export class NodeStatusReporter {
  private node: NodeObject | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: NodeStatusOptions) {}

  /** The Node as last written or read. */
  current(): NodeObject | undefined {
    return this.node;
  }

  /** Registers the node, posts the first status and lease, then keeps doing so until stop(). */
  async start(): Promise<void> {
    await this.register();
    await this.tick();
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = this.tick().finally(loop);
      }, this.o.updateFrequencyMs);
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private nodes() {
    return this.o.client.resource<NodeObject>('nodes');
  }

  async register(): Promise<void> {
    const labels = { ...defaultNodeLabels(this.o.nodeName), ...this.o.labels };
    const node: NodeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: this.o.nodeName, labels, annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
      spec: this.o.taints.length > 0 ? { taints: this.o.taints } : {},
    };
    try {
      this.node = await this.nodes().create(node);
      this.o.logger.info({ node: this.o.nodeName }, 'Successfully registered node');
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      // Re-registration keeps the object (and its podCIDR, taints, cordon); it only adds our labels.
      this.node = await this.nodes().patch(this.o.nodeName, 'merge', { metadata: { labels } });
      this.o.logger.info({ node: this.o.nodeName }, 'node already registered; labels reconciled');
    }
  }

  private async tick(): Promise<void> {
    try {
      await this.postStatus();
    } catch (err) {
      if (err instanceof NotFoundError) {
        // Someone deleted our Node: register again, as upstream's kubelet does on restart.
        await this.register().catch((e: unknown) => this.o.logger.warn({ err: String(e) }, 'node re-registration failed'));
      } else {
        this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'Error updating node status, will retry');
      }
    }
    try {
      await this.renewLease();
    } catch (err) {
      this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'failed to renew lease, will retry');
    }
  }

  async postStatus(): Promise<void> {
    const now = Date.now();
    const p = pressure(this.o.rootDir);
    const health: NodeHealth = {
      memoryPressure: p.memory, diskPressure: p.disk, pidPressure: p.pid,
      notReadyReason: await this.o.notReadyReason(),
    };
    const capacity = hostCapacity(this.o.rootDir, this.o.maxPods);
    const status = {
      capacity,
      allocatable: capacity,
      conditions: nextConditions(this.node?.status?.conditions, health, rfc3339(now)),
      addresses: [
        { type: 'InternalIP', address: this.o.nodeIP },
        { type: 'Hostname', address: this.o.hostname },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: this.o.kubeletPort } },
      nodeInfo: nodeSystemInfo(this.o.runtimeVersion),
    };
    this.node = await this.nodes().patch(this.o.nodeName, 'strategic', { status }, {}, undefined, 'status');
  }

  async renewLease(): Promise<void> {
    const leases = this.o.client.resource('leases.coordination.k8s.io', 'kube-node-lease');
    const spec = {
      holderIdentity: this.o.nodeName,
      leaseDurationSeconds: this.o.leaseDurationSeconds ?? 40,
      renewTime: microTime(Date.now()),
    };
    try {
      await leases.patch(this.o.nodeName, 'merge', { spec });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      const owner = this.node?.metadata?.uid
        ? [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid: this.node.metadata.uid }]
        : undefined;
      await leases.create({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.o.nodeName, namespace: 'kube-node-lease', ...(owner ? { ownerReferences: owner } : {}) },
        spec,
      } as KubeObject);
    }
  }
}
