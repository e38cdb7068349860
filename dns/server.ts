// Owns the DNS wire side: UDP and TCP listeners (dns2) that answer from the current cluster zone and
// forward everything outside it to the upstream resolvers, plus the request metrics CoreDNS exports.
// Must never block a query on the apiserver: the zone is an in-memory snapshot swapped on change.
import net from 'node:net';
import dns2 from 'dns2';
import type { Packet as PacketType, DnsServer } from 'dns2';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Forwarder } from './forwarder.js';
import type { DnsRecord, Zone } from './records.js';

const { Packet } = dns2;
/** RFC 1035 response codes (dns2 has them at runtime, its types do not). */
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface DnsServerOptions {
  zone: () => Zone;
  forwarder: Forwarder;
  address: string;
  /** 53 in a pod; 0 picks a free port (tests). */
  port: number;
  logger: Logger;
  registry?: Registry;
}

export interface RunningDnsServer {
  udpPort: number;
  tcpPort: number;
  close(): Promise<void>;
}

function typeName(type: number): string {
  return Object.entries(Packet.TYPE).find(([, v]) => v === type)?.[0] ?? String(type);
}

export function toResource(r: DnsRecord): Record<string, unknown> {
  const base = { name: r.name, type: Packet.TYPE[r.type], class: Packet.CLASS.IN, ttl: r.ttl };
  switch (r.type) {
    case 'A': return { ...base, address: r.address };
    case 'CNAME': case 'PTR': return { ...base, domain: r.domain };
    case 'NS': return { ...base, ns: r.domain };
    case 'SRV': return { ...base, priority: r.priority, weight: r.weight, port: r.port, target: r.target };
    case 'SOA': return { ...base, primary: r.primary, admin: r.admin, serial: r.serial, refresh: r.refresh, retry: r.retry, expiration: r.expiration, minimum: r.minimum };
  }
}

/** The reply to one parsed query, or a Buffer from an upstream for names outside the zone. */
export async function respond(request: PacketType, zone: Zone, forwarder: Forwarder, protocol: 'udp' | 'tcp'): Promise<{ reply: PacketType | Buffer; rcode: string; forwarded: boolean }> {
  const response = Packet.createResponseFromRequest(request);
  response.header.ra = 1;
  const question = request.questions[0];
  if (!question || request.questions.length !== 1 || request.header.opcode !== 0) {
    response.header.rcode = request.header.opcode !== 0 ? RCODE.NOTIMP : RCODE.FORMERR;
    return { reply: response, rcode: request.header.opcode !== 0 ? 'NOTIMP' : 'FORMERR', forwarded: false };
  }
  const result = zone.lookup(question.name, typeName(question.type));
  if (result.kind === 'forward') {
    try {
      return { reply: await forwarder.forward(request.toBuffer(), protocol), rcode: 'FORWARDED', forwarded: true };
    } catch {
      response.header.rcode = RCODE.SERVFAIL;
      return { reply: response, rcode: 'SERVFAIL', forwarded: true };
    }
  }
  response.header.aa = 1;
  response.header.rcode = RCODE[result.rcode];
  response.answers = result.answers.map(toResource) as unknown as PacketType['answers'];
  response.authorities = result.authorities.map(toResource) as unknown as PacketType['authorities'];
  response.additionals = result.additionals.map(toResource) as unknown as PacketType['additionals'];
  return { reply: response, rcode: result.rcode, forwarded: false };
}

function rcodeOf(reply: PacketType | Buffer): string {
  const code = Buffer.isBuffer(reply) ? (reply.length >= 4 ? reply[3]! & 0x0f : 2) : reply.header.rcode;
  return Object.entries(RCODE).find(([, v]) => v === code)?.[0] ?? String(code);
}

export async function startDnsServer(o: DnsServerOptions): Promise<RunningDnsServer> {
  const requests = new Counter({ name: 'coredns_dns_requests_total', help: 'Counter of DNS requests made per zone, protocol and family.', labelNames: ['server', 'zone', 'proto', 'family', 'type'], registers: o.registry ? [o.registry] : [] });
  const responses = new Counter({ name: 'coredns_dns_responses_total', help: 'Counter of response status codes.', labelNames: ['server', 'zone', 'rcode', 'plugin'], registers: o.registry ? [o.registry] : [] });
  const duration = new Histogram({ name: 'coredns_dns_request_duration_seconds', help: 'Histogram of the time (in seconds) each request took per zone.', labelNames: ['server', 'zone', 'type'], buckets: [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192], registers: o.registry ? [o.registry] : [] });
  const server: DnsServer = dns2.createServer({
    udp: { type: net.isIPv6(o.address) ? 'udp6' : 'udp4' },
    tcp: true,
    handle: (request, send, client) => {
      const protocol = client instanceof net.Socket ? 'tcp' : 'udp';
      const started = process.hrtime.bigint();
      const zone = o.zone();
      const q = request.questions[0];
      const qtype = q ? typeName(q.type) : 'other';
      const serverLabel = `dns://:${o.port}`;
      requests.inc({ server: serverLabel, zone: '.', proto: protocol, family: '1', type: qtype });
      respond(request, zone, o.forwarder, protocol)
        .then(async ({ reply, forwarded }) => {
          await send(reply);
          responses.inc({ server: serverLabel, zone: '.', rcode: rcodeOf(reply), plugin: forwarded ? 'forward' : 'kubernetes' });
          duration.observe({ server: serverLabel, zone: '.', type: qtype }, Number(process.hrtime.bigint() - started) / 1e9);
          if (o.logger.isLevelEnabled('debug')) o.logger.debug({ name: q?.name, type: qtype, proto: protocol, rcode: rcodeOf(reply), forwarded }, 'query');
        })
        .catch((err: unknown) => o.logger.warn({ err: String(err), name: q?.name }, 'could not answer a query'));
    },
  });
  server.on('requestError', (err: Error) => o.logger.debug({ err: err.message }, 'malformed request'));
  server.on('error', (err: Error) => o.logger.error({ err: err.message }, 'dns listener error'));
  const addresses = await server.listen({ udp: { port: o.port, address: o.address }, tcp: { port: o.port, address: o.address } });
  const udpPort = (addresses.udp as net.AddressInfo).port;
  const tcpPort = (addresses.tcp as net.AddressInfo).port;
  return {
    udpPort,
    tcpPort,
    close: async () => {
      await server.close();
    },
  };
}
