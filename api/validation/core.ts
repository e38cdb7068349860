// Validation of core/v1 kinds as upstream's pkg/apis/core/validation: Pod, Service, ConfigMap, Secret,
// Namespace, Node, Event, Endpoints, PV/PVC, ServiceAccount, LimitRange, ResourceQuota. No I/O.

import { field } from '../errors.js';
import type { KindValidator } from './kinds.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, validateLabels } from './names.js';
import { validatePodSpec, validatePodSpecUpdate } from './pod.js';
import { validateResourceList } from './quantities.js';
import {
  PORT_RANGE_MSG,
  arr,
  bool,
  deepEqual,
  diffPaths,
  immutable,
  int,
  isObj,
  isValidPortNum,
  items,
  nonNegative,
  obj,
  oneOf,
  str,
  typeErr,
  validatePortNumOrName,
  type Errs,
  type Obj,
} from './util.js';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
/** core.MaxSecretSize, also the ConfigMap limit. */
export const MAX_SECRET_SIZE = 1024 * 1024;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

// ---- Pod ----

const pod: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    validatePodSpec(o.spec, 'spec', errs);
  },
  update(n, o, errs) {
    validatePodSpecUpdate(n.spec, o.spec, errs);
  },
};

// ---- Service ----

function isIP(s: string): boolean {
  const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  return v4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

function validateService(o: Obj, errs: Errs): void {
  const spec = obj(o.spec, 'spec', errs) ?? {};
  const type = oneOf(spec.type, 'spec.type', SERVICE_TYPES, errs) ?? 'ClusterIP';
  const clusterIP = str(spec.clusterIP, 'spec.clusterIP', errs) ?? '';
  const headless = clusterIP === 'None';
  if (clusterIP !== '' && !headless && !isIP(clusterIP)) {
    errs.push(field.invalid('spec.clusterIP', clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  }
  if (type === 'ExternalName') {
    if (clusterIP !== '') errs.push(field.forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
    const en = str(spec.externalName, 'spec.externalName', errs) ?? '';
    if (en === '') errs.push(field.required('spec.externalName', ''));
    else for (const m of isDNS1123Subdomain(en.endsWith('.') ? en.slice(0, -1) : en)) errs.push(field.invalid('spec.externalName', en, m));
  }
  const ports = items(spec.ports, 'spec.ports', errs);
  if (ports.length === 0 && !headless && type !== 'ExternalName' && (spec.ports === undefined || spec.ports === null || Array.isArray(spec.ports))) {
    errs.push(field.required('spec.ports', ''));
  }
  const names = new Set<string>();
  const keys = new Set<string>();
  const nodePorts = new Set<string>();
  for (const [port, p] of ports) {
    const name = str(port.name, `${p}.name`, errs) ?? '';
    if (ports.length > 1 && name === '') errs.push(field.required(`${p}.name`, ''));
    if (name !== '') {
      for (const m of isDNS1123Label(name)) errs.push(field.invalid(`${p}.name`, name, m));
      if (names.has(name)) errs.push(field.duplicate(`${p}.name`, name));
      names.add(name);
    }
    const num = int(port.port, `${p}.port`, errs);
    if (num === undefined) {
      if (port.port === undefined || port.port === null) errs.push(field.invalid(`${p}.port`, 0, PORT_RANGE_MSG));
    } else if (!isValidPortNum(num)) {
      errs.push(field.invalid(`${p}.port`, num, PORT_RANGE_MSG));
    }
    const protocol = oneOf(port.protocol, `${p}.protocol`, PROTOCOLS, errs) ?? 'TCP';
    const key = `${num}/${protocol}`;
    if (num !== undefined) {
      if (keys.has(key)) errs.push(field.duplicate(p, { port: num, protocol }));
      keys.add(key);
    }
    if (port.targetPort !== undefined && port.targetPort !== null && port.targetPort !== 0 && port.targetPort !== '') {
      validatePortNumOrName(port.targetPort, `${p}.targetPort`, errs);
    }
    const np = int(port.nodePort, `${p}.nodePort`, errs);
    if (np !== undefined && np !== 0) {
      if (type === 'ClusterIP') errs.push(field.forbidden(`${p}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else if (type === 'ExternalName') errs.push(field.forbidden(`${p}.nodePort`, "may not be used when `type` is 'ExternalName'"));
      else if (np < NODE_PORT_MIN || np > NODE_PORT_MAX) {
        errs.push(field.invalid(`${p}.nodePort`, np, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`));
      } else {
        const npKey = `${np}/${protocol}`;
        if (nodePorts.has(npKey)) errs.push(field.duplicate(`${p}.nodePort`, np));
        nodePorts.add(npKey);
      }
    }
    const ap = str(port.appProtocol, `${p}.appProtocol`, errs);
    if (ap !== undefined && ap !== '') for (const m of isQualifiedName(ap)) errs.push(field.invalid(`${p}.appProtocol`, ap, m));
  }
  if (type !== 'ExternalName') errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = oneOf(spec.sessionAffinity, 'spec.sessionAffinity', ['ClientIP', 'None'], errs);
  const cfg = obj(spec.sessionAffinityConfig, 'spec.sessionAffinityConfig', errs);
  if (cfg && affinity !== 'ClientIP') {
    errs.push(field.invalid('spec.sessionAffinityConfig', cfg, `must not be set when session affinity is ${affinity ?? 'None'}`));
  }
  if (cfg) {
    const cip = obj(cfg.clientIP, 'spec.sessionAffinityConfig.clientIP', errs);
    const t = cip ? int(cip.timeoutSeconds, 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', errs) : undefined;
    if (t !== undefined && (t <= 0 || t > 86400)) {
      errs.push(field.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
    }
  }
  const etp = oneOf(spec.externalTrafficPolicy, 'spec.externalTrafficPolicy', ['Cluster', 'Local'], errs);
  if (etp !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') {
    errs.push(field.invalid('spec.externalTrafficPolicy', etp, 'may only be set when `type` is \'NodePort\' or \'LoadBalancer\''));
  }
  oneOf(spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', ['Cluster', 'Local'], errs);
  oneOf(spec.ipFamilyPolicy, 'spec.ipFamilyPolicy', ['SingleStack', 'PreferDualStack', 'RequireDualStack'], errs);
  arr(spec.ipFamilies, 'spec.ipFamilies', errs).forEach((f, i) => oneOf(f, `spec.ipFamilies[${i}]`, ['IPv4', 'IPv6'], errs));
  arr(spec.externalIPs, 'spec.externalIPs', errs).forEach((ip, i) => {
    const s = str(ip, `spec.externalIPs[${i}]`, errs);
    if (s !== undefined && !isIP(s)) errs.push(field.invalid(`spec.externalIPs[${i}]`, s, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  bool(spec.publishNotReadyAddresses, 'spec.publishNotReadyAddresses', errs);
}

const service: KindValidator = {
  name: '1035',
  validate: validateService,
  update(n, o, errs) {
    const ns = isObj(n.spec) ? n.spec : {};
    const os = isObj(o.spec) ? o.spec : {};
    // The cluster IP stays once allocated, except when switching to or from ExternalName.
    if (ns.type !== 'ExternalName' && os.type !== 'ExternalName') {
      const oldIP = typeof os.clusterIP === 'string' ? os.clusterIP : '';
      const newIP = ns.clusterIP;
      if (oldIP !== '' && newIP !== undefined && newIP !== null && newIP !== oldIP) {
        errs.push(field.invalid('spec.clusterIP', newIP, 'field is immutable'));
      }
    }
  },
};

// ---- ConfigMap / Secret ----

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** validation.IsConfigMapKey. */
export function isConfigMapKey(k: string): string[] {
  const errs: string[] = [];
  if (k.length > 253) errs.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(k)) {
    errs.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  }
  if (k === '.') errs.push("must not be '.'");
  else if (k === '..') errs.push("must not be '..'");
  else if (k.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** Validates the keys of `data`/`binaryData`/`stringData`; returns the total size in bytes. */
function validateDataMap(v: unknown, path: string, binary: boolean, errs: Errs, seen: Set<string>, dupPath?: string): number {
  const o = obj(v, path, errs);
  if (!o) return 0;
  let size = 0;
  for (const [k, val] of Object.entries(o)) {
    const p = `${path}[${k}]`;
    for (const m of isConfigMapKey(k)) errs.push(field.invalid(p, k, m));
    if (dupPath !== undefined && seen.has(k)) errs.push(field.invalid(p, k, dupPath));
    seen.add(k);
    if (typeof val !== 'string') {
      errs.push(typeErr(p, val, 'string'));
      continue;
    }
    size += binary ? Buffer.from(val, 'base64').length : Buffer.byteLength(val, 'utf8');
  }
  return size;
}

const configMap: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const seen = new Set<string>();
    let size = validateDataMap(o.data, 'data', false, errs, seen);
    size += validateDataMap(o.binaryData, 'binaryData', true, errs, seen, 'duplicate of key present in data');
    if (size > MAX_SECRET_SIZE) errs.push(field.tooLong('', MAX_SECRET_SIZE));
    bool(o.immutable, 'immutable', errs);
  },
  update: immutableData('data', 'binaryData'),
};

function immutableData(...fields: string[]): (n: Obj, o: Obj, errs: Errs) => void {
  return (n, o, errs) => {
    if (o.immutable !== true) return;
    if (n.immutable !== true) errs.push(field.forbidden('immutable', 'field is immutable when `immutable` is set'));
    for (const f of fields) {
      if (!deepEqual(n[f], o[f])) errs.push(field.forbidden(f, 'field is immutable when `immutable` is set'));
    }
  };
}

const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

const secret: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const seen = new Set<string>();
    const size = validateDataMap(o.data, 'data', true, errs, seen);
    validateDataMap(o.stringData, 'stringData', false, errs, new Set());
    if (size > MAX_SECRET_SIZE) errs.push(field.tooLong('data', MAX_SECRET_SIZE));
    const type = str(o.type, 'type', errs) ?? 'Opaque';
    const data = isObj(o.data) ? o.data : {};
    const stringData = isObj(o.stringData) ? o.stringData : {};
    const has = (k: string) => k in data || k in stringData;
    for (const k of SECRET_REQUIRED_KEYS[type] ?? []) if (!has(k)) errs.push(field.required(`data[${k}]`, ''));
    if (type === 'kubernetes.io/basic-auth' && !has('username') && !has('password')) {
      errs.push(field.required('data[username]', ''), field.required('data[password]', ''));
    }
    if (type === 'kubernetes.io/service-account-token') {
      const ann = isObj(o.metadata) && isObj(o.metadata.annotations) ? o.metadata.annotations : {};
      if (!ann['kubernetes.io/service-account.name']) errs.push(field.required('metadata.annotations[kubernetes.io/service-account.name]', ''));
    }
    bool(o.immutable, 'immutable', errs);
  },
  update(n, o, errs) {
    immutable(n.type ?? 'Opaque', o.type ?? 'Opaque', 'type', errs);
    immutableData('data')(n, o, errs);
  },
};

// ---- Namespace ----

function validateKubeFinalizers(v: unknown, path: string, errs: Errs): void {
  arr(v, path, errs).forEach((f, i) => {
    const s = str(f, `${path}[${i}]`, errs);
    if (s === undefined) return;
    for (const m of isQualifiedName(s)) errs.push(field.invalid(path, s, m));
    if (!s.includes('/') && !STANDARD_FINALIZERS.includes(s)) {
      errs.push(field.invalid(path, s, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
}

const namespace: KindValidator = {
  name: 'label',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs);
    if (spec) validateKubeFinalizers(spec.finalizers, 'spec.finalizers', errs);
    const status = obj(o.status, 'status', errs);
    if (status) oneOf(status.phase, 'status.phase', ['Active', 'Terminating'], errs);
  },
};

// ---- Node ----

function isCIDR(s: string): boolean {
  const i = s.indexOf('/');
  if (i < 0) return false;
  const bits = Number(s.slice(i + 1));
  const ip = s.slice(0, i);
  return isIP(ip) && Number.isInteger(bits) && bits >= 0 && bits <= (ip.includes(':') ? 128 : 32) && s.slice(i + 1) !== '';
}

const node: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    const cidr = str(spec.podCIDR, 'spec.podCIDR', errs);
    if (cidr !== undefined && cidr !== '' && !isCIDR(cidr)) errs.push(field.invalid('spec.podCIDR', cidr, 'must be a valid CIDR'));
    arr(spec.podCIDRs, 'spec.podCIDRs', errs).forEach((c, i) => {
      const s = str(c, `spec.podCIDRs[${i}]`, errs);
      if (s !== undefined && !isCIDR(s)) errs.push(field.invalid(`spec.podCIDRs[${i}]`, s, 'must be a valid CIDR'));
    });
    const keys = new Set<string>();
    for (const [t, p] of items(spec.taints, 'spec.taints', errs)) {
      const key = str(t.key, `${p}.key`, errs) ?? '';
      if (key === '') errs.push(field.required(`${p}.key`, ''));
      else for (const m of isQualifiedName(key)) errs.push(field.invalid(`${p}.key`, key, m));
      const effect = str(t.effect, `${p}.effect`, errs) ?? '';
      if (effect === '') errs.push(field.required(`${p}.effect`, ''));
      else if (!TAINT_EFFECTS.includes(effect)) errs.push(field.notSupported(`${p}.effect`, effect, TAINT_EFFECTS));
      const k = `${key}:${effect}`;
      if (keys.has(k)) errs.push(field.duplicate(p, t));
      keys.add(k);
    }
    bool(spec.unschedulable, 'spec.unschedulable', errs);
  },
  update(n, o, errs) {
    const ns = isObj(n.spec) ? n.spec : {};
    const os = isObj(o.spec) ? o.spec : {};
    const oldCIDRs = Array.isArray(os.podCIDRs) ? os.podCIDRs : [];
    if (oldCIDRs.length > 0 && !deepEqual(ns.podCIDRs, os.podCIDRs)) {
      errs.push(field.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
    }
    if (typeof os.providerID === 'string' && os.providerID !== '' && ns.providerID !== os.providerID) {
      errs.push(field.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
    }
  },
};

// ---- Event ----

const event: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const io = obj(o.involvedObject, 'involvedObject', errs) ?? {};
    const ns = str(io.namespace, 'involvedObject.namespace', errs) ?? '';
    const eventNs = isObj(o.metadata) && typeof o.metadata.namespace === 'string' ? o.metadata.namespace : '';
    if (ns !== '' && ns !== eventNs) errs.push(field.invalid('involvedObject.namespace', ns, 'does not match event.namespace'));
    oneOf(o.type, 'type', ['Normal', 'Warning'], errs);
    nonNegative(o.count, 'count', errs);
  },
};

// ---- Endpoints ----

const endpoints: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    for (const [subset, p] of items(o.subsets, 'subsets', errs)) {
      const addrs = items(subset.addresses, `${p}.addresses`, errs);
      const notReady = items(subset.notReadyAddresses, `${p}.notReadyAddresses`, errs);
      if (addrs.length === 0 && notReady.length === 0) errs.push(field.required(p, 'must specify `addresses` or `notReadyAddresses`'));
      for (const [a, ap] of [...addrs, ...notReady]) {
        const ip = str(a.ip, `${ap}.ip`, errs) ?? '';
        if (!isIP(ip)) errs.push(field.invalid(`${ap}.ip`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
      }
      const ports = items(subset.ports, `${p}.ports`, errs);
      for (const [port, pp] of ports) {
        const name = str(port.name, `${pp}.name`, errs) ?? '';
        if (ports.length > 1 && name === '') errs.push(field.required(`${pp}.name`, ''));
        else if (name !== '') for (const m of isDNS1123Label(name)) errs.push(field.invalid(`${pp}.name`, name, m));
        const num = int(port.port, `${pp}.port`, errs) ?? 0;
        if (!isValidPortNum(num)) errs.push(field.invalid(`${pp}.port`, num, PORT_RANGE_MSG));
        oneOf(port.protocol, `${pp}.protocol`, PROTOCOLS, errs);
      }
    }
  },
};

// ---- PersistentVolume / PersistentVolumeClaim ----

function accessModes(v: unknown, path: string, errs: Errs): void {
  const list = arr(v, path, errs);
  if (list.length === 0) errs.push(field.required(path, ''));
  list.forEach((m, i) => oneOf(m, `${path}[${i}]`, ACCESS_MODES, errs));
}

const persistentVolume: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    accessModes(spec.accessModes, 'spec.accessModes', errs);
    const cap = validateResourceList(spec.capacity, 'spec.capacity', errs);
    if (!cap.has('storage')) errs.push(field.required('spec.capacity', ''));
    oneOf(spec.persistentVolumeReclaimPolicy, 'spec.persistentVolumeReclaimPolicy', ['Recycle', 'Delete', 'Retain'], errs);
    oneOf(spec.volumeMode, 'spec.volumeMode', ['Block', 'Filesystem'], errs);
    const sources = ['hostPath', 'nfs', 'local', 'csi', 'iscsi', 'fc', 'rbd', 'cephfs', 'glusterfs', 'gcePersistentDisk', 'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cinder', 'flexVolume', 'vsphereVolume', 'portworxVolume', 'scaleIO', 'storageos', 'quobyte', 'photonPersistentDisk', 'flocker'];
    const present = sources.filter((s) => spec[s] !== undefined && spec[s] !== null);
    if (present.length === 0) errs.push(field.required('spec', 'must specify a volume type'));
    for (const extra of present.slice(1)) errs.push(field.forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
    const hp = obj(spec.hostPath, 'spec.hostPath', errs);
    if (hp && (typeof hp.path !== 'string' || hp.path === '')) errs.push(field.required('spec.hostPath.path', ''));
  },
  update(n, o, errs) {
    const ns = isObj(n.spec) ? n.spec : {};
    const os = isObj(o.spec) ? o.spec : {};
    if (os.volumeMode !== undefined) immutable(ns.volumeMode, os.volumeMode, 'spec.volumeMode', errs);
  },
};

const persistentVolumeClaim: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    const modes = arr(spec.accessModes, 'spec.accessModes', errs);
    if (modes.length === 0) errs.push(field.required('spec.accessModes', 'at least 1 access mode is required'));
    modes.forEach((m, i) => oneOf(m, `spec.accessModes[${i}]`, ACCESS_MODES, errs));
    const res = obj(spec.resources, 'spec.resources', errs) ?? {};
    const requests = validateResourceList(res.requests, 'spec.resources.requests', errs);
    validateResourceList(res.limits, 'spec.resources.limits', errs);
    if (!requests.has('storage') && !(isObj(res.requests) && 'storage' in res.requests)) {
      errs.push(field.required('spec.resources[storage]', ''));
    }
    oneOf(spec.volumeMode, 'spec.volumeMode', ['Block', 'Filesystem'], errs);
    str(spec.storageClassName, 'spec.storageClassName', errs);
    str(spec.volumeName, 'spec.volumeName', errs);
  },
  update(n, o, errs) {
    const ns = isObj(n.spec) ? structuredClone(n.spec) : {};
    const os = isObj(o.spec) ? o.spec : {};
    // Only requests may grow, and a volumeName / storageClassName may be set once.
    if (isObj(ns.resources) && isObj(os.resources)) ns.resources = { ...ns.resources, requests: os.resources.requests };
    if (!os.volumeName) ns.volumeName = os.volumeName;
    if (os.storageClassName === undefined || os.storageClassName === null) ns.storageClassName = os.storageClassName;
    if (!deepEqual(ns, os)) {
      const changed = diffPaths(os, ns, 'spec');
      errs.push(field.forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  changed: ${changed.join(', ')}`));
    }
  },
};

// ---- small kinds ----

const serviceAccount: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    bool(o.automountServiceAccountToken, 'automountServiceAccountToken', errs);
    for (const [ref, p] of items(o.secrets, 'secrets', errs)) str(ref.name, `${p}.name`, errs);
  },
};

const limitRange: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    for (const [item, p] of items(spec.limits, 'spec.limits', errs)) {
      oneOf(item.type, `${p}.type`, ['Pod', 'Container', 'PersistentVolumeClaim'], errs);
      for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) validateResourceList(item[k], `${p}.${k}`, errs);
    }
  },
};

const resourceQuota: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    validateResourceList(spec.hard, 'spec.hard', errs);
    arr(spec.scopes, 'spec.scopes', errs).forEach((s, i) => str(s, `spec.scopes[${i}]`, errs));
  },
};

const podTemplate: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const t = obj(o.template, 'template', errs) ?? {};
    validatePodSpec(t.spec, 'template.spec', errs);
  },
};

export const CORE_VALIDATORS: Record<string, KindValidator> = {
  Pod: pod,
  Service: service,
  ConfigMap: configMap,
  Secret: secret,
  Namespace: namespace,
  Node: node,
  Event: event,
  Endpoints: endpoints,
  PersistentVolume: persistentVolume,
  PersistentVolumeClaim: persistentVolumeClaim,
  ServiceAccount: serviceAccount,
  LimitRange: limitRange,
  ResourceQuota: resourceQuota,
  PodTemplate: podTemplate,
};
