// Defaulting of core/v1 objects, after upstream's pkg/apis/core/v1/defaults.go and +default tags.
// Only fills absent fields; never validates, never allocates (cluster IPs, node ports: the registry).

import { child, isObj, objects, setDefault, type Obj } from './util.js';

/** ParseImageName's tag: `latest` when neither tag nor digest is given. */
export function imageTag(image: string): string {
  let rest = image;
  const at = rest.indexOf('@');
  const hasDigest = at >= 0;
  if (hasDigest) rest = rest.slice(0, at);
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return rest.slice(colon + 1);
  return hasDigest ? '' : 'latest';
}

function defaultHTTPGet(h: unknown): void {
  if (!isObj(h)) return;
  setDefault(h, 'path', '/');
  setDefault(h, 'scheme', 'HTTP');
}

function defaultHandler(h: unknown): void {
  if (isObj(h)) defaultHTTPGet(h.httpGet);
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  defaultHandler(p);
}

function defaultContainer(c: Obj, hostNetwork: boolean): void {
  if (typeof c.image === 'string' && c.imagePullPolicy == null) {
    c.imagePullPolicy = imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  for (const port of objects(c.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (hostNetwork && port.hostPort == null) port.hostPort = port.containerPort;
  }
  child(c, 'resources');
  for (const e of objects(c.env)) {
    if (isObj(e.valueFrom) && isObj(e.valueFrom.fieldRef)) setDefault(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function defaultFieldRefs(items: unknown): void {
  for (const it of objects(items)) if (isObj(it.fieldRef)) setDefault(it.fieldRef, 'apiVersion', 'v1');
}

function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCES.some((s) => v[s] != null)) v.emptyDir = {};
  if (isObj(v.secret)) setDefault(v.secret, 'defaultMode', 0o644);
  if (isObj(v.configMap)) setDefault(v.configMap, 'defaultMode', 0o644);
  if (isObj(v.downwardAPI)) {
    setDefault(v.downwardAPI, 'defaultMode', 0o644);
    defaultFieldRefs(v.downwardAPI.items);
  }
  if (isObj(v.hostPath)) setDefault(v.hostPath, 'type', '');
  if (isObj(v.projected)) {
    setDefault(v.projected, 'defaultMode', 0o644);
    for (const s of objects(v.projected.sources)) {
      if (isObj(s.serviceAccountToken)) setDefault(s.serviceAccountToken, 'expirationSeconds', 3600);
      if (isObj(s.downwardAPI)) defaultFieldRefs(s.downwardAPI.items);
    }
  }
  if (isObj(v.iscsi)) setDefault(v.iscsi, 'iscsiInterface', 'default');
  if (isObj(v.rbd)) {
    setDefault(v.rbd, 'pool', 'rbd');
    setDefault(v.rbd, 'user', 'admin');
    setDefault(v.rbd, 'keyring', '/etc/ceph/keyring');
  }
  if (isObj(v.azureDisk)) {
    setDefault(v.azureDisk, 'cachingMode', 'ReadWrite');
    setDefault(v.azureDisk, 'fsType', 'ext4');
    setDefault(v.azureDisk, 'readOnly', false);
    setDefault(v.azureDisk, 'kind', 'Shared');
  }
}

/** SetDefaults_PodSpec and the defaults of everything inside a pod spec (also for templates). */
export function defaultPodSpec(spec: unknown): void {
  if (!isObj(spec)) return;
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  const hostNetwork = spec.hostNetwork === true;
  for (const c of objects(spec.containers)) defaultContainer(c, hostNetwork);
  for (const c of objects(spec.initContainers)) defaultContainer(c, hostNetwork);
  for (const c of objects(spec.ephemeralContainers)) defaultContainer(c, false);
  for (const v of objects(spec.volumes)) defaultVolume(v);
}

/** A PodTemplateSpec inside a workload: the pod spec defaults only (no SetDefaults_Pod). */
export function defaultPodTemplate(template: unknown): void {
  if (!isObj(template)) return;
  defaultPodSpec(template.spec);
}

/** Requests default to limits for every resource that has a limit but no request. */
function defaultRequestsFromLimits(c: Obj): void {
  const res = c.resources;
  if (!isObj(res) || !isObj(res.limits)) return;
  if (res.requests != null && !isObj(res.requests)) return;
  const requests: Obj = res.requests ?? {};
  for (const [k, v] of Object.entries(res.limits)) if (requests[k] == null) requests[k] = v;
  if (Object.keys(requests).length > 0) res.requests = requests;
}

function defaultPod(pod: Obj): void {
  const spec = pod.spec;
  defaultPodSpec(spec);
  if (!isObj(spec)) return;
  for (const c of objects(spec.containers)) defaultRequestsFromLimits(c);
  for (const c of objects(spec.initContainers)) defaultRequestsFromLimits(c);
  setDefault(spec, 'enableServiceLinks', true);
  // Upstream's Priority admission plugin sets this for pods; k8ts does it here, pods only.
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
}

function defaultService(svc: Obj): void {
  const spec = child(svc, 'spec');
  if (!spec) return;
  setDefault(spec, 'sessionAffinity', 'None');
  setDefault(spec, 'type', 'ClusterIP');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = child(spec, 'sessionAffinityConfig');
    const cip = cfg && child(cfg, 'clientIP');
    if (cip) setDefault(cip, 'timeoutSeconds', 10800);
  }
  for (const p of objects(spec.ports)) {
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort == null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && spec.externalTrafficPolicy == null) {
    spec.externalTrafficPolicy = 'Cluster';
  }
  if (spec.type !== 'ExternalName') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
}

function defaultNamespace(ns: Obj): void {
  // The finalizer is upstream's namespace strategy (PrepareForCreate); status phase is defaults.go.
  const spec = child(ns, 'spec');
  if (spec) setDefault(spec, 'finalizers', ['kubernetes']);
  const status = child(ns, 'status');
  if (status) setDefault(status, 'phase', 'Active');
}

function defaultNode(node: Obj): void {
  const status = node.status;
  if (isObj(status) && isObj(status.capacity) && status.allocatable == null) status.allocatable = { ...status.capacity };
}

function defaultPV(pv: Obj): void {
  const spec = child(pv, 'spec');
  if (spec) {
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
  }
  const status = child(pv, 'status');
  if (status) setDefault(status, 'phase', 'Pending');
}

function defaultPVC(pvc: Obj): void {
  const spec = child(pvc, 'spec');
  if (spec) setDefault(spec, 'volumeMode', 'Filesystem');
  const status = child(pvc, 'status');
  if (status) setDefault(status, 'phase', 'Pending');
}

function defaultEndpoints(ep: Obj): void {
  for (const subset of objects(ep.subsets)) for (const p of objects(subset.ports)) setDefault(p, 'protocol', 'TCP');
}

function defaultLimitRange(lr: Obj): void {
  if (!isObj(lr.spec)) return;
  for (const item of objects(lr.spec.limits)) {
    if (item.type !== 'Container') continue;
    // SetDefaults_LimitRangeItem: default <- max, defaultRequest <- default (per resource).
    if (isObj(item.max)) {
      const def = child(item, 'default');
      if (def) for (const [k, v] of Object.entries(item.max)) setDefault(def, k, v);
    }
    if (isObj(item.default)) {
      const req = child(item, 'defaultRequest');
      if (req) for (const [k, v] of Object.entries(item.default)) setDefault(req, k, v);
    }
  }
}

export const CORE_DEFAULTERS: Record<string, (obj: Obj) => void> = {
  Pod: defaultPod,
  PodTemplate: (o) => defaultPodTemplate(o.template),
  ReplicationController: (o) => {
    if (isObj(o.spec)) {
      setDefault(o.spec, 'replicas', 1);
      defaultPodTemplate(o.spec.template);
    }
  },
  Service: defaultService,
  Namespace: defaultNamespace,
  Secret: (o) => setDefault(o, 'type', 'Opaque'),
  Node: defaultNode,
  PersistentVolume: defaultPV,
  PersistentVolumeClaim: defaultPVC,
  Endpoints: defaultEndpoints,
  LimitRange: defaultLimitRange,
};
