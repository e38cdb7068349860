// VolumeBinding's Reserve/PreBind/Unreserve (upstream volumebinding binder.go): keeps the volumes and
// claims this scheduler has promised to pods in flight (an assume cache over the informers), writes
// them (PV claimRef for a static volume, the selected-node annotation for provisioning) and waits
// until the PV controller has bound every claim. Never writes a pod, and never binds a claim itself.
import type { Logger } from 'pino';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../api/types.js';
import type { Client, Informer, KubeObject } from '../../client/index.js';
import type { Snapshot } from '../framework.js';
import { findPodVolumes, preFilterVolumeBinding, type PodVolumes } from './volume-binding.js';
import { ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, isClaimFullyBound, isVolumeBoundToClaim, volumeFitsNode } from './volume-matching.js';

/** upstream VolumeBindingArgs.bindTimeoutSeconds default. */
export const DEFAULT_BIND_TIMEOUT_MS = 600_000;

type Claim = Readonly<PersistentVolumeClaim>;
type Volume = Readonly<PersistentVolume>;

export interface VolumeBinderOptions {
  client: Client;
  logger: Logger;
  informers: {
    pods: Informer<KubeObject>;
    nodes: Informer<KubeObject>;
    persistentvolumeclaims: Informer<KubeObject>;
    persistentvolumes: Informer<KubeObject>;
    storageclasses: Informer<KubeObject>;
  };
  /** How long PreBind waits for the PV controller (default 600 s, upstream's). */
  bindTimeoutMs?: number;
}

/** A pod's volume decisions on its chosen node, written to the assume cache by reserve(). */
export interface VolumeReservation extends PodVolumes {
  nodeName: string;
}

export interface VolumeBinder {
  /** The snapshot's volume lookups: informer objects, overlaid with what reservations assumed. */
  lookups: Required<Pick<Snapshot, 'pvc' | 'pv' | 'storageClass' | 'persistentVolumes'>>;
  /** Reserve: assumes the pod's bindings on `nodeName`; undefined when every claim is already bound. */
  reserve(pod: Pod, nodeName: string, snapshot: Snapshot): VolumeReservation | undefined;
  /** PreBind: writes the reservation and waits until the claims are bound; rejects with upstream's error text. */
  preBind(pod: Pod, reservation: VolumeReservation, signal: AbortSignal): Promise<void>;
  /** Unreserve: forgets the reservation's assumptions. */
  unreserve(reservation: VolumeReservation): void;
}

const rv = (o: Readonly<KubeObject> | undefined) => Number(o?.metadata?.resourceVersion ?? 0);
const claimKey = (c: Claim) => `${c.metadata?.namespace}/${c.metadata?.name}`;

/** upstream assumecache: an assumed object is shown until the informer has a newer version of it. */
class AssumeCache<T extends KubeObject> {
  private readonly assumed = new Map<string, Readonly<T>>();
  constructor(private readonly informer: Informer<KubeObject>) {}

  get(key: string): Readonly<T> | undefined {
    const live = this.informer.store.getByKey(key) as Readonly<T> | undefined;
    const mine = this.assumed.get(key);
    if (!mine || !live) return live;
    if (rv(live) > rv(mine)) {
      this.assumed.delete(key);
      return live;
    }
    return mine;
  }

  list(): Readonly<T>[] {
    return this.informer.store.list().map((o) => this.get(keyOf(o))!).filter(Boolean);
  }

  assume(key: string, obj: Readonly<T>): void {
    this.assumed.set(key, obj);
  }

  restore(key: string): void {
    this.assumed.delete(key);
  }
}

const keyOf = (o: Readonly<KubeObject>) => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata!.name!);

