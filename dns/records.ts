// Owns the cluster zone as a pure function of Services and EndpointSlices (CoreDNS's `kubernetes`
// plugin with `pods insecure` and `fallthrough in-addr.arpa`): A, CNAME, SRV, PTR and SOA answers,
// NXDOMAIN/NODATA for names inside the zone, and "forward" for everything else. No I/O here.
import type { EndpointSlice, Service } from '../api/types.js';

export type RecordType = 'A' | 'CNAME' | 'SRV' | 'PTR' | 'SOA' | 'NS';

export interface DnsRecord {
  name: string;
  type: RecordType;
  ttl: number;
  /** A */
  address?: string;
  /** CNAME, PTR, NS */
  domain?: string;
  /** SRV */
  priority?: number;
  weight?: number;
  port?: number;
  target?: string;
  /** SOA */
  primary?: string;
  admin?: string;
  serial?: number;
  refresh?: number;
  retry?: number;
  expiration?: number;
  minimum?: number;
}

export type Lookup =
  | { kind: 'answer'; rcode: 'NOERROR' | 'NXDOMAIN'; answers: DnsRecord[]; authorities: DnsRecord[]; additionals: DnsRecord[] }
  | { kind: 'forward' };

export interface ZoneOptions {
  /** --cluster-domain, e.g. cluster.local */
  domain: string;
  /** TTL of every answer; kubeadm's Corefile uses 30. */
  ttl?: number;
  /** SOA serial; CoreDNS uses the time of the last change. */
  serial?: number;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}

/** 10.244.1.5 -> 5.1.244.10.in-addr.arpa */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** What CoreDNS calls an endpoint's name: its hostname, else its address with dashes. */
export function endpointName(hostname: string | undefined, address: string): string {
  return hostname || address.replace(/[.:]/g, '-');
}

function isReady(ep: NonNullable<EndpointSlice['endpoints']>[number], publishNotReady: boolean): boolean {
  return publishNotReady || ep.conditions?.ready !== false;
}

export class Zone {
  readonly domain: string;
  readonly ttl: number;
  private readonly records = new Map<string, DnsRecord[]>();
  /** Names that exist only as parents of other names (empty non-terminals): NODATA, not NXDOMAIN. */
  private readonly parents = new Set<string>();
  private readonly soa: DnsRecord;

  private constructor(options: ZoneOptions) {
    this.domain = normalizeName(options.domain);
    this.ttl = options.ttl ?? 30;
    this.soa = {
      name: this.domain,
      type: 'SOA',
      ttl: this.ttl,
      primary: `ns.dns.${this.domain}`,
      admin: `hostmaster.${this.domain}`,
      serial: options.serial ?? 1,
      refresh: 7200,
      retry: 1800,
      expiration: 86400,
      minimum: this.ttl,
    };
    this.parents.add(this.domain);
    this.parents.add(`svc.${this.domain}`);
    this.parents.add(`pod.${this.domain}`);
  }

  static build(services: readonly Service[], slices: readonly EndpointSlice[], options: ZoneOptions): Zone {
    const zone = new Zone(options);
    const slicesByService = new Map<string, EndpointSlice[]>();
    for (const slice of slices) {
      const svc = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (!svc) continue;
      const key = `${slice.metadata?.namespace ?? 'default'}/${svc}`;
      (slicesByService.get(key) ?? slicesByService.set(key, []).get(key)!).push(slice);
    }
    for (const svc of services) zone.addService(svc, slicesByService.get(`${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name}`) ?? []);
    return zone;
  }

  private add(record: DnsRecord): void {
    const name = normalizeName(record.name);
    const list = this.records.get(name) ?? [];
    if (!list.some((r) => sameRecord(r, record))) list.push({ ...record, name });
    this.records.set(name, list);
    if (name.endsWith(`.${this.domain}`)) {
      for (let parent = name.slice(name.indexOf('.') + 1); parent.length > this.domain.length; parent = parent.slice(parent.indexOf('.') + 1)) {
        this.parents.add(parent);
      }
    }
  }

