// What a pod asks for and what a node offers, as plain numbers (milli-CPU, bytes, pod count), with
// upstream's rules: init containers (and restartable sidecars) as resourcehelper.PodRequests, pod
// overhead, and the non-zero defaults scoring uses. Must never round a request down.
import { parseQuantity } from '../api/quantity.js';
import type { Container, Node, Pod } from '../api/types.js';

/** The resources the scheduler accounts for. Extended resources are kept by name in `scalar`. */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
  scalar: Record<string, number>;
}

/** upstream schedutil.DefaultMilliCPURequest / DefaultMemoryRequest, used only for scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: {} });

/** Quantity -> number, rounded up as resource.Quantity.Value()/MilliValue() do. */
function amount(name: string, value: unknown): number {
  if (value === undefined || value === null) return 0;
  const q = parseQuantity(value as string);
  return name === 'cpu' ? q.milliValue() : q.value();
}

/** A ResourceList (`{cpu: '500m', memory: '1Gi'}`) as Resources; pods counted only when listed. */
export function fromResourceList(list: Record<string, unknown> | undefined): Resources {
  const r = emptyResources();
  for (const [name, value] of Object.entries(list ?? {})) {
    const n = amount(name, value);
    if (name === 'cpu') r.milliCPU = n;
    else if (name === 'memory') r.memory = n;
    else if (name === 'ephemeral-storage') r.ephemeralStorage = n;
    else if (name === 'pods') r.pods = n;
    else if (isScalarResource(name)) r.scalar[name] = n;
  }
  return r;
}

/** Extended resources (`example.com/gpu`) and hugepages are checked; other names are not resources. */
function isScalarResource(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

export function add(a: Resources, b: Resources): Resources {
  const scalar = { ...a.scalar };
  for (const [k, v] of Object.entries(b.scalar)) scalar[k] = (scalar[k] ?? 0) + v;
  return { milliCPU: a.milliCPU + b.milliCPU, memory: a.memory + b.memory, ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage, pods: a.pods + b.pods, scalar };
}

export function max(a: Resources, b: Resources): Resources {
  const scalar = { ...a.scalar };
  for (const [k, v] of Object.entries(b.scalar)) scalar[k] = Math.max(scalar[k] ?? 0, v);
  return {
    milliCPU: Math.max(a.milliCPU, b.milliCPU),
    memory: Math.max(a.memory, b.memory),
    ephemeralStorage: Math.max(a.ephemeralStorage, b.ephemeralStorage),
    pods: Math.max(a.pods, b.pods),
    scalar,
  };
}

function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = fromResourceList(c.resources?.requests as Record<string, unknown> | undefined);
  if (nonZero) {
    const requests = (c.resources?.requests ?? {}) as Record<string, unknown>;
    if (requests.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (requests.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective request, as upstream resourcehelper.PodRequests: the larger of the regular
 * containers (plus restartable init containers, which keep running) and the peak of the init
 * sequence, plus spec.overhead. `nonZero` substitutes upstream's defaults for unset cpu/memory.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  let reqs = emptyResources();
  for (const c of pod.spec?.containers ?? []) reqs = add(reqs, containerRequests(c, nonZero));
  let sidecars = emptyResources();
  let initPeak = emptyResources();
  for (const c of pod.spec?.initContainers ?? []) {
    let cr = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      sidecars = add(sidecars, cr);
      cr = sidecars;
    } else {
      cr = add(cr, sidecars);
    }
    initPeak = max(initPeak, cr);
  }
  reqs = max(add(reqs, sidecars), initPeak);
  if (pod.spec?.overhead) reqs = add(reqs, fromResourceList(pod.spec.overhead as Record<string, unknown>));
  return reqs;
}

/** node.status.allocatable, falling back to capacity as upstream's NodeInfo does for unset fields. */
export function nodeAllocatable(node: Node): Resources {
  return fromResourceList((node.status?.allocatable ?? node.status?.capacity) as Record<string, unknown> | undefined);
}