/** GetBindVolumeToClaim: the volume with claimRef to the claim (and bound-by-controller), and whether that changed it. */
export function bindVolumeToClaim(pv: Volume, pvc: Claim): { pv: PersistentVolume; dirty: boolean } {
  const copy = structuredClone(pv) as PersistentVolume;
  let dirty = false;
  const ref = pv.spec?.claimRef;
  if (!ref || ref.name !== pvc.metadata?.name || ref.namespace !== pvc.metadata?.namespace || ref.uid !== pvc.metadata?.uid) {
    copy.spec = {
      ...copy.spec,
      claimRef: {
        kind: 'PersistentVolumeClaim', namespace: pvc.metadata!.namespace, name: pvc.metadata!.name, uid: pvc.metadata!.uid,
        apiVersion: 'v1', resourceVersion: pvc.metadata!.resourceVersion,
      },
    };
    dirty = true;
  }
  if (!isVolumeBoundToClaim(pv, pvc) && copy.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) {
    copy.metadata = { ...copy.metadata, annotations: { ...copy.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } };
    dirty = true;
  }
  return { pv: copy, dirty };
}

export function createVolumeBinder(options: VolumeBinderOptions): VolumeBinder {
  const { client, logger, informers } = options;
  const timeoutMs = options.bindTimeoutMs ?? DEFAULT_BIND_TIMEOUT_MS;
  const pvcCache = new AssumeCache<PersistentVolumeClaim & KubeObject>(informers.persistentvolumeclaims);
  const pvCache = new AssumeCache<PersistentVolume & KubeObject>(informers.persistentvolumes);
  const pvClient = client.resource('persistentvolumes');
  const pvcClient = client.resource('persistentvolumeclaims');

  // Every wait re-checks on any change of what it looks at (upstream polls each second instead).
  const waiters = new Set<() => void>();
  const recheck = () => { for (const w of [...waiters]) w(); };
  for (const informer of [informers.persistentvolumeclaims, informers.persistentvolumes, informers.pods, informers.nodes]) {
    informer.on('add', recheck);
    informer.on('update', recheck);
    informer.on('delete', recheck);
  }

  const lookups: VolumeBinder['lookups'] = {
    pvc: (ns, name) => pvcCache.get(`${ns}/${name}`) as Record<string, any> | undefined,
    pv: (name) => pvCache.get(name) as Record<string, any> | undefined,
    storageClass: (name) => informers.storageclasses.store.getByKey(name) as Readonly<StorageClass> | undefined,
    persistentVolumes: () => pvCache.list(),
  };

  function unreserve(reservation: VolumeReservation): void {
    for (const b of reservation.staticBindings) pvCache.restore(b.pv.metadata!.name!);
    for (const c of reservation.dynamicProvisions) pvcCache.restore(claimKey(c));
  }

  function reserve(pod: Pod, nodeName: string, snapshot: Snapshot): VolumeReservation | undefined {
    const pre = preFilterVolumeBinding(pod, snapshot);
    if (!pre.state || (pre.state.unboundDelayBinding.length === 0)) return undefined;
    const info = snapshot.get(nodeName);
    if (!info) throw new Error(`node "${nodeName}" not found`);
    const { podVolumes, reasons, error } = findPodVolumes(pre.state, info.node, snapshot);
    if (error) throw new Error(error);
    if (reasons.length) throw new Error(reasons.join(', '));
    const reservation: VolumeReservation = { nodeName, staticBindings: [], dynamicProvisions: [] };
    for (const b of podVolumes.staticBindings) {
      const { pv, dirty } = bindVolumeToClaim(b.pv, b.pvc);
      if (dirty) pvCache.assume(pv.metadata!.name!, pv as PersistentVolume & KubeObject);
      reservation.staticBindings.push({ pvc: b.pvc, pv });
    }
    for (const c of podVolumes.dynamicProvisions) {
      const claim = structuredClone(c) as PersistentVolumeClaim & KubeObject;
      claim.metadata = { ...claim.metadata, annotations: { ...claim.metadata?.annotations, [ANN_SELECTED_NODE]: nodeName } };
      pvcCache.assume(claimKey(claim), claim);
      reservation.dynamicProvisions.push(claim);
    }
    return reservation;
  }

  /** upstream bindAPIUpdate: the PV updates, then the claim updates; the written objects replace the reservation's. */
  async function bindAPIUpdate(pod: Pod, reservation: VolumeReservation): Promise<void> {
    for (const b of reservation.staticBindings) {
      logger.debug({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, pv: b.pv.metadata?.name, pvc: claimKey(b.pvc) }, 'updating PersistentVolume: binding to claim');
      b.pv = await pvClient.update({ apiVersion: 'v1', kind: 'PersistentVolume', ...(b.pv as KubeObject) }) as Volume;
    }
    for (let i = 0; i < reservation.dynamicProvisions.length; i++) {
      const c = reservation.dynamicProvisions[i]!;
      reservation.dynamicProvisions[i] = await pvcClient.update({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...(c as KubeObject) }) as Claim;
    }
  }

  /** upstream checkBindings over the informers: true when every claim is bound; throws when binding must be retried. */
  function checkBindings(pod: Pod, reservation: VolumeReservation): boolean {
    const nodeName = reservation.nodeName;
    const node = informers.nodes.store.getByKey(nodeName) as Node | undefined;
    if (!node) throw new Error(`failed to get node "${nodeName}": node "${nodeName}" not found`);
    if (!informers.pods.store.getByKey(`${pod.metadata?.namespace}/${pod.metadata?.name}`)) {
      throw new Error(`pod does not exist any more: pod "${pod.metadata?.name}" not found`);
    }
    const pvs = informers.persistentvolumes.store;
    const pvcs = informers.persistentvolumeclaims.store;
    for (const b of reservation.staticBindings) {
      const pv = pvs.getByKey(b.pv.metadata!.name!) as Volume | undefined;
      if (!pv) throw new Error(`failed to check binding: persistentvolume "${b.pv.metadata?.name}" not found`);
      const pvc = pvcs.getByKey(claimKey(b.pvc)) as Claim | undefined;
      if (!pvc) throw new Error(`failed to check binding: persistentvolumeclaim "${claimKey(b.pvc)}" not found`);
      if (rv(b.pv as KubeObject) > rv(pv as KubeObject)) return false;
      if (!volumeFitsNode(pv, node)) throw new Error(`pv "${pv.metadata?.name}" node affinity doesn't match node "${nodeName}": no matching NodeSelectorTerms`);
      if (!pv.spec?.claimRef?.uid) throw new Error(`ClaimRef got reset for pv "${pv.metadata?.name}"`);
      if (!isClaimFullyBound(pvc)) return false;
    }
    for (const c of reservation.dynamicProvisions) {
      const pvc = pvcs.getByKey(claimKey(c)) as Claim | undefined;
      if (!pvc) throw new Error(`failed to check provisioning pvc: persistentvolumeclaim "${claimKey(c)}" not found`);
      if (rv(c as KubeObject) > rv(pvc as KubeObject)) return false;
      if (!pvc.metadata?.annotations) throw new Error(`selectedNode annotation reset for PVC "${pvc.metadata?.name}"`);
      // A provisioner that gives up removes the annotation to send the pod back to the scheduler.
      if (pvc.metadata.annotations[ANN_SELECTED_NODE] !== nodeName) throw new Error(`provisioning failed for PVC "${pvc.metadata?.name}"`);
      if (pvc.spec?.volumeName) {
        const pv = pvs.getByKey(pvc.spec.volumeName) as Volume | undefined;
        if (!pv) return false;
        if (!volumeFitsNode(pv, node)) throw new Error(`pv "${pv.metadata?.name}" node affinity doesn't match node "${nodeName}": no matching NodeSelectorTerms`);
      }
      if (!isClaimFullyBound(pvc)) return false;
    }
    return true;
  }

  function waitForBindings(pod: Pod, reservation: VolumeReservation, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let finished = false;
      const finish = (err?: Error) => {
        if (finished) return;
        finished = true;
        waiters.delete(check);
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        try {
          if (checkBindings(pod, reservation)) finish();
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      };
      const onAbort = () => finish(new Error('context canceled'));
      const timer = setTimeout(() => finish(new Error('context deadline exceeded')), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) return onAbort();
      waiters.add(check);
      check();
    });
  }

  return {
    lookups,
    reserve,
    unreserve,
    async preBind(pod, reservation, signal) {
      try {
        await bindAPIUpdate(pod, reservation);
        await waitForBindings(pod, reservation, signal).catch((err: Error) => {
          throw new Error(`binding volumes: ${err.message}`);
        });
        logger.info({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, node: reservation.nodeName }, 'all PVCs for pod are bound');
      } finally {
        // The informers now show what was written (or the attempt is over): nothing stays assumed.
        unreserve(reservation);
      }
    },
  };
}