  private addService(svc: Service, slices: EndpointSlice[]): void {
    const ns = svc.metadata?.namespace ?? 'default';
    const base = `${svc.metadata?.name}.${ns}.svc.${this.domain}`.toLowerCase();
    const spec = svc.spec ?? {};
    this.parents.add(`${ns}.svc.${this.domain}`.toLowerCase());
    if (spec.type === 'ExternalName') {
      if (spec.externalName) this.add({ name: base, type: 'CNAME', ttl: this.ttl, domain: normalizeName(spec.externalName) });
      else this.parents.add(base);
      return;
    }
    const headless = spec.clusterIP === 'None';
    if (!headless) {
      const ips = (spec.clusterIPs?.length ? spec.clusterIPs : [spec.clusterIP]).filter((ip): ip is string => !!ip && IPV4.test(ip));
      if (ips.length === 0) {
        this.parents.add(base);
        return;
      }
      for (const ip of ips) {
        this.add({ name: base, type: 'A', ttl: this.ttl, address: ip });
        this.add({ name: reverseName(ip), type: 'PTR', ttl: this.ttl, domain: base });
      }
      for (const p of spec.ports ?? []) {
        const proto = (p.protocol ?? 'TCP').toLowerCase();
        const srv = { type: 'SRV' as const, ttl: this.ttl, priority: 0, weight: 100, port: p.port, target: base };
        if (p.name) this.add({ ...srv, name: `_${p.name}._${proto}.${base}` });
        this.add({ ...srv, name: base });
      }
      return;
    }
    // Headless: one record per ready endpoint address, named by hostname (StatefulSets) or dashed IP.
    this.parents.add(base);
    const publishNotReady = spec.publishNotReadyAddresses === true;
    const endpoints: Array<{ address: string; name: string }> = [];
    const ports = new Map<string, { name: string; proto: string; port: number; targets: string[] }>();
    for (const slice of slices) {
      if (slice.addressType !== 'IPv4') continue;
      for (const ep of slice.endpoints ?? []) {
        if (!isReady(ep, publishNotReady)) continue;
        for (const address of ep.addresses ?? []) {
          if (!IPV4.test(address)) continue;
          const name = `${endpointName(ep.hostname, address)}.${base}`.toLowerCase();
          endpoints.push({ address, name });
          for (const p of slice.ports ?? []) {
            if (p.port === undefined) continue;
            const proto = (p.protocol ?? 'TCP').toLowerCase();
            const key = `${p.name ?? ''}/${proto}/${p.port}`;
            const entry = ports.get(key) ?? { name: p.name ?? '', proto, port: p.port, targets: [] };
            entry.targets.push(name);
            ports.set(key, entry);
          }
        }
      }
    }
    for (const { address, name } of endpoints) {
      this.add({ name: base, type: 'A', ttl: this.ttl, address });
      this.add({ name, type: 'A', ttl: this.ttl, address });
      this.add({ name: reverseName(address), type: 'PTR', ttl: this.ttl, domain: name });
    }
    for (const { name, proto, port, targets } of ports.values()) {
      const weight = Math.max(1, Math.floor(100 / targets.length));
      for (const target of targets) {
        const srv = { type: 'SRV' as const, ttl: this.ttl, priority: 0, weight, port, target };
        if (name) this.add({ ...srv, name: `_${name}._${proto}.${base}` });
        this.add({ ...srv, name: base });
      }
    }
  }

  /** True for names this zone answers (the cluster domain and the reverse names it holds). */
  inZone(name: string): boolean {
    const n = normalizeName(name);
    return n === this.domain || n.endsWith(`.${this.domain}`);
  }

  lookup(qname: string, qtype: string): Lookup {
    const name = normalizeName(qname);
    if (!this.inZone(name)) {
      // Reverse names of cluster addresses are ours; any other name falls through to the upstreams.
      const ptr = name.endsWith('.in-addr.arpa') ? this.records.get(name) : undefined;
      if (!ptr) return { kind: 'forward' };
      return this.answerFrom(ptr, qtype);
    }
    if (name === this.domain && (qtype === 'SOA' || qtype === 'NS' || qtype === 'ANY')) {
      const ns: DnsRecord = { name: this.domain, type: 'NS', ttl: this.ttl, domain: `ns.dns.${this.domain}` };
      const answers = qtype === 'SOA' ? [this.soa] : qtype === 'NS' ? [ns] : [this.soa, ns];
      return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [], additionals: [] };
    }
    const records = this.records.get(name) ?? podRecords(name, this.domain, this.ttl);
    if (records) return this.answerFrom(records, qtype);
    if (this.parents.has(name)) return this.nodata();
    return { kind: 'answer', rcode: 'NXDOMAIN', answers: [], authorities: [this.soa], additionals: [] };
  }

  private nodata(): Lookup {
    return { kind: 'answer', rcode: 'NOERROR', answers: [], authorities: [this.soa], additionals: [] };
  }

  private answerFrom(records: DnsRecord[], qtype: string): Lookup {
    const cname = records.find((r) => r.type === 'CNAME');
    if (cname && qtype !== 'CNAME') {
      return { kind: 'answer', rcode: 'NOERROR', answers: [cname], authorities: [], additionals: [] };
    }
    const answers = records.filter((r) => qtype === 'ANY' || r.type === qtype);
    if (answers.length === 0) return this.nodata();
    const additionals: DnsRecord[] = [];
    for (const srv of answers) {
      if (srv.type !== 'SRV' || !srv.target) continue;
      for (const a of this.records.get(srv.target) ?? []) {
        if (a.type === 'A' && !additionals.some((x) => sameRecord(x, a))) additionals.push(a);
      }
    }
    return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [], additionals };
  }
}

/** `pods insecure`: 10-244-1-5.NS.pod.DOMAIN answers 10.244.1.5 without looking the pod up. */
function podRecords(name: string, domain: string, ttl: number): DnsRecord[] | undefined {
  const suffix = `.pod.${domain}`;
  if (!name.endsWith(suffix)) return undefined;
  const labels = name.slice(0, -suffix.length).split('.');
  if (labels.length !== 2) return undefined;
  const address = labels[0]!.replace(/-/g, '.');
  if (!IPV4.test(address)) return undefined;
  return [{ name, type: 'A', ttl, address }];
}

function sameRecord(a: DnsRecord, b: DnsRecord): boolean {
  return a.type === b.type && a.address === b.address && a.domain === b.domain && a.target === b.target && a.port === b.port && normalizeName(a.name) === normalizeName(b.name);
}
