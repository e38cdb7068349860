// Content negotiation: which body formats a request may carry and which representation a response
// takes (plain JSON, a meta.k8s.io Table, or PartialObjectMetadata). Parses bodies; never writes one.
import { parse as parseYaml } from 'yaml';
import { BadRequestError, NotAcceptableError, UnsupportedMediaTypeError } from '../../api/errors.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = PATCH_TYPES[mediaType(contentType)];
  if (!type) throw new UnsupportedMediaTypeError(mediaType(contentType));
  return type;
}

/** Whether a request carried a body at all (DELETE may or may not). */
export function hasBody(raw: unknown): boolean {
  return typeof raw === 'string' ? raw.trim() !== '' : raw !== undefined && raw !== null;
}

/**
 * Parses a write body (JSON or YAML) into a value; malformed input is a 400 as upstream. A body
 * the content-type parser already decoded (protobuf) is returned as it is.
 */
export function parseBody(raw: unknown, contentType: string | undefined): unknown {
  if (raw !== undefined && raw !== null && typeof raw !== 'string') return raw;
  const type = mediaType(contentType);
  const text = raw ?? '';
  if (text.trim() === '') throw new BadRequestError('the body of the request was empty');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml') {
    let value: unknown;
    try {
      value = parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
      // A self-referencing alias yields a cyclic value, which JSON cannot carry.
      JSON.stringify(value);
    } catch (err) {
      throw new BadRequestError(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    return value;
  }
  if (type !== '' && type !== 'application/json' && !(type in PATCH_TYPES)) throw new UnsupportedMediaTypeError(type);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`json: ${(err as Error).message}`);
  }
}

export type Representation = 'object' | 'table' | 'metadata';

interface AcceptClause {
  type: string;
  params: Record<string, string>;
}

function parseAccept(accept: string | undefined): AcceptClause[] {
  if (!accept) return [{ type: '*/*', params: {} }];
  return accept.split(',').map((part) => {
    const [type, ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/**
 * Picks the representation of a read from the Accept header, the first clause we can serve wins,
 * like upstream's negotiation. Only JSON is spoken; protobuf-only clients get 406.
 */
export function negotiateRepresentation(accept: string | undefined, isList: boolean): Representation {
  for (const clause of parseAccept(accept)) {
    if (!['application/json', '*/*', 'application/*', 'application/yaml'].includes(clause.type)) continue;
    const as = clause.params['as'];
    if (!as) return 'object';
    if (clause.params['g'] !== 'meta.k8s.io' || !['v1', 'v1beta1'].includes(clause.params['v'] ?? '')) continue;
    if (as === 'Table') return 'table';
    if (as === 'PartialObjectMetadata' && !isList) return 'metadata';
    if (as === 'PartialObjectMetadataList' && isList) return 'metadata';
  }
  throw new NotAcceptableError('only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io');
}
