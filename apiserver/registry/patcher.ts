// PATCH of one object: applies a JSON, merge, strategic-merge or server-side-apply patch to the
// stored object and writes the result through the store's update path, retrying on conflicts as
// upstream's patcher does. Apply creates the object when it does not exist.
import { AlreadyExistsError, BadRequestError, InvalidError, NotFoundError, field } from '../../api/errors.js';
import type { PatchType } from '../http/media.js';
import { applyJSONPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { strategicMergePatch } from '../patch/strategic-merge-patch.js';
import { serverSideApply } from '../patch/apply.js';
import { builtinSchemaFor } from '../../api/patch-schema.js';
import type { KubeObject } from './codec.js';
import type { WriteContext } from './context.js';
import type { ResourceStore, WriteTarget } from './store.js';

export interface PatchRequest {
  namespace?: string;
  name: string;
  type: PatchType;
  patch: unknown;
  force: boolean;
  target: WriteTarget;
}

export async function patchObject(store: ResourceStore, request: PatchRequest, ctx: WriteContext): Promise<{ object: KubeObject; created: boolean }> {
  const res = store.res;
  const kindRef = { group: res.group, version: res.version, kind: res.kind };
  if (request.type === 'apply') {
    if (!ctx.fieldManager || ctx.fieldManager === '') {
      throw new InvalidError('meta.k8s.io', 'PatchOptions', '', [field.required('fieldManager', 'is required for apply patch')]);
    }
    if (request.patch === null || typeof request.patch !== 'object' || Array.isArray(request.patch)) {
      throw new BadRequestError('error decoding YAML: the apply configuration must be an object');
    }
    const applied = request.patch as KubeObject;
    const applyCtx: WriteContext = { ...ctx, applying: true };
    // Update if it exists, else create; a create that loses a race goes round once more as an update.
    for (let attempt = 0; ; attempt++) {
      try {
        const object = await store.guaranteedUpdate(
          request.namespace,
          request.name,
          (current) => {
            const { result } = serverSideApply(current, applied, ctx.fieldManager, request.force, builtinSchemaFor(kindRef));
            return store.prepareUpdate(current, result, applyCtx, request.target);
          },
          applyCtx,
        );
        return { object, created: false };
      } catch (err) {
        if (!(err instanceof NotFoundError) || request.target !== 'main') throw err;
      }
      const { result } = serverSideApply(undefined, applied, ctx.fieldManager, request.force, builtinSchemaFor(kindRef));
      const meta = ((result as KubeObject).metadata ??= {});
      if (meta.name === undefined) meta.name = request.name;
      if (meta.name !== request.name) throw new BadRequestError(`the name of the object (${meta.name}) does not match the name on the URL (${request.name})`);
      try {
        return { object: await store.create(request.namespace, result, applyCtx), created: true };
      } catch (err) {
        if (!(err instanceof AlreadyExistsError) || attempt > 0) throw err;
      }
    }
  }
  checkPatchShape(request.type, request.patch);
  const object = await store.guaranteedUpdate(
    request.namespace,
    request.name,
    (current) => {
      const pinned = pinnedVersion(request.patch);
      const patched = applyPatch(request.type, current, request.patch, kindRef);
      if (pinned !== undefined && pinned !== current.metadata!.resourceVersion) {
        // A patch that names a resourceVersion is a precondition, as upstream.
        (patched as KubeObject).metadata = { ...((patched as KubeObject).metadata ?? {}), resourceVersion: pinned };
      }
      return store.prepareUpdate(current, patched, ctx, request.target);
    },
    ctx,
  );
  return { object, created: false };
}

function checkPatchShape(type: PatchType, patch: unknown): void {
  if (type === 'json') {
    if (!Array.isArray(patch)) throw new BadRequestError('json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
  } else if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new BadRequestError('json: cannot unmarshal into Go value of type map[string]interface {}');
  }
}

function pinnedVersion(patch: unknown): string | undefined {
  if (Array.isArray(patch) || patch === null || typeof patch !== 'object') return undefined;
  const rv = (patch as KubeObject).metadata?.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

function applyPatch(type: PatchType, current: KubeObject, patch: unknown, kindRef: { group: string; version: string; kind: string }): unknown {
  switch (type) {
    case 'json':
      return applyJSONPatch(current, patch as any);
    case 'merge':
      return applyMergePatch(current, patch as any);
    case 'strategic':
      return strategicMergePatch(current, patch as object, kindRef);
    default:
      throw new BadRequestError(`unsupported patch type ${type}`);
  }
}
