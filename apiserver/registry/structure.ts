// Turns a request body into an object of the expected kind: the type and namespace must match
// the URL, wrong JSON types are a 400, and unknown fields are refused, warned about or dropped as
// the request's fieldValidation says (upstream's strict decoding). Never stores anything.
import { BadRequestError } from '../../api/errors.js';
import { apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import { checkStructure } from '../../api/schema/structural.js';
import type { KubeObject } from './codec.js';
import type { WriteContext } from './context.js';

export function checkObjectStructure(res: ResourceInfo, body: unknown, ctx: WriteContext, namespace: string | undefined): KubeObject {
  const apiVersion = apiVersionOf(res);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError(`${res.kind} in version "${res.version}" cannot be handled as a ${res.kind}: json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type struct`);
  }
  const obj = body as KubeObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw new BadRequestError(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== res.kind) {
    throw new BadRequestError(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${res.kind})`);
  }
  obj.apiVersion = apiVersion;
  obj.kind = res.kind;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  const result = checkStructure({ group: res.group, version: res.version, kind: res.kind }, obj, ctx.fieldValidation);
  if (result.typeErrors.length > 0) {
    throw new BadRequestError(`${res.kind} in version "${res.version}" cannot be handled as a ${res.kind}: ${result.typeErrors[0].message}`);
  }
  if (result.unknownFields.length > 0) {
    if (ctx.fieldValidation === 'Strict') {
      throw new BadRequestError(`${res.kind} in version "${res.version}" cannot be handled as a ${res.kind}: strict decoding error: ${result.unknownFields.map((f) => `unknown field "${f.replace(/^\./, '')}"`).join(', ')}`);
    }
    if (ctx.fieldValidation === 'Warn') {
      for (const f of result.unknownFields) ctx.warnings.push(`unknown field "${f.replace(/^\./, '')}"`);
    }
    for (const f of result.unknownFields) dropPath(obj, f);
  }
  checkByteFields(res, obj);
  const meta = obj.metadata!;
  if (res.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== '' && namespace !== undefined && meta.namespace !== namespace) {
      throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (namespace !== undefined) meta.namespace = namespace;
  } else {
    delete meta.namespace;
  }
  return obj;
}

/** Removes a field named by a path like `spec.template.spec.containers[0].imagee`. */
export function dropPath(obj: unknown, path: string): void {
  const parts: (string | number)[] = [];
  for (const seg of path.replace(/^\./, '').split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(seg);
    if (!m) return;
    if (m[1]) parts.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) parts.push(Number(idx[1]));
  }
  let cur: any = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    cur = cur?.[parts[i]];
    if (cur === null || typeof cur !== 'object') return;
  }
  if (cur && typeof cur === 'object') delete cur[parts[parts.length - 1]];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Fields of Go type []byte travel as standard padded base64; anything else fails decoding upstream. */
function checkByteFields(res: ResourceInfo, obj: KubeObject): void {
  const maps = res.group === '' && res.plural === 'secrets' ? ['data'] : res.group === '' && res.plural === 'configmaps' ? ['binaryData'] : [];
  for (const name of maps) {
    const map = obj[name];
    if (map === null || typeof map !== 'object') continue;
    for (const [key, value] of Object.entries(map)) {
      if (typeof value !== 'string' || BASE64.test(value)) continue;
      const at = value.search(/[^A-Za-z0-9+/=]/);
      throw new BadRequestError(
        `${res.kind} in version "${res.version}" cannot be handled as a ${res.kind}: illegal base64 data at input byte ${at < 0 ? value.length : at} (field ${name}[${key}])`,
      );
    }
  }
}
