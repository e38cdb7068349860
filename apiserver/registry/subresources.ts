// The subresources that are not plain views of the object: scale (an autoscaling/v1 Scale over a
// workload's replicas), pods/binding (the scheduler's one write), and namespaces/finalize.
import { BadRequestError, ConflictError, InvalidError, field } from '../../api/errors.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { isQualifiedName } from '../../api/validation/names.js';
import type { PatchType } from '../http/media.js';
import { applyJSONPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import type { KubeObject } from './codec.js';
import type { WriteContext } from './context.js';
import { nowTimestamp, type ResourceStore } from './store.js';

export function scaleOf(obj: KubeObject): KubeObject {
  const meta = obj.metadata ?? {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      selector: selectorText(obj.spec?.selector),
    },
  };
}

/** Upstream's LabelSelectorAsSelector(...).String(); an unparsable selector reads as none. */
function selectorText(selector: unknown): string {
  if (!selector) return '';
  try {
    return selectorFromLabelSelector(selector as any).toString();
  } catch {
    return '';
  }
}

/** Writes a Scale back to its workload: only spec.replicas changes. */
export async function updateScale(
  store: ResourceStore,
  namespace: string | undefined,
  name: string,
  change: (scale: KubeObject) => KubeObject,
  ctx: WriteContext,
): Promise<KubeObject> {
  const updated = await store.guaranteedUpdate(
    namespace,
    name,
    (current) => {
      const scale = change(scaleOf(current));
      const replicas = checkScale(store, name, scale, current);
      const next = structuredClone(current);
      next.spec = { ...(next.spec ?? {}), replicas };
      return store.prepareUpdate(current, next, ctx, 'main');
    },
    ctx,
  );
  return scaleOf(updated);
}

const MAX_INT32 = 2 ** 31 - 1;

/** Decodes a Scale as strictly as upstream's typed decoder; returns the replicas it asks for. */
function checkScale(store: ResourceStore, name: string, scale: unknown, current: KubeObject): number {
  const bad = (what: string) => new BadRequestError(`Scale in version "v1" cannot be handled as a Scale: ${what}`);
  if (scale === null || typeof scale !== 'object' || Array.isArray(scale)) throw bad('json: cannot unmarshal into Go value of type v1.Scale');
  const s = scale as KubeObject;
  if (s.metadata !== undefined && (s.metadata === null || typeof s.metadata !== 'object' || Array.isArray(s.metadata))) throw bad('json: cannot unmarshal into Go struct field Scale.metadata of type v1.ObjectMeta');
  const given = s.metadata?.name;
  if (given !== undefined && given !== name) throw new BadRequestError(`the name of the object (${String(given)}) does not match the name on the URL (${name})`);
  const rv = s.metadata?.resourceVersion;
  if (rv && rv !== current.metadata!.resourceVersion) throw new ConflictError(store.res, name);
  if (s.spec !== undefined && (s.spec === null || typeof s.spec !== 'object' || Array.isArray(s.spec))) throw bad('json: cannot unmarshal into Go struct field Scale.spec of type v1.ScaleSpec');
  const replicas = s.spec?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || Math.abs(replicas) > MAX_INT32) {
    throw bad(`json: cannot unmarshal ${typeof replicas === 'number' ? `number ${replicas}` : typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
  }
  if (replicas < 0) throw new InvalidError('autoscaling', 'Scale', name, [field.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
  return replicas;
}

export function patchScale(type: PatchType, scale: KubeObject, patch: unknown): KubeObject {
  if (type === 'json') {
    if (!Array.isArray(patch)) throw new BadRequestError('json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
    return applyJSONPatch(scale, patch as any) as KubeObject;
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new BadRequestError('the patch must be an object');
  // Scale has no lists: strategic merge and merge patch coincide.
  return applyMergePatch(scale, patch as any) as KubeObject;
}

export async function bindPod(store: ResourceStore, namespace: string, podName: string, body: unknown, ctx: WriteContext): Promise<void> {
  const binding = body as KubeObject;
  if (binding === null || typeof binding !== 'object' || Array.isArray(binding)) throw new BadRequestError('the body of the request must be a Binding');
  const name = binding.metadata?.name ?? podName;
  if (name !== podName) throw new BadRequestError(`the name of the object (${name}) does not match the name on the URL (${podName})`);
  const target = binding.target?.name;
  if (typeof target !== 'string' || target === '') {
    throw new InvalidError('', 'Binding', podName, [field.required('target.name', '')]);
  }
  await store.guaranteedUpdate(
    namespace,
    podName,
    (pod) => {
      if (pod.metadata!.deletionTimestamp) throw new ConflictError(store.res, podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
      if (pod.spec?.nodeName) throw new ConflictError(store.res, podName, `pod ${podName} is already assigned to node "${pod.spec.nodeName}"`);
      pod.spec = { ...(pod.spec ?? {}), nodeName: target };
      const conditions = ((pod.status ??= {}).conditions ?? []).filter((c: any) => c?.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() });
      pod.status.conditions = conditions;
      return pod;
    },
    ctx,
  );
}

/** PUT namespaces/NAME/finalize: replaces spec.finalizers; an emptied, deleted namespace goes. */
export async function finalizeNamespace(store: ResourceStore, name: string, body: unknown, ctx: WriteContext): Promise<KubeObject> {
  const ns = body as KubeObject | null;
  if (ns === null || typeof ns !== 'object' || Array.isArray(ns)) throw new BadRequestError('the body of the request must be a Namespace');
  const finalizers = ns.spec?.finalizers;
  if (finalizers !== undefined && finalizers !== null) {
    if (!Array.isArray(finalizers) || finalizers.some((f) => typeof f !== 'string')) {
      throw new BadRequestError('Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal into Go struct field NamespaceSpec.spec.finalizers of type []v1.FinalizerName');
    }
    const bad = finalizers.flatMap((f: string, i: number) => isQualifiedName(f).map((msg) => field.invalid(`spec.finalizers[${i}]`, f, msg)));
    if (bad.length) throw new InvalidError('', 'Namespace', name, bad);
  }
  const pinned = ns.metadata?.resourceVersion;
  return store.guaranteedUpdate(
    undefined,
    name,
    (ns) => {
      if (pinned && pinned !== ns.metadata!.resourceVersion) throw new ConflictError(store.res, name);
      ns.spec = { ...(ns.spec ?? {}), finalizers: finalizers ?? [] };
      if ((ns.spec.finalizers as unknown[]).length === 0) delete ns.spec.finalizers;
      return ns;
    },
    ctx,
  );
}
