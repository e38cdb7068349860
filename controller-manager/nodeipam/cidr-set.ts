// Pure IPv4 CIDR allocator of node IPAM (upstream pkg/controller/nodeipam/ipam/cidrset): hands out
// the /mask subnets of a cluster CIDR, round-robin from the last allocation, never one in use.
// Knows nothing of nodes or the API.

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IPv4 address "${ip}"`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCIDR(cidr: string): { base: number; prefix: number } {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!ip || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`invalid CIDR "${cidr}"`);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { base: (ipToInt(ip) & mask) >>> 0, prefix };
}

export class CidrSet {
  private readonly base: number;
  private readonly subnetSize: number;
  private readonly count: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(readonly clusterCIDR: string, readonly maskSize: number) {
    const { base, prefix } = parseCIDR(clusterCIDR);
    if (maskSize < prefix || maskSize > 32) throw new Error(`--node-cidr-mask-size ${maskSize} does not fit in --cluster-cidr ${clusterCIDR}`);
    if (maskSize - prefix > 16) throw new Error(`--node-cidr-mask-size ${maskSize} splits ${clusterCIDR} into more than 65536 subnets`);
    this.base = base;
    this.subnetSize = 2 ** (32 - maskSize);
    this.count = 2 ** (maskSize - prefix);
  }

  private indexOf(cidr: string): number | undefined {
    const { base, prefix } = parseCIDR(cidr);
    if (prefix !== this.maskSize) return undefined;
    const index = (base - this.base) / this.subnetSize;
    return Number.isInteger(index) && index >= 0 && index < this.count ? index : undefined;
  }

  /** The next free subnet, or undefined when the cluster CIDR is full (upstream ErrCIDRRangeNoCIDRsRemaining). */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.count; i++) {
      const index = (this.next + i) % this.count;
      if (this.used.has(index)) continue;
      this.used.add(index);
      this.next = (index + 1) % this.count;
      return `${intToIp(this.base + index * this.subnetSize)}/${this.maskSize}`;
    }
    return undefined;
  }

  /** Marks a subnet in use (a node's existing podCIDR); false when it is not one of ours. */
  occupy(cidr: string): boolean {
    const index = this.indexOf(cidr);
    if (index === undefined) return false;
    this.used.add(index);
    return true;
  }

  release(cidr: string): void {
    const index = this.indexOf(cidr);
    if (index !== undefined) this.used.delete(index);
  }

  isUsed(cidr: string): boolean {
    const index = this.indexOf(cidr);
    return index !== undefined && this.used.has(index);
  }
}
