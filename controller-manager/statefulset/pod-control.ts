// The writes of the StatefulSet controller (upstream stateful_pod_control.go): create a pod after
// its claims, update a pod's identity/storage, delete a pod, each with upstream's event; and the
// owner references of claims per persistentVolumeClaimRetentionPolicy (claims are never deleted here:
// with `Delete` the garbage collector removes them after their owner).
import type { EventRecorder, KubeObject, Client, ReadonlyStore } from '../../client/index.js';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../../client/index.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../history/types.js';
import { claimOwnerUpToDate, hasStaleRef, retentionOwnerRefs, retentionPolicy } from './claim-retention.js';
import { claimsFor, identityMatches, ordinalOf, storageMatches, withIdentity, withStorage } from './identity.js';

export interface PodControl {
  createPod(set: Readonly<StatefulSet>, pod: Pod): Promise<void>;
  updatePod(set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void>;
  deletePod(set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void>;
  createMissingClaims(set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void>;
  /** Whether the pod's claims (as cached) carry the owner references the retention policy wants. */
  claimsMatchRetention(set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean;
  /** Rewrites the owner references of the pod's cached claims that do not match the policy. */
  updateClaimsForRetention(set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void>;
  /** whenScaled=Delete: a claim still owned by an earlier pod of this name (wait for its deletion). */
  claimIsStale(set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean;
}

const setRef = (set: Readonly<StatefulSet>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { ...set.metadata } } as KubeObject);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const title = (verb: string) => verb[0]!.toUpperCase() + verb.slice(1);

export function createPodControl(client: Client, claims: ReadonlyStore<PersistentVolumeClaim>, recorder: EventRecorder): PodControl {
  const podEvent = (verb: string, set: Readonly<StatefulSet>, pod: Readonly<Pod>, err?: unknown) => {
    if (err === undefined) {
      recorder.eventf(setRef(set), 'Normal', `Successful${title(verb)}`, '%s Pod %s in StatefulSet %s successful', verb, pod.metadata?.name, set.metadata?.name);
    } else {
      recorder.eventf(setRef(set), 'Warning', `Failed${title(verb)}`, '%s Pod %s in StatefulSet %s failed error: %s', verb, pod.metadata?.name, set.metadata?.name, message(err));
    }
  };
  const claimEvent = (verb: string, set: Readonly<StatefulSet>, pod: Readonly<Pod>, claim: Readonly<PersistentVolumeClaim>, err?: unknown) => {
    if (err === undefined) {
      recorder.eventf(setRef(set), 'Normal', `Successful${title(verb)}`, '%s Claim %s Pod %s in StatefulSet %s success', verb, claim.metadata?.name, pod.metadata?.name, set.metadata?.name);
    } else {
      recorder.eventf(setRef(set), 'Warning', `Failed${title(verb)}`, '%s Claim %s for Pod %s in StatefulSet %s failed error: %s', verb, claim.metadata?.name, pod.metadata?.name, set.metadata?.name, message(err));
    }
  };

  /** upstream createPersistentVolumeClaims: every missing claim is created; one being deleted is an error. */
  async function createMissingClaims(set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void> {
    const errors: string[] = [];
    const pvcs = client.resource('persistentvolumeclaims', set.metadata?.namespace);
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = claims.getByKey(`${set.metadata?.namespace}/${claim.metadata?.name}`);
      if (existing) {
        if (existing.metadata?.deletionTimestamp) errors.push(`pvc ${claim.metadata?.name} is being deleted`);
        continue;
      }
      try {
        await pvcs.create(claim);
        claimEvent('create', set, pod, claim);
      } catch (err) {
        if (err instanceof AlreadyExistsError) continue;
        claimEvent('create', set, pod, claim, err);
        errors.push(`failed to create PVC ${claim.metadata?.name}: ${message(err)}`);
      }
    }
    if (errors.length) throw new Error(errors.join('; '));
  }

  const cachedClaims = (set: Readonly<StatefulSet>, pod: Readonly<Pod>) => [...claimsFor(set, ordinalOf(pod)).values()]
    .map((c) => claims.getByKey(`${set.metadata?.namespace}/${c.metadata?.name}`))
    .filter((c): c is Readonly<PersistentVolumeClaim> => c !== undefined);

  async function updateClaimsForRetention(set: Readonly<StatefulSet>, pod: Readonly<Pod>): Promise<void> {
    for (const claim of cachedClaims(set, pod)) {
      if (claimOwnerUpToDate(claim, set, pod)) continue;
      const ownerReferences = retentionOwnerRefs(claim, set, pod);
      const updated = { ...structuredClone(claim), metadata: { ...structuredClone(claim.metadata), ownerReferences } } as PersistentVolumeClaim;
      try {
        await client.resource('persistentvolumeclaims', set.metadata?.namespace).update(updated);
      } catch (err) {
        if (err instanceof NotFoundError) continue;
        claimEvent('update', set, pod, claim, err);
        throw err;
      }
    }
  }

  return {
    createMissingClaims,
    updateClaimsForRetention,
    claimsMatchRetention: (set, pod) => cachedClaims(set, pod).every((claim) => claimOwnerUpToDate(claim, set, pod)),
    claimIsStale(set, pod) {
      if (retentionPolicy(set).whenScaled === 'Retain') return false;
      return cachedClaims(set, pod).some((claim) => hasStaleRef(claim, pod, { apiVersion: 'v1', kind: 'Pod' }));
    },
    async createPod(set, pod) {
      await createMissingClaims(set, pod);
      try {
        const created = (await client.resource('pods', set.metadata?.namespace).create(pod)) as Pod;
        podEvent('create', set, pod);
        // Set the claims' owners as far as the cache allows; later syncs finish it.
        await updateClaimsForRetention(set, created);
      } catch (err) {
        // Already there: the cache is behind; the next sync sees it.
        if (err instanceof AlreadyExistsError) return;
        podEvent('create', set, pod, err);
        throw err;
      }
    },
    async updatePod(set, pod) {
      const pods = client.resource('pods', set.metadata?.namespace);
      let current = structuredClone(pod) as Pod;
      for (let attempt = 0; ; attempt++) {
        const ordinal = ordinalOf(current);
        let changed = false;
        if (!identityMatches(set, current)) { current = withIdentity(set, current, ordinal); changed = true; }
        if (!storageMatches(set, current)) { current = withStorage(set, current, ordinal); await createMissingClaims(set, current); changed = true; }
        if (!changed) return;
        try {
          await pods.update(current);
          podEvent('update', set, current);
          return;
        } catch (err) {
          if (!(err instanceof ConflictError) || attempt >= 4) { podEvent('update', set, current, err); throw err; }
          current = (await pods.get(current.metadata!.name!)) as Pod;
        }
      }
    },
    async deletePod(set, pod) {
      try {
        await client.resource('pods', set.metadata?.namespace).delete(pod.metadata!.name!);
        podEvent('delete', set, pod);
      } catch (err) {
        if (err instanceof NotFoundError) return;
        podEvent('delete', set, pod, err);
        throw err;
      }
    },
  };
}
