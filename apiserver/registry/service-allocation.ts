// Owns the cluster IPs and node ports of Services: each allocation is its own key in storage
// (`/registry/ranges/serviceips/<ip>`, `/registry/ranges/servicenodeports/<port>`, value
// `<namespace>/<name>`), created with create-if-absent, so two apiservers on one etcd never hand out
// the same one. Explicit values are honoured or refused with upstream's 422 messages; a deleted
// Service frees what it held; repair() frees allocations whose Service is gone (a crash between
// allocating and storing). Must never free an allocation another Service holds.
import { randomInt } from 'node:crypto';
import { InvalidError, field, type FieldError } from '../../api/errors.js';
import { decodeKv, type KubeObject } from './codec.js';
import { StorageAlreadyExists, StorageNotFound, type Storage } from '../storage/interface.js';


export const IP_PREFIX = '/registry/ranges/serviceips/';
export const PORT_PREFIX = '/registry/ranges/servicenodeports/';
const SERVICES_PREFIX = '/registry/core/services/';

export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Array<{ name?: string; port?: number; protocol?: string; nodePort?: number }>;
}

/** An IPv4 CIDR as numbers: the usable range excludes the network and broadcast addresses. */
export class Ipv4Range {
  readonly base: number;
  readonly size: number;
  constructor(readonly cidr: string) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    const parts = m ? m.slice(1, 5).map(Number) : [];
    const bits = m ? Number(m[5]) : -1;
    if (!m || parts.some((p) => p > 255) || bits < 8 || bits > 30) throw new Error(`invalid IPv4 service CIDR ${cidr}`);
    const mask = (~0 << (32 - bits)) >>> 0;
    this.base = (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) & mask;
    this.size = 2 ** (32 - bits) - 2;
  }
  /** The offset (0-based) of an address inside the usable range, or undefined. */
  offsetOf(ip: string): number | undefined {
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
    const n = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
    const offset = n - this.base - 1;
    return offset >= 0 && offset < this.size ? offset : undefined;
  }
  at(offset: number): string {
    const n = this.base + 1 + offset;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  /** The first usable address: the `kubernetes` Service's. */
  first(): string {
    return this.at(0);
  }
}

/** Upstream's static band: the first min(max(16, size/16), 256) addresses are tried last by dynamic allocation. */
function staticBand(size: number): number {
  return Math.min(Math.max(16, Math.floor(size / 16)), 256);
}

function owner(svc: KubeObject): string {
  return `${svc.metadata?.namespace}/${svc.metadata?.name}`;
}

