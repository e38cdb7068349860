// Pure: the PersistentVolume the k8ts.io/host-path provisioner makes for a claim (like
// rancher's local-path): a hostPath directory named after the PV under the provisioner's
// directory, pinned to the claim's selected node. Creates nothing itself; never touches a disk.
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.js';

export const HOST_PATH_PROVISIONER = 'k8ts.io/host-path';
export const DEFAULT_HOST_PATH_DIR = '/var/lib/k8ts/volumes';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';

/** The name upstream gives provisioned volumes. */
export function provisionedVolumeName(claim: Readonly<PersistentVolumeClaim>): string {
  return `pvc-${claim.metadata!.uid}`;
}

export function claimReference(claim: Readonly<PersistentVolumeClaim>) {
  return {
    kind: 'PersistentVolumeClaim', apiVersion: 'v1',
    namespace: claim.metadata!.namespace, name: claim.metadata!.name, uid: claim.metadata!.uid,
    resourceVersion: claim.metadata!.resourceVersion,
  };
}

export function hostPathVolumeFor(claim: Readonly<PersistentVolumeClaim>, sc: Readonly<StorageClass>, dir: string, node?: { name: string; hostname: string }): PersistentVolume {
  const name = provisionedVolumeName(claim);
  const pv: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: HOST_PATH_PROVISIONER, [ANN_BOUND_BY_CONTROLLER]: 'yes' } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '0' },
      accessModes: [...(claim.spec?.accessModes ?? ['ReadWriteOnce'])],
      persistentVolumeReclaimPolicy: (sc.reclaimPolicy as 'Delete' | 'Retain' | undefined) ?? 'Delete',
      storageClassName: sc.metadata!.name,
      volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
      hostPath: { path: `${dir.replace(/\/+$/, '')}/${name}`, type: 'DirectoryOrCreate' },
      claimRef: claimReference(claim),
    },
  };
  if (sc.mountOptions?.length) pv.spec!.mountOptions = [...sc.mountOptions];
  if (node) {
    pv.spec!.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node.hostname] }] }] } };
  }
  return pv;
}

/** The default StorageClass this controller creates when the cluster has none. */
export function standardStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: HOST_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}
