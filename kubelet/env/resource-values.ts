// resourceFieldRef values (limits/requests of cpu, memory, ephemeral-storage, hugepages, with a
// divisor), where a missing limit means the node's allocatable, as upstream's kubelet fills it in.
import type { Container, Pod, ResourceFieldSelector } from '../../api/types.js';
import { parseQuantity, type Quantity } from '../../api/quantity.js';

/** The node's allocatable resources (`node.status.allocatable`), used for limits a container leaves unset. */
export type NodeAllocatable = Record<string, string>;

function ceilDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('divisor must not be zero');
  const q = a / b;
  return q * b === a || a < 0n !== b < 0n ? q : q + 1n;
}

function quantityOf(list: Record<string, unknown> | undefined, name: string): Quantity {
  const v = list?.[name];
  return v === undefined || v === null ? parseQuantity('0') : parseQuantity(v as string | number);
}

/** The container with every unset cpu/memory/ephemeral-storage limit set to the node's allocatable. */
export function withAllocatableLimits(container: Container, allocatable: NodeAllocatable | undefined): Container {
  if (!allocatable) return container;
  const limits: Record<string, string> = { ...((container.resources?.limits ?? {}) as Record<string, string>) };
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    if (limits[name] === undefined && allocatable[name] !== undefined) limits[name] = allocatable[name]!;
  }
  return { ...container, resources: { ...(container.resources ?? {}), limits } };
}

/** resource.ExtractContainerResourceValue. */
export function extractContainerResourceValue(fs: ResourceFieldSelector, container: Container): string {
  const divisor = fs.divisor === undefined || parseQuantity(fs.divisor as string).isZero() ? parseQuantity('1') : parseQuantity(fs.divisor as string);
  const limits = container.resources?.limits as Record<string, unknown> | undefined;
  const requests = container.resources?.requests as Record<string, unknown> | undefined;
  const cpu = (q: Quantity) => ceilDiv(q.milliValueBig(), divisor.milliValueBig()).toString();
  const bytes = (q: Quantity) => ceilDiv(q.valueBig(), divisor.valueBig()).toString();
  switch (fs.resource) {
    case 'limits.cpu':
      return cpu(quantityOf(limits, 'cpu'));
    case 'limits.memory':
      return bytes(quantityOf(limits, 'memory'));
    case 'limits.ephemeral-storage':
      return bytes(quantityOf(limits, 'ephemeral-storage'));
    case 'requests.cpu':
      return cpu(quantityOf(requests, 'cpu'));
    case 'requests.memory':
      return bytes(quantityOf(requests, 'memory'));
    case 'requests.ephemeral-storage':
      return bytes(quantityOf(requests, 'ephemeral-storage'));
  }
  const huge = /^(limits|requests)\.(hugepages-.+)$/.exec(fs.resource);
  if (huge) return bytes(quantityOf(huge[1] === 'limits' ? limits : requests, huge[2]!));
  throw new Error(`unsupported container resource : ${fs.resource}`);
}

/** resource.ExtractResourceValueByContainerNameAndNodeAllocatable. */
export function extractResourceValueByContainerName(
  fs: ResourceFieldSelector,
  pod: Pod,
  containerName: string,
  allocatable: NodeAllocatable | undefined,
): string {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const container = all.find((c) => c.name === containerName);
  if (!container) throw new Error(`container ${containerName} not found`);
  return extractContainerResourceValue(fs, withAllocatableLimits(container, allocatable));
}