function needsClusterIP(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

function needsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

export class ServiceAllocator {
  readonly range: Ipv4Range;

  constructor(
    private readonly storage: Storage,
    serviceCIDR: string,
    readonly portMin = 30000,
    readonly portMax = 32767,
  ) {
    this.range = new Ipv4Range(serviceCIDR);
  }

  /** Claims key for svc; true if it is now ours (also when it already was). */
  private async claim(key: string, svc: KubeObject): Promise<boolean> {
    try {
      await this.storage.create(key, owner(svc));
      return true;
    } catch (err) {
      if (!(err instanceof StorageAlreadyExists)) throw err;
      const held = await this.storage.get(key);
      return held?.value === owner(svc);
    }
  }

  private async free(key: string, svc: KubeObject): Promise<void> {
    const held = await this.storage.get(key);
    if (!held || held.value !== owner(svc)) return;
    try {
      await this.storage.delete(key, held.modRevision);
    } catch (err) {
      if (!(err instanceof StorageNotFound)) throw err;
    }
  }

  private invalid(svc: KubeObject, errors: FieldError[]): InvalidError {
    return new InvalidError('', 'Service', svc.metadata?.name ?? '', errors);
  }

  private async allocateIP(svc: KubeObject, spec: ServiceSpec): Promise<void> {
    const wanted = spec.clusterIP;
    if (wanted) {
      if (this.range.offsetOf(wanted) === undefined) {
        throw this.invalid(svc, [field.invalid('spec.clusterIPs', [wanted],
          `failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${this.range.cidr}`)]);
      }
      if (!(await this.claim(IP_PREFIX + wanted, svc))) {
        throw this.invalid(svc, [field.invalid('spec.clusterIPs', [wanted], `failed to allocate IP ${wanted}: provided IP is already allocated`)]);
      }
      spec.clusterIPs = [wanted];
      return;
    }
    const band = staticBand(this.range.size);
    const dynamic = this.range.size - band;
    const start = randomInt(Math.max(1, dynamic));
    // The dynamic band from a random start, then the static band, as upstream.
    for (let i = 0; i < this.range.size; i++) {
      const offset = i < dynamic ? band + ((start + i) % dynamic) : i - dynamic;
      const ip = this.range.at(offset);
      if (await this.claim(IP_PREFIX + ip, svc)) {
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
        return;
      }
    }
    throw this.invalid(svc, [field.invalid('spec.clusterIPs', [], `failed to allocate a serviceIP: range is full`)]);
  }

  private async allocatePorts(svc: KubeObject, spec: ServiceSpec, keep: Set<number>): Promise<void> {
    const ports = spec.ports ?? [];
    const span = this.portMax - this.portMin + 1;
    for (const [i, port] of ports.entries()) {
      if (port.nodePort) {
        if (keep.has(port.nodePort)) continue;
        if (!(await this.claim(PORT_PREFIX + port.nodePort, svc))) {
          throw this.invalid(svc, [field.invalid(`spec.ports[${i}].nodePort`, port.nodePort, 'provided port is already allocated')]);
        }
        continue;
      }
      const start = randomInt(span);
      let found = false;
      for (let j = 0; j < span && !found; j++) {
        const candidate = this.portMin + ((start + j) % span);
        if (ports.some((p) => p.nodePort === candidate)) continue;
        found = await this.claim(PORT_PREFIX + candidate, svc);
        if (found) port.nodePort = candidate;
      }
      if (!found) throw this.invalid(svc, [field.invalid(`spec.ports[${i}].nodePort`, 0, 'range is full')]);
    }
  }

  /** On create: fills in and claims the cluster IP and node ports; on failure frees what it took. */
  async allocate(svc: KubeObject): Promise<void> {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    try {
      if (needsClusterIP(spec)) await this.allocateIP(svc, spec);
      if (needsNodePorts(spec)) await this.allocatePorts(svc, spec, new Set());
    } catch (err) {
      await this.release(svc, spec);
      throw err;
    }
  }

  /** Frees everything svc holds (or, with `spec`, what that spec names). */
  async release(svc: KubeObject, spec: ServiceSpec = (svc.spec ?? {}) as ServiceSpec): Promise<void> {
    if (spec.clusterIP && spec.clusterIP !== 'None') await this.free(IP_PREFIX + spec.clusterIP, svc);
    for (const p of spec.ports ?? []) if (p.nodePort) await this.free(PORT_PREFIX + p.nodePort, svc);
  }

  /**
   * On update (upstream's patchAllocatedValues + allocation): an omitted cluster IP or node port of
   * an unchanged type is kept; new ones are claimed. Returns what to free once the update is stored.
   */
  async beforeUpdate(next: KubeObject, current: KubeObject): Promise<ServiceSpec> {
    const spec = (next.spec ?? {}) as ServiceSpec;
    const old = (current.spec ?? {}) as ServiceSpec;
    if (needsClusterIP(spec) && !spec.clusterIP && old.clusterIP && old.clusterIP !== 'None') {
      spec.clusterIP = old.clusterIP;
      spec.clusterIPs = old.clusterIPs ?? [old.clusterIP];
    }
    if (needsClusterIP(spec) && spec.clusterIP !== old.clusterIP) await this.allocateIP(next, spec);
    const oldPorts = new Set<number>();
    if (needsNodePorts(old)) for (const p of old.ports ?? []) if (p.nodePort) oldPorts.add(p.nodePort);
    if (needsNodePorts(spec)) {
      for (const p of spec.ports ?? []) {
        if (p.nodePort) continue;
        const same = (old.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o.nodePort);
        if (same) p.nodePort = same.nodePort;
      }
      await this.allocatePorts(next, spec, oldPorts);
    } else {
      for (const p of spec.ports ?? []) delete p.nodePort;
    }
    const keptPorts = new Set((needsNodePorts(spec) ? spec.ports ?? [] : []).map((p) => p.nodePort));
    return {
      clusterIP: old.clusterIP && old.clusterIP !== spec.clusterIP ? old.clusterIP : undefined,
      ports: [...oldPorts].filter((p) => !keptPorts.has(p)).map((nodePort) => ({ nodePort })),
    };
  }

  /** Frees allocations whose owner Service no longer holds them; returns how many it freed. */
  async repair(): Promise<number> {
    const services = await this.storage.list(SERVICES_PREFIX);
    const held = new Set<string>();
    for (const kv of services.items) {
      const svc = decodeKv(kv);
      const spec = (svc.spec ?? {}) as ServiceSpec;
      if (spec.clusterIP && spec.clusterIP !== 'None') held.add(`${IP_PREFIX}${spec.clusterIP}=${owner(svc)}`);
      for (const p of spec.ports ?? []) if (p.nodePort) held.add(`${PORT_PREFIX}${p.nodePort}=${owner(svc)}`);
    }
    let freed = 0;
    for (const prefix of [IP_PREFIX, PORT_PREFIX]) {
      const allocations = await this.storage.list(prefix);
      for (const kv of allocations.items) {
        // Only allocations older than the service list: a create in flight is not a leak.
        if (kv.modRevision > services.revision || held.has(`${kv.key}=${kv.value}`)) continue;
        try {
          await this.storage.delete(kv.key, kv.modRevision);
          freed++;
        } catch {
          // Changed meanwhile: someone holds it now.
        }
      }
    }
    return freed;
  }
}
