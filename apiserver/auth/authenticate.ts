// Who is asking: a client certificate signed by the cluster CA (CN = user, O = groups) or a bearer
// token from the static token file. Anonymous requests are refused except for the public health
// and version endpoints. Authentication only; it grants nothing by itself.
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../../api/errors.js';
import type { UserInfo } from '../registry/context.js';

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

export function isPublicPath(url: string): boolean {
  const path = url.split('?')[0];
  return PUBLIC_PATHS.has(path) || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/');
}

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function authenticate(request: FastifyRequest, tokens: Map<string, UserInfo>): UserInfo | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^bearer /i.test(header)) {
    const token = header.slice(7).replace(/^[ \t]+|[ \t]+$/g, '');
    const user = token === '' ? undefined : tokens.get(token);
    if (!user) throw new UnauthorizedError();
    return withAuthenticated(user);
  }
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (socket.authorized && typeof socket.getPeerCertificate === 'function') {
    const cert = socket.getPeerCertificate();
    const cn = cert?.subject?.CN;
    if (cn) {
      const name = Array.isArray(cn) ? cn[0] : cn;
      return withAuthenticated({ name, groups: asList(cert.subject.O as string | string[] | undefined) });
    }
  }
  return undefined;
}

function withAuthenticated(user: UserInfo): UserInfo {
  return user.groups.includes('system:authenticated') ? user : { ...user, groups: [...user.groups, 'system:authenticated'] };
}
