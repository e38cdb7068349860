// Owns forwarding a query the cluster zone does not answer to the node's upstream resolvers (the
// nameservers of the resolv.conf a dnsPolicy Default pod gets), over UDP or TCP, each try bounded.
// Must never wait unbounded: every upstream gets timeoutMs, then the next one; all failed = SERVFAIL.
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';

/** The nameservers of a resolv.conf (IPv4 and IPv6 literals, at most 3 as glibc reads them). */
export function upstreamsFromResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const [key, value] = raw.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (key === 'nameserver' && value && net.isIP(value)) out.push(value);
  }
  return out.slice(0, 3);
}

export function readUpstreams(file: string): string[] {
  return upstreamsFromResolvConf(readFileSync(file, 'utf8'));
}

/** host, host:port or [v6]:port -> { host, port } (port 53 by default). */
export function parseUpstream(value: string): { host: string; port: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracket) return { host: bracket[1]!, port: Number(bracket[2] ?? 53) };
  if (net.isIPv6(value)) return { host: value, port: 53 };
  const [host, port] = value.split(':');
  return { host: host!, port: Number(port ?? 53) };
}

function queryUdp(message: Buffer, host: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    const id = message.readUInt16BE(0);
    const timer = setTimeout(() => finish(new Error(`upstream ${host}:${port} timed out after ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.on('message', (reply, rinfo) => {
      if (rinfo.port !== port || reply.length < 12 || reply.readUInt16BE(0) !== id) return; // not our answer
      finish(undefined, reply);
    });
    socket.on('error', (err) => finish(err));
    socket.send(message, port, host);
  });
}

function queryTcp(message: Buffer, host: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffered = Buffer.alloc(0);
    let done = false;
    const finish = (err?: Error, reply?: Buffer) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`upstream ${host}:${port} (tcp) timed out after ${timeoutMs} ms`)));
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(message.length);
      socket.write(Buffer.concat([len, message]));
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        finish(undefined, buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
      }
    });
    socket.on('end', () => finish(new Error(`upstream ${host}:${port} closed the connection`)));
  });
}

export interface Forwarder {
  /** The upstream's raw reply to the raw query (same id), or throws when every upstream failed. */
  forward(message: Buffer, protocol: 'udp' | 'tcp'): Promise<Buffer>;
}

export function createForwarder(upstreams: () => string[], timeoutMs: number): Forwarder {
  return {
    async forward(message, protocol) {
      const list = upstreams();
      if (list.length === 0) throw new Error('no upstream resolvers configured');
      let last: unknown;
      for (const upstream of list) {
        const { host, port } = parseUpstream(upstream);
        try {
          const reply = protocol === 'tcp' ? await queryTcp(message, host, port, timeoutMs) : await queryUdp(message, host, port, timeoutMs);
          return reply;
        } catch (err) {
          last = err;
        }
      }
      throw last instanceof Error ? last : new Error(String(last));
    },
  };
}
