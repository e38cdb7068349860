// The opaque `continue` token of paged lists: the revision the first page was read at and the last
// key returned, as upstream's storage encodes it. Rejects tokens for another collection.
import { BadRequestError } from '../../api/errors.js';

interface Token {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

export function encodeContinue(prefix: string, lastKey: string, revision: number): string {
  const token: Token = { v: 'meta.k8s.io/v1', rv: revision, start: lastKey.slice(prefix.length) };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(value: string, prefix: string): { startAfter: string; revision: number } {
  let token: Partial<Token>;
  try {
    token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('continue key is not valid: illegal base64 data');
  }
  if (token?.v !== 'meta.k8s.io/v1' || !Number.isSafeInteger(token.rv) || (token.rv as number) <= 0 || typeof token.start !== 'string' || token.start.includes('..')) {
    throw new BadRequestError('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return { startAfter: prefix + token.start, revision: token.rv as number };
}
