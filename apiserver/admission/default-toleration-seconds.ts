// Admission plugin DefaultTolerationSeconds: a pod that does not tolerate the not-ready and
// unreachable NoExecute taints gets tolerations for them with tolerationSeconds 300, so the node
// lifecycle evicts it five minutes after its node fails, as upstream. Pods only; never removes.
import type { AdmissionPlugin } from './types.js';

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** upstream --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds. */
export const DEFAULT_TOLERATION_SECONDS = 300;

export const defaultTolerationSeconds: AdmissionPlugin = {
  name: 'DefaultTolerationSeconds',
  admit(attrs) {
    if (attrs.resource.group !== '' || attrs.resource.plural !== 'pods' || attrs.subresource !== '') return;
    const spec = (attrs.object.spec ??= {});
    const tolerations: any[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    const tolerates = (key: string) =>
      tolerations.some((t) => (t?.key === key || !t?.key) && (t?.effect === 'NoExecute' || !t?.effect));
    const added: any[] = [];
    if (!tolerates(TAINT_NODE_NOT_READY)) added.push({ key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    if (!tolerates(TAINT_NODE_UNREACHABLE)) added.push({ key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    if (added.length) spec.tolerations = [...tolerations, ...added];
  },
};
