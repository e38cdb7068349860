// The pod a DaemonSet creates for a node (upstream util.CreatePodTemplate + GetPodFromTemplate +
// ReplaceDaemonSetPodNodeNameNodeAffinity): its template with the daemon tolerations, the revision
// hash label and a required `metadata.name In [node]` term, so the scheduler places it. Pure.
import type { DaemonSet, Pod } from '../history/types.js';
import { controllerRef, POD_REVISION_LABEL } from '../history/revisions.js';
import { pinToNode } from './node-affinity.js';
import { withDaemonTolerations } from './tolerations.js';

export function newDaemonPod(ds: Readonly<DaemonSet>, nodeName: string, hash: string): Pod {
  const template = structuredClone(ds.spec?.template ?? {});
  const spec = template.spec ?? { containers: [] };
  spec.tolerations = withDaemonTolerations(spec);
  spec.affinity = pinToNode(spec.affinity, nodeName);
  const labels = { ...(template.metadata?.labels ?? {}) };
  if (hash) labels[POD_REVISION_LABEL] = hash;
  const metadata: Pod['metadata'] = {
    generateName: `${ds.metadata?.name}-`,
    namespace: ds.metadata?.namespace,
    labels,
    ownerReferences: [controllerRef(ds, 'DaemonSet')],
  };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  if (template.metadata?.finalizers) metadata.finalizers = [...template.metadata.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}
