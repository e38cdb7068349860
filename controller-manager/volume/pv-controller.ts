// The PersistentVolume controller (upstream pkg/controller/volume/persistentvolume,
// "persistentvolume-binder"): binds claims to volumes both ways, provisions k8ts.io/host-path
// volumes, reclaims released volumes (Retain/Delete) and creates the default StorageClass `standard`
// when none exists. Must never bind a volume another claim holds, nor touch a node's disk.
import { AlreadyExistsError, NotFoundError } from '../../client/index.js';
import type { ControllerContext, ControllerDescriptor } from '../context.js';
import { informersSynced, newQueue, runWorkers, type ReconcileResult } from '../controller.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER, claimReference, DEFAULT_HOST_PATH_DIR, HOST_PATH_PROVISIONER, hostPathVolumeFor, provisionedVolumeName, standardStorageClass,
} from './host-path-provisioner.js';
import { claimClass, defaultClass, findMatchingVolume, isVolumeBoundToClaim } from './matching.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.js';

export const PV_CONTROLLER = 'persistentvolume-controller';
/** Upstream --pvclaimbinder-sync-period: unbound claims are looked at again this often. */
export const CLAIM_RESYNC_MS = 15_000;

export interface PersistentVolumeController {
  /** Keys are `claim:<namespace>/<name>` or `volume:<name>`. */
  reconcile(key: string): Promise<ReconcileResult | void>;
  ensureDefaultStorageClass(): Promise<void>;
  run(): Promise<void>;
}

export interface PersistentVolumeControllerOptions {
  /** Where host-path volumes live on their node (default /var/lib/k8ts/volumes). */
  hostPathDir?: string;
}

const claimKey = (c: Readonly<PersistentVolumeClaim>) => `claim:${c.metadata!.namespace}/${c.metadata!.name}`;
const volumeKey = (v: Readonly<PersistentVolume>) => `volume:${v.metadata!.name}`;
const clone = <T>(o: Readonly<T>) => structuredClone(o) as T;

