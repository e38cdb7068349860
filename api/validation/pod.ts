// Pod spec and pod template validation as upstream's ValidatePodSpec / ValidatePodTemplateSpec, and the
// pod update rule (only images, activeDeadlineSeconds, added tolerations, ... may change).

import { field } from '../errors.js';
import { validateTemplateMeta } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, validateLabels } from './names.js';
import { validateResourceRequirements } from './quantities.js';
import {
  PORT_RANGE_MSG,
  arr,
  bool,
  deepEqual,
  diffPaths,
  int,
  isObj,
  isValidPortName,
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

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const TOLERATION_OPERATORS = ['Exists', 'Equal'];
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_VAR_NAME_MSG =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
const DEFAULT_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function stringList(v: unknown, path: string, errs: Errs): void {
  arr(v, path, errs).forEach((s, i) => {
    if (typeof s !== 'string') errs.push(typeErr(`${path}[${i}]`, s, 'string'));
  });
}

function fileMode(v: unknown, path: string, errs: Errs): void {
  const n = int(v, path, errs);
  if (n !== undefined && (n < 0 || n > 0o777)) errs.push(field.invalid(path, n, DEFAULT_MODE_MSG));
}

function requiredString(v: unknown, path: string, errs: Errs): string | undefined {
  const s = str(v, path, errs);
  if (s === undefined || s === '') {
    if (v === undefined || v === null || v === '') errs.push(field.required(path, ''));
    return undefined;
  }
  return s;
}

function validateVolumeSource(v: Obj, p: string, errs: Errs): void {
  const present = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
  if (present.length === 0) errs.push(field.required(p, 'must specify a volume type'));
  for (const extra of present.slice(1)) errs.push(field.forbidden(`${p}.${extra}`, 'may not specify more than 1 volume type'));
  const src = (k: string) => obj(v[k], `${p}.${k}`, errs);
  const secret = src('secret');
  if (secret) {
    const name = str(secret.secretName, `${p}.secret.secretName`, errs);
    if (name !== undefined && name !== '') for (const m of isDNS1123Subdomain(name)) errs.push(field.invalid(`${p}.secret.secretName`, name, m));
    fileMode(secret.defaultMode, `${p}.secret.defaultMode`, errs);
    if (name === undefined || name === '') errs.push(field.required(`${p}.secret.secretName`, ''));
  }
  const cm = src('configMap');
  if (cm) {
    const name = str(cm.name, `${p}.configMap.name`, errs);
    if (name === undefined || name === '') errs.push(field.required(`${p}.configMap.name`, ''));
    else for (const m of isDNS1123Subdomain(name)) errs.push(field.invalid(`${p}.configMap.name`, name, m));
    fileMode(cm.defaultMode, `${p}.configMap.defaultMode`, errs);
  }
  const pvc = src('persistentVolumeClaim');
  if (pvc) requiredString(pvc.claimName, `${p}.persistentVolumeClaim.claimName`, errs);
  const hp = src('hostPath');
  if (hp) {
    requiredString(hp.path, `${p}.hostPath.path`, errs);
    oneOf(hp.type, `${p}.hostPath.type`, ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'], errs);
  }
  const ed = src('emptyDir');
  if (ed) oneOf(ed.medium, `${p}.emptyDir.medium`, ['', 'Memory', 'HugePages'], errs);
  const nfs = src('nfs');
  if (nfs) {
    requiredString(nfs.server, `${p}.nfs.server`, errs);
    const path = requiredString(nfs.path, `${p}.nfs.path`, errs);
    if (path !== undefined && !path.startsWith('/')) errs.push(field.invalid(`${p}.nfs.path`, path, 'must be an absolute path'));
  }
  const dapi = src('downwardAPI');
  if (dapi) fileMode(dapi.defaultMode, `${p}.downwardAPI.defaultMode`, errs);
  const proj = src('projected');
  if (proj) fileMode(proj.defaultMode, `${p}.projected.defaultMode`, errs);
}

/** Volumes: unique DNS-label names and one source each. Returns the names declared. */
function validateVolumes(v: unknown, path: string, errs: Errs): Set<string> {
  const names = new Set<string>();
  for (const [vol, p] of items(v, path, errs)) {
    const name = str(vol.name, `${p}.name`, errs);
    if (name === undefined || name === '') {
      if (vol.name === undefined || vol.name === null || vol.name === '') errs.push(field.required(`${p}.name`, ''));
    } else {
      for (const m of isDNS1123Label(name)) errs.push(field.invalid(`${p}.name`, name, m));
      if (names.has(name)) errs.push(field.duplicate(`${p}.name`, name));
      names.add(name);
    }
    validateVolumeSource(vol, p, errs);
  }
  return names;
}

function validateHandler(h: Obj, p: string, errs: Errs): void {
  const kinds = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'].filter((k) => h[k] !== undefined && h[k] !== null);
  if (kinds.length === 0) errs.push(field.required(p, 'must specify a handler type'));
  for (const extra of kinds.slice(1)) errs.push(field.forbidden(`${p}.${extra}`, 'may not specify more than 1 handler type'));
  const http = obj(h.httpGet, `${p}.httpGet`, errs);
  if (http) {
    validatePortNumOrName(http.port, `${p}.httpGet.port`, errs);
    oneOf(http.scheme, `${p}.httpGet.scheme`, ['HTTP', 'HTTPS'], errs);
    str(http.path, `${p}.httpGet.path`, errs);
  }
  const tcp = obj(h.tcpSocket, `${p}.tcpSocket`, errs);
  if (tcp) validatePortNumOrName(tcp.port, `${p}.tcpSocket.port`, errs);
  const exec = obj(h.exec, `${p}.exec`, errs);
  if (exec) stringList(exec.command, `${p}.exec.command`, errs);
  const grpc = obj(h.grpc, `${p}.grpc`, errs);
  if (grpc) {
    const port = int(grpc.port, `${p}.grpc.port`, errs);
    if (port !== undefined && !isValidPortNum(port)) errs.push(field.invalid(`${p}.grpc.port`, port, PORT_RANGE_MSG));
  }
}

function validateProbe(v: unknown, p: string, errs: Errs): void {
  const probe = obj(v, p, errs);
  if (!probe) return;
  validateHandler(probe, p, errs);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    nonNegative(probe[k], `${p}.${k}`, errs);
  }
  const tgps = int(probe.terminationGracePeriodSeconds, `${p}.terminationGracePeriodSeconds`, errs);
  if (tgps !== undefined && tgps <= 0) errs.push(field.invalid(`${p}.terminationGracePeriodSeconds`, tgps, 'must be greater than 0'));
}

function validatePorts(v: unknown, path: string, errs: Errs): void {
  const names = new Set<string>();
  for (const [port, p] of items(v, path, errs)) {
    const name = str(port.name, `${p}.name`, errs);
    if (name !== undefined && name !== '') {
      for (const m of isValidPortName(name)) errs.push(field.invalid(`${p}.name`, name, m));
      if (names.has(name)) errs.push(field.duplicate(`${p}.name`, name));
      names.add(name);
    }
    const cp = int(port.containerPort, `${p}.containerPort`, errs);
    if (cp === undefined || cp === 0) {
      if (port.containerPort === undefined || port.containerPort === null || cp === 0) errs.push(field.required(`${p}.containerPort`, ''));
    } else if (!isValidPortNum(cp)) {
      errs.push(field.invalid(`${p}.containerPort`, cp, PORT_RANGE_MSG));
    }
    const hp = int(port.hostPort, `${p}.hostPort`, errs);
    if (hp !== undefined && hp !== 0 && !isValidPortNum(hp)) errs.push(field.invalid(`${p}.hostPort`, hp, PORT_RANGE_MSG));
    oneOf(port.protocol, `${p}.protocol`, PROTOCOLS, errs);
  }
}

function validateEnv(v: unknown, path: string, errs: Errs): void {
  for (const [env, p] of items(v, path, errs)) {
    const name = str(env.name, `${p}.name`, errs);
    if (name === undefined || name === '') {
      if (env.name === undefined || env.name === null || name === '') errs.push(field.required(`${p}.name`, ''));
    } else if (!ENV_VAR_NAME.test(name)) {
      errs.push(field.invalid(`${p}.name`, name, ENV_VAR_NAME_MSG));
    }
    const value = str(env.value, `${p}.value`, errs);
    const from = obj(env.valueFrom, `${p}.valueFrom`, errs);
    if (!from) continue;
    const fp = `${p}.valueFrom`;
    const kinds = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => from[k] !== undefined && from[k] !== null);
    if (kinds.length === 0) errs.push(field.invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (kinds.length > 1) errs.push(field.invalid(fp, '', 'may not have more than one field specified at a time'));
    if (value !== undefined && value !== '') errs.push(field.invalid(fp, '', 'may not be specified when `value` is not empty'));
    const fr = obj(from.fieldRef, `${fp}.fieldRef`, errs);
    if (fr) requiredString(fr.fieldPath, `${fp}.fieldRef.fieldPath`, errs);
    for (const k of ['configMapKeyRef', 'secretKeyRef']) {
      const ref = obj(from[k], `${fp}.${k}`, errs);
      if (!ref) continue;
      requiredString(ref.key, `${fp}.${k}.key`, errs);
      requiredString(ref.name, `${fp}.${k}.name`, errs);
    }
    const rf = obj(from.resourceFieldRef, `${fp}.resourceFieldRef`, errs);
    if (rf) requiredString(rf.resource, `${fp}.resourceFieldRef.resource`, errs);
  }
}

function validateVolumeMounts(v: unknown, path: string, volumes: Set<string>, errs: Errs): void {
  const mountPaths = new Set<string>();
  for (const [m, p] of items(v, path, errs)) {
    const name = str(m.name, `${p}.name`, errs);
    if (name === undefined || name === '') {
      if (m.name === undefined || m.name === null || name === '') errs.push(field.required(`${p}.name`, ''));
    } else if (!volumes.has(name)) {
      errs.push(field.notFound(`${p}.name`, name));
    }
    const mp = requiredString(m.mountPath, `${p}.mountPath`, errs);
    if (mp !== undefined) {
      if (mountPaths.has(mp)) errs.push(field.invalid(`${p}.mountPath`, mp, 'must be unique'));
      mountPaths.add(mp);
    }
    const sub = str(m.subPath, `${p}.subPath`, errs);
    if (sub !== undefined && (sub.startsWith('/') || sub.split('/').includes('..'))) {
      errs.push(field.invalid(`${p}.subPath`, sub, sub.startsWith('/') ? 'must be a relative path' : "must not contain '..'"));
    }
    bool(m.readOnly, `${p}.readOnly`, errs);
  }
}

function validateContainers(
  v: unknown,
  path: string,
  volumes: Set<string>,
  names: Set<string>,
  errs: Errs,
  required: boolean,
): void {
  const list = items(v, path, errs);
  if (required && list.length === 0 && (v === undefined || v === null || Array.isArray(v))) errs.push(field.required(path, ''));
  for (const [c, p] of list) {
    const name = str(c.name, `${p}.name`, errs);
    if (name === undefined || name === '') {
      if (c.name === undefined || c.name === null || name === '') errs.push(field.required(`${p}.name`, ''));
    } else {
      for (const m of isDNS1123Label(name)) errs.push(field.invalid(`${p}.name`, name, m));
      if (names.has(name)) errs.push(field.duplicate(`${p}.name`, name));
      names.add(name);
    }
    const image = str(c.image, `${p}.image`, errs);
    if (image === undefined || image === '') {
      if (c.image === undefined || c.image === null || image === '') errs.push(field.required(`${p}.image`, ''));
    } else if (image.trim() !== image) {
      errs.push(field.invalid(`${p}.image`, image, 'must not have leading or trailing whitespace'));
    }
    stringList(c.command, `${p}.command`, errs);
    stringList(c.args, `${p}.args`, errs);
    str(c.workingDir, `${p}.workingDir`, errs);
    validatePorts(c.ports, `${p}.ports`, errs);
    validateEnv(c.env, `${p}.env`, errs);
    validateVolumeMounts(c.volumeMounts, `${p}.volumeMounts`, volumes, errs);
    validateResourceRequirements(c.resources, `${p}.resources`, errs);
    validateProbe(c.livenessProbe, `${p}.livenessProbe`, errs);
    validateProbe(c.readinessProbe, `${p}.readinessProbe`, errs);
    validateProbe(c.startupProbe, `${p}.startupProbe`, errs);
    const lc = obj(c.lifecycle, `${p}.lifecycle`, errs);
    if (lc) {
      for (const k of ['postStart', 'preStop']) {
        const h = obj(lc[k], `${p}.lifecycle.${k}`, errs);
        if (h) validateHandler(h, `${p}.lifecycle.${k}`, errs);
      }
    }
    oneOf(c.imagePullPolicy, `${p}.imagePullPolicy`, PULL_POLICIES, errs);
    oneOf(c.terminationMessagePolicy, `${p}.terminationMessagePolicy`, TERMINATION_MESSAGE_POLICIES, errs);
    str(c.terminationMessagePath, `${p}.terminationMessagePath`, errs);
    obj(c.securityContext, `${p}.securityContext`, errs);
    bool(c.stdin, `${p}.stdin`, errs);
    bool(c.tty, `${p}.tty`, errs);
  }
}

export function validateTolerations(v: unknown, path: string, errs: Errs): void {
  for (const [t, p] of items(v, path, errs)) {
    const key = str(t.key, `${p}.key`, errs) ?? '';
    if (key !== '') for (const m of isQualifiedName(key)) errs.push(field.invalid(`${p}.key`, key, m));
    const op = oneOf(t.operator, `${p}.operator`, TOLERATION_OPERATORS, errs);
    const value = str(t.value, `${p}.value`, errs) ?? '';
    if (key === '' && op !== 'Exists' && t.operator !== undefined) {
      errs.push(field.invalid(`${p}.operator`, op ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (op === 'Exists' && value !== '') errs.push(field.invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    if ((op === undefined || op === 'Equal') && value !== '') {
      for (const m of isValidLabelValue(value)) errs.push(field.invalid(`${p}.value`, value, m));
    }
    const effect = str(t.effect, `${p}.effect`, errs) ?? '';
    if (effect !== '' && !TAINT_EFFECTS.includes(effect)) errs.push(field.notSupported(`${p}.effect`, effect, TAINT_EFFECTS));
    const secs = int(t.tolerationSeconds, `${p}.tolerationSeconds`, errs);
    if (secs !== undefined && effect !== 'NoExecute') {
      errs.push(field.invalid(`${p}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  }
}

/** ValidatePodSpec at `path` (`spec` for a Pod, `spec.template.spec` for a workload). */
export function validatePodSpec(v: unknown, path: string, errs: Errs): Obj {
  if (v === undefined || v === null) {
    errs.push(field.required(`${path}.containers`, ''));
    return {};
  }
  const spec = obj(v, path, errs);
  if (!spec) return {};
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`, errs);
  const names = new Set<string>();
  validateContainers(spec.containers, `${path}.containers`, volumes, names, errs, true);
  validateContainers(spec.initContainers, `${path}.initContainers`, volumes, names, errs, false);
  oneOf(spec.restartPolicy, `${path}.restartPolicy`, RESTART_POLICIES, errs);
  const dns = oneOf(spec.dnsPolicy, `${path}.dnsPolicy`, DNS_POLICIES, errs);
  const dnsConfig = obj(spec.dnsConfig, `${path}.dnsConfig`, errs);
  if (dns === 'None' && !dnsConfig) errs.push(field.required(`${path}.dnsConfig`, "must provide `dnsConfig` when `dnsPolicy` is None"));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  for (const k of ['serviceAccountName', 'nodeName', 'priorityClassName', 'schedulerName']) {
    const s = str(spec[k], `${path}.${k}`, errs);
    if (s !== undefined && s !== '') for (const m of isDNS1123Subdomain(s)) errs.push(field.invalid(`${path}.${k}`, s, m));
  }
  for (const k of ['hostname', 'subdomain']) {
    const s = str(spec[k], `${path}.${k}`, errs);
    if (s !== undefined && s !== '') for (const m of isDNS1123Label(s)) errs.push(field.invalid(`${path}.${k}`, s, m));
  }
  nonNegative(spec.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`, errs);
  const ads = int(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`, errs);
  if (ads !== undefined && (ads < 1 || ads > 2147483647)) {
    errs.push(field.invalid(`${path}.activeDeadlineSeconds`, ads, 'must be between 1 and 2147483647, inclusive'));
  }
  validateTolerations(spec.tolerations, `${path}.tolerations`, errs);
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC', 'enableServiceLinks', 'automountServiceAccountToken', 'shareProcessNamespace']) {
    bool(spec[k], `${path}.${k}`, errs);
  }
  if (spec.hostNetwork === true) {
    for (const [c, p] of items(spec.containers, `${path}.containers`, [])) {
      for (const [port, pp] of items(c.ports, `${p}.ports`, [])) {
        if (port.hostPort !== undefined && port.hostPort !== port.containerPort) {
          errs.push(field.invalid(`${pp}.containerPort`, port.containerPort, 'must match `hostPort` when `hostNetwork` is true'));
        }
      }
    }
  }
  obj(spec.securityContext, `${path}.securityContext`, errs);
  obj(spec.affinity, `${path}.affinity`, errs);
  oneOf(spec.preemptionPolicy, `${path}.preemptionPolicy`, ['PreemptLowerPriority', 'Never'], errs);
  return spec;
}

/** ValidatePodTemplateSpec at `path` (`spec.template`). */
export function validatePodTemplateSpec(v: unknown, path: string, errs: Errs): Obj | undefined {
  if (v === undefined || v === null) {
    errs.push(field.required(path, ''));
    return undefined;
  }
  const t = obj(v, path, errs);
  if (!t) return undefined;
  validateTemplateMeta(t.metadata, `${path}.metadata`, errs);
  validatePodSpec(t.spec, `${path}.spec`, errs);
  return t;
}

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The pod spec part of ValidatePodUpdate. */
export function validatePodSpecUpdate(newSpec: unknown, oldSpec: unknown, errs: Errs): void {
  if (!isObj(newSpec) || !isObj(oldSpec)) {
    if (!deepEqual(newSpec, oldSpec)) errs.push(field.forbidden('spec', POD_UPDATE_FORBIDDEN));
    return;
  }
  // Copy the mutable fields of the old spec into a clone of the new one, then compare the rest.
  const munged: Obj = structuredClone(newSpec);
  for (const k of ['containers', 'initContainers']) {
    const nl = munged[k];
    const ol = oldSpec[k];
    if (Array.isArray(nl) && Array.isArray(ol) && nl.length === ol.length) {
      nl.forEach((c, i) => {
        if (isObj(c) && isObj(ol[i])) c.image = (ol[i] as Obj).image;
      });
    }
  }
  const newADS = newSpec.activeDeadlineSeconds;
  const oldADS = oldSpec.activeDeadlineSeconds;
  if (typeof oldADS === 'number') {
    if (newADS === undefined || newADS === null) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
    } else if (typeof newADS === 'number' && newADS > oldADS) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', newADS, 'must be less than or equal to previous value'));
    }
  }
  munged.activeDeadlineSeconds = oldADS;
  // Tolerations may only be added (a NoExecute toleration's tolerationSeconds may shrink).
  const oldTols = Array.isArray(oldSpec.tolerations) ? oldSpec.tolerations : [];
  const newTols = Array.isArray(newSpec.tolerations) ? newSpec.tolerations : [];
  const tolKey = (t: unknown): string => {
    if (!isObj(t)) return JSON.stringify(t);
    return JSON.stringify([t.key ?? '', t.operator ?? '', t.value ?? '', t.effect ?? '']);
  };
  for (const ot of oldTols) {
    const match = newTols.find((nt) => tolKey(nt) === tolKey(ot));
    if (!match) {
      errs.push(field.forbidden('spec.tolerations', `existing toleration can not be modified except its tolerationSeconds`));
      break;
    }
    const os = isObj(ot) ? ot.tolerationSeconds : undefined;
    const ns = isObj(match) ? match.tolerationSeconds : undefined;
    if (typeof os === 'number' && (typeof ns !== 'number' || ns > os)) {
      errs.push(field.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  munged.tolerations = oldSpec.tolerations;
  const oldTGPS = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldTGPS === 'number' && oldTGPS < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldTGPS;
  if (!deepEqual(munged, oldSpec)) {
    const changed = diffPaths(oldSpec, munged, 'spec');
    errs.push(field.forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n  changed: ${changed.join(', ')}`));
  }
}
