// How the apiserver reaches a node's kubelet: the address and port from the Node object and the
// TLS identity from --kubelet-client-certificate/--kubelet-client-key/--kubelet-certificate-authority.
// Never sends a user's credentials to a kubelet; the apiserver speaks as itself.
import { readFileSync } from 'node:fs';
import type { Node } from '../../api/types.js';
import { BadRequestError, StatusError } from '../../api/errors.js';

export interface KubeletClientFiles {
  certFile?: string;
  keyFile?: string;
  caFile?: string;
}

export interface KubeletTls {
  cert?: Buffer;
  key?: Buffer;
  ca?: Buffer;
  /** Upstream skips verifying the kubelet's serving certificate when no --kubelet-certificate-authority is given. */
  rejectUnauthorized: boolean;
}

export function loadKubeletTls(files: KubeletClientFiles): KubeletTls {
  return {
    cert: files.certFile ? readFileSync(files.certFile) : undefined,
    key: files.keyFile ? readFileSync(files.keyFile) : undefined,
    ca: files.caFile ? readFileSync(files.caFile) : undefined,
    rejectUnauthorized: files.caFile !== undefined,
  };
}

/** kubeadm's --kubelet-preferred-address-types. */
export const PREFERRED_ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS'] as const;

export const DEFAULT_KUBELET_PORT = 10250;

export interface KubeletEndpoint {
  host: string;
  port: number;
}

/** The kubelet's address from node.status: preferred address type, daemonEndpoints port. */
export function kubeletEndpoint(node: Node): KubeletEndpoint {
  const addresses = node.status?.addresses ?? [];
  let host: string | undefined;
  for (const type of PREFERRED_ADDRESS_TYPES) {
    host = addresses.find((a) => a.type === type && a.address)?.address;
    if (host) break;
  }
  const name = node.metadata?.name ?? '';
  if (!host) throw new StatusError(500, '', `no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new BadRequestError(`node ${name} reports an invalid kubelet port ${port}`);
  return { host, port };
}

/** `host:port` with IPv6 brackets, as net.JoinHostPort. */
export function joinHostPort(endpoint: KubeletEndpoint): string {
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}