export function createPersistentVolumeController(ctx: ControllerContext, options: PersistentVolumeControllerOptions = {}): PersistentVolumeController {
  const claims = ctx.informers.informer<PersistentVolumeClaim>('persistentvolumeclaims');
  const volumes = ctx.informers.informer<PersistentVolume>('persistentvolumes');
  const classes = ctx.informers.informer<StorageClass>('storageclasses.storage.k8s.io');
  const nodes = ctx.informers.informer<Node>('nodes');
  const claimClient = ctx.client.resource('persistentvolumeclaims');
  const volumeClient = ctx.client.resource('persistentvolumes');
  const classClient = ctx.client.resource('storageclasses.storage.k8s.io');
  const recorder = ctx.recorder(PV_CONTROLLER);
  const logger = ctx.logger.child({ controller: 'persistentvolume-binder' });
  const queue = newQueue('persistentvolume-binder');
  const hostPathDir = options.hostPathDir ?? DEFAULT_HOST_PATH_DIR;

  const enqueueUnboundClaims = () => { for (const c of claims.store.list()) if (!c.spec?.volumeName) queue.add(claimKey(c)); };
  claims.on('add', (c) => queue.add(claimKey(c)));
  claims.on('update', (_, c) => queue.add(claimKey(c)));
  claims.on('delete', (c) => {
    // Its volume is now Released.
    for (const v of volumes.store.list()) if (v.spec?.claimRef?.uid === c.metadata?.uid) queue.add(volumeKey(v));
  });
  volumes.on('add', (v) => { queue.add(volumeKey(v)); enqueueUnboundClaims(); });
  volumes.on('update', (_, v) => {
    queue.add(volumeKey(v));
    const ref = v.spec?.claimRef;
    if (ref) queue.add(`claim:${ref.namespace}/${ref.name}`);
    else enqueueUnboundClaims();
  });
  volumes.on('delete', (v) => { const ref = v.spec?.claimRef; if (ref) queue.add(`claim:${ref.namespace}/${ref.name}`); });
  classes.on('add', () => enqueueUnboundClaims());

  async function setClaimPhase(claim: Readonly<PersistentVolumeClaim>, phase: string, volume?: Readonly<PersistentVolume>): Promise<Readonly<PersistentVolumeClaim>> {
    const status = { ...(claim.status ?? {}), phase } as NonNullable<PersistentVolumeClaim['status']>;
    if (volume) {
      status.capacity = { ...volume.spec?.capacity };
      status.accessModes = [...(volume.spec?.accessModes ?? [])];
    }
    if (JSON.stringify(status) === JSON.stringify(claim.status ?? {})) return claim;
    return claimClient.updateStatus({ ...clone(claim), status } as PersistentVolumeClaim) as Promise<PersistentVolumeClaim>;
  }

  async function setVolumePhase(pv: Readonly<PersistentVolume>, phase: string, message?: string): Promise<Readonly<PersistentVolume>> {
    if (pv.status?.phase === phase && (pv.status?.message ?? undefined) === message) return pv;
    const status = { ...(pv.status ?? {}), phase } as NonNullable<PersistentVolume['status']>;
    if (message) status.message = message; else delete status.message;
    return volumeClient.updateStatus({ ...clone(pv), status } as PersistentVolume) as Promise<PersistentVolume>;
  }

  /** bind(): volume -> claim, volume Bound, claim -> volume, claim Bound; each step only if needed. */
  async function bind(volume: Readonly<PersistentVolume>, claim: Readonly<PersistentVolumeClaim>): Promise<void> {
    let pv = volume;
    if (pv.spec?.claimRef?.uid !== claim.metadata?.uid) {
      const copy = clone(pv);
      copy.spec = { ...copy.spec, claimRef: claimReference(claim) };
      copy.metadata = { ...copy.metadata, annotations: { ...copy.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } };
      pv = await volumeClient.update(copy) as PersistentVolume;
    }
    pv = await setVolumePhase(pv, 'Bound');
    let c = claim;
    if (c.spec?.volumeName !== pv.metadata!.name || c.metadata?.annotations?.[ANN_BIND_COMPLETED] !== 'yes') {
      const copy = clone(c);
      const annotations: Record<string, string> = { ...copy.metadata?.annotations, [ANN_BIND_COMPLETED]: 'yes' };
      if (copy.spec?.volumeName !== pv.metadata!.name) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
      copy.metadata = { ...copy.metadata, annotations };
      copy.spec = { ...copy.spec, volumeName: pv.metadata!.name };
      c = await claimClient.update(copy) as PersistentVolumeClaim;
    }
    await setClaimPhase(c, 'Bound', pv);
    logger.info({ claim: `${claim.metadata?.namespace}/${claim.metadata?.name}`, volume: pv.metadata?.name }, 'bound claim to volume');
  }

  async function provision(claim: Readonly<PersistentVolumeClaim>, sc: Readonly<StorageClass>, selectedNode: string | undefined): Promise<ReconcileResult | void> {
    if (claim.metadata?.annotations?.[ANN_STORAGE_PROVISIONER] !== HOST_PATH_PROVISIONER) {
      // As upstream: say which provisioner is responsible before provisioning.
      const copy = clone(claim);
      copy.metadata = { ...copy.metadata, annotations: { ...copy.metadata?.annotations, [ANN_STORAGE_PROVISIONER]: HOST_PATH_PROVISIONER, [ANN_BETA_STORAGE_PROVISIONER]: HOST_PATH_PROVISIONER } };
      await claimClient.update(copy);
      return;
    }
    const name = provisionedVolumeName(claim);
    const existing = volumes.store.getByKey(name);
    if (existing) return bind(existing, claim);
    const node = selectedNode ? nodes.store.getByKey(selectedNode) : undefined;
    const target = selectedNode ? { name: selectedNode, hostname: node?.metadata?.labels?.['kubernetes.io/hostname'] ?? selectedNode } : undefined;
    let pv: PersistentVolume;
    try {
      pv = await volumeClient.create(hostPathVolumeFor(claim, sc, hostPathDir, target)) as PersistentVolume;
    } catch (err) {
      if (err instanceof AlreadyExistsError) return { requeueAfterMs: 100 };
      recorder.eventf(claim, 'Warning', 'ProvisioningFailed', 'Failed to provision volume with StorageClass "%s": %v', sc.metadata?.name, err instanceof Error ? err.message : String(err));
      throw err;
    }
    recorder.eventf(claim, 'Normal', 'ProvisioningSucceeded', 'Successfully provisioned volume %s using %s', name, HOST_PATH_PROVISIONER);
    await bind(pv, claim);
  }

  async function syncUnboundClaim(cached: Readonly<PersistentVolumeClaim>): Promise<ReconcileResult | void> {
    let claim = cached;
    if (claim.spec?.storageClassName === undefined || claim.spec?.storageClassName === null) {
      // Retroactive default StorageClass assignment (upstream, GA in 1.28).
      const def = defaultClass(classes.store.list());
      if (def && !claim.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class']) {
        const copy = clone(claim);
        copy.spec = { ...copy.spec, storageClassName: def.metadata!.name };
        await claimClient.update(copy);
        return;
      }
    }
    const className = claimClass(claim);
    const sc = className ? classes.store.getByKey(className) : undefined;
    const delayBinding = sc?.volumeBindingMode === 'WaitForFirstConsumer';
    const selectedNode = claim.metadata?.annotations?.[ANN_SELECTED_NODE];
    claim = await setClaimPhase(claim, 'Pending');
    if (delayBinding && !selectedNode) {
      // A volume the scheduler already promised to this claim (claimRef with its uid) is bound now,
      // as upstream's FindMatchingVolume returns pre-bound volumes even while binding is delayed.
      const preBound = volumes.store.list().find((v) => isVolumeBoundToClaim(v, claim));
      if (preBound) return bind(preBound, claim);
      recorder.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    const node = delayBinding && selectedNode ? nodes.store.getByKey(selectedNode) ?? ({ metadata: { name: selectedNode, labels: { 'kubernetes.io/hostname': selectedNode } } } as Node) : undefined;
    const volume = findMatchingVolume(claim, volumes.store.list(), node);
    if (volume) return bind(volume, claim);
    if (sc?.provisioner === HOST_PATH_PROVISIONER) return provision(claim, sc, selectedNode);
    if (sc) {
      recorder.eventf(claim, 'Normal', 'ExternalProvisioning', "Waiting for a volume to be created either by the external provisioner '%s' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.", sc.provisioner);
    } else if (className) {
      recorder.eventf(claim, 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "%s" not found', className);
    } else {
      recorder.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    }
    return { requeueAfterMs: CLAIM_RESYNC_MS };
  }

  async function syncClaim(key: string): Promise<ReconcileResult | void> {
    const claim = claims.store.getByKey(key);
    if (!claim || claim.metadata?.deletionTimestamp) return;
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) return syncUnboundClaim(claim);
    const pv = volumes.store.getByKey(volumeName);
    if (!pv) {
      if (claim.metadata?.annotations?.[ANN_BIND_COMPLETED] !== 'yes') {
        // Pre-bound by the user to a volume that does not exist (yet).
        await setClaimPhase(claim, 'Pending');
        recorder.eventf(claim, 'Warning', 'FailedBinding', 'volume "%s" not found', volumeName);
        return { requeueAfterMs: CLAIM_RESYNC_MS };
      }
      if (claim.status?.phase !== 'Lost') {
        await setClaimPhase(claim, 'Lost');
        recorder.event(claim, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      }
      return;
    }
    if (!pv.spec?.claimRef || isVolumeBoundToClaim(pv, claim)) return bind(pv, claim);
    if (claim.status?.phase !== 'Lost') {
      await setClaimPhase(claim, 'Lost');
      recorder.event(claim, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
    }
  }

  async function reclaim(pv: Readonly<PersistentVolume>): Promise<void> {
    switch (pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain') {
      case 'Retain':
        return;
      case 'Delete':
        if (pv.metadata?.annotations?.[ANN_PROVISIONED_BY] === HOST_PATH_PROVISIONER) {
          // The directory on the node is not removed: this controller never touches a node's disk.
          await volumeClient.delete(pv.metadata!.name!).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err; });
          logger.info({ volume: pv.metadata?.name }, 'deleted released volume');
          return;
        }
        await setVolumePhase(pv, 'Failed', 'error getting deleter volume plugin for volume "' + pv.metadata!.name + '": no deletable volume plugin matched');
        recorder.eventf(pv, 'Warning', 'VolumeFailedDelete', 'error getting deleter volume plugin for volume "%s": no deletable volume plugin matched', pv.metadata!.name);
        return;
      default:
        await setVolumePhase(pv, 'Failed', 'No recycler plugin found for the volume!');
        recorder.event(pv, 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
    }
  }

  async function syncVolume(name: string): Promise<ReconcileResult | void> {
    const pv = volumes.store.getByKey(name);
    if (!pv || pv.metadata?.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    if (!ref || !ref.uid) {
      // Unclaimed, or pre-bound by name to a claim that will bind it.
      if (pv.status?.phase !== 'Available') await setVolumePhase(pv, 'Available');
      return;
    }
    let claim = claims.store.getByKey(`${ref.namespace}/${ref.name}`);
    if (claim && claim.metadata?.uid !== ref.uid) claim = undefined;
    if (!claim) {
      // The cache may lag a fresh claim: ask the apiserver before releasing anything.
      try {
        const live = await claimClient.get(ref.name!, ref.namespace) as PersistentVolumeClaim;
        if (live.metadata?.uid === ref.uid) return { requeueAfterMs: 100 };
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
      if (pv.status?.phase === 'Failed') return;
      const released = await setVolumePhase(pv, 'Released');
      await reclaim(released);
      return;
    }
    if (!claim.spec?.volumeName) {
      queue.add(claimKey(claim));
      return;
    }
    if (claim.spec.volumeName === pv.metadata!.name) {
      if (pv.status?.phase !== 'Bound') await setVolumePhase(pv, 'Bound');
      return;
    }
    // The claim is bound to another volume: undo our half of a binding, or release a user's.
    if (pv.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER] === 'yes') {
      const copy = clone(pv);
      delete copy.spec!.claimRef;
      const annotations = { ...copy.metadata?.annotations };
      delete annotations[ANN_BOUND_BY_CONTROLLER];
      copy.metadata = { ...copy.metadata, annotations };
      const updated = await volumeClient.update(copy) as PersistentVolume;
      await setVolumePhase(updated, 'Available');
    } else {
      await reclaim(await setVolumePhase(pv, 'Released'));
    }
  }

  async function ensureDefaultStorageClass(): Promise<void> {
    if (defaultClass(classes.store.list())) return;
    try {
      await classClient.create(standardStorageClass());
      logger.info({ storageClass: 'standard' }, 'created the default StorageClass');
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    if (key.startsWith('claim:')) return syncClaim(key.slice('claim:'.length));
    if (key.startsWith('volume:')) return syncVolume(key.slice('volume:'.length));
  }

  return {
    reconcile,
    ensureDefaultStorageClass,
    async run() {
      if (!(await informersSynced(ctx))) return;
      await ensureDefaultStorageClass().catch((err: unknown) => logger.warn({ err: String(err) }, 'could not create the default StorageClass'));
      await runWorkers({ name: 'persistentvolume-binder', queue, reconcile, workers: 1, logger, signal: ctx.signal });
    },
  };
}

export const persistentVolumeBinderDescriptor: ControllerDescriptor = {
  name: 'persistentvolume-binder',
  start: (ctx) => createPersistentVolumeController(ctx, { hostPathDir: ctx.options.hostPathProvisionerDir }).run(),
};
