// `k8ts describe TYPE NAME`: the object's details and its events, laid out as kubectl describe does
// for pods, deployments, services, configmaps, secrets, namespaces and nodes. Reads only; never
// prints a Secret's values (only their sizes).
import { resolveResourceName, type ResourceInfo } from '../api/resources.js';
import { translateTimestampSince } from '../api/duration.js';
import { resourcePath, type KubeObject } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError, formatError } from './errors.js';
import { goTabwriter } from './printers/tabwriter.js';

export interface DescribeOptions {
  allNamespaces?: boolean;
  selector?: string;
  showEvents?: boolean;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

/** kubectl's PrefixWriter: lines with a level of two-space indentation, cells separated by tabs. */
class Writer {
  text = '';
  line(level: number, s: string): void {
    this.text += '  '.repeat(level) + s + '\n';
  }
}

const none = (v: unknown): string => (v === undefined || v === null || v === '' ? '<none>' : String(v));

function multiline(w: Writer, level: number, title: string, map: Record<string, string> | undefined, skip: string[] = []): void {
  const keys = Object.keys(map ?? {})
    .filter((k) => !skip.includes(k))
    .sort();
  if (title === 'Annotations') {
    annotations(w, level, keys, map ?? {});
    return;
  }
  if (keys.length === 0) {
    w.line(level, `${title}:\t<none>`);
    return;
  }
  keys.forEach((k, i) => w.line(level, `${i === 0 ? `${title}:` : ''}\t${k}=${map![k]}`));
}

const MAX_ANNOTATION_LEN = 140;

/** kubectl's printAnnotationsMultiline: `key: value`, long or multi-line values on their own lines. */
function annotations(w: Writer, level: number, keys: string[], map: Record<string, string>): void {
  const pad = '  '.repeat(level);
  if (keys.length === 0) {
    w.line(level, `Annotations:\t<none>`);
    return;
  }
  let text = `${pad}Annotations:\t`;
  keys.forEach((key, i) => {
    if (i !== 0) text += '\t';
    const value = map[key].replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      text += `${key}:\n`;
      for (const line of value.split('\n')) {
        const short = line.length > MAX_ANNOTATION_LEN - 2 ? line.slice(0, MAX_ANNOTATION_LEN - 2) + '...' : line;
        text += `\t  ${short}\n`;
      }
    } else text += `${key}: ${value}\n`;
  });
  w.text += text;
}

/** `Tue, 24 Nov 2026 16:53:19 +0000` (Go's RFC1123Z in UTC). */
export function rfc1123z(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const d = new Date(ts);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function header(w: Writer, obj: Obj, opts: { namespace?: boolean; created?: boolean } = {}): void {
  w.line(0, `Name:\t${obj.metadata.name}`);
  if (opts.namespace !== false && obj.metadata.namespace !== undefined) w.line(0, `Namespace:\t${obj.metadata.namespace}`);
  if (opts.created) w.line(0, `CreationTimestamp:\t${rfc1123z(obj.metadata.creationTimestamp)}`);
  multiline(w, 0, 'Labels', obj.metadata.labels);
  multiline(w, 0, 'Annotations', obj.metadata.annotations, [LAST_APPLIED]);
}

function selectorText(sel: Obj): string {
  if (!sel) return '<none>';
  const parts: string[] = Object.keys(sel.matchLabels ?? {}).sort().map((k) => `${k}=${sel.matchLabels[k]}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${[...e.values].sort().join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${[...e.values].sort().join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function mapSelectorText(sel: Record<string, string> | undefined): string {
  const keys = Object.keys(sel ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${sel![k]}`).join(',') : '<none>';
}

function describeConfigMap(w: Writer, cm: Obj): void {
  header(w, cm);
  w.line(0, '');
  w.line(0, 'Data\n====');
  for (const k of Object.keys(cm.data ?? {}).sort()) {
    w.line(0, `${k}:\n----`);
    w.line(0, String(cm.data[k]));
    w.line(0, '');
  }
  w.line(0, '');
  w.line(0, 'BinaryData\n====');
  for (const k of Object.keys(cm.binaryData ?? {}).sort()) w.line(0, `${k}: ${Buffer.from(cm.binaryData[k], 'base64').length} bytes`);
  w.line(0, '');
}

function describeSecret(w: Writer, s: Obj): void {
  header(w, s);
  w.line(0, '');
  w.line(0, `Type:\t${s.type ?? ''}`);
  w.line(0, '');
  w.line(0, 'Data\n====');
  for (const k of Object.keys(s.data ?? {}).sort()) w.line(0, `${k}:\t${Buffer.from(s.data[k], 'base64').length} bytes`);
}

function describeNamespace(w: Writer, ns: Obj): void {
  w.line(0, `Name:\t${ns.metadata.name}`);
  multiline(w, 0, 'Labels', ns.metadata.labels);
  multiline(w, 0, 'Annotations', ns.metadata.annotations, [LAST_APPLIED]);
  w.line(0, `Status:\t${ns.status?.phase ?? ''}`);
  w.line(0, '');
  w.line(0, 'No resource quota.');
  w.line(0, '');
  w.line(0, 'No LimitRange resource.');
}

function portText(p: Obj): string {
  return `${p.port}/${p.protocol ?? 'TCP'}`;
}

function describeService(w: Writer, svc: Obj): void {
  header(w, svc);
  const spec = svc.spec ?? {};
  w.line(0, `Selector:\t${mapSelectorText(spec.selector)}`);
  w.line(0, `Type:\t${spec.type ?? ''}`);
  w.line(0, `IP Family Policy:\t${spec.ipFamilyPolicy ?? ''}`.replace(/\t$/, '\t') );
  w.text = w.text.replace(/IP Family Policy:\t\n$/, '');
  w.line(0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}`);
  w.line(0, `IP:\t${spec.clusterIP && spec.clusterIP !== 'None' ? spec.clusterIP : spec.clusterIP ?? ''}`);
  w.line(0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}`);
  for (const ip of spec.externalIPs ?? []) w.line(0, `External IPs:\t${ip}`);
  for (const p of spec.ports ?? []) {
    w.line(0, `Port:\t${p.name || '<unset>'}  ${portText(p)}`);
    const tp = p.targetPort ?? p.port;
    w.line(0, `TargetPort:\t${tp}/${p.protocol ?? 'TCP'}`);
    if (p.nodePort) w.line(0, `NodePort:\t${p.name || '<unset>'}  ${p.nodePort}/${p.protocol ?? 'TCP'}`);
    w.line(0, `Endpoints:\t<none>`);
  }
  w.line(0, `Session Affinity:\t${spec.sessionAffinity ?? 'None'}`);
  if (spec.externalTrafficPolicy) w.line(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}`);
  if (spec.internalTrafficPolicy) w.line(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}`);
}

function containerPorts(ports: Obj[] | undefined, host: boolean): string {
  if (!ports?.length) return '<none>';
  return ports.map((p: Obj) => `${host ? (p.hostPort ?? 0) : p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ');
}

function describeContainers(w: Writer, titleLevel: number, title: string, containers: Obj[], statuses: Obj[] | undefined, space = ''): void {
  const level = 0;
  w.line(titleLevel, `${title}:`);
  for (const c of containers) {
    const st = statuses?.find((s: Obj) => s.name === c.name);
    w.line(level + 1, `${space}${c.name}:`);
    if (st?.containerID) w.line(level + 2, `Container ID:\t${st.containerID}`);
    w.line(level + 2, `Image:\t${c.image}`);
    if (st) w.line(level + 2, `Image ID:\t${st.imageID ?? ''}`);
    const ports = containerPorts(c.ports, false);
    w.line(level + 2, `Port${(c.ports?.length ?? 0) > 1 ? 's' : ''}:\t${ports}`);
    w.line(level + 2, `Host Port${(c.ports?.length ?? 0) > 1 ? 's' : ''}:\t${containerPorts(c.ports, true)}`);
    if (c.command?.length) {
      w.line(level + 2, 'Command:');
      for (const a of c.command) w.line(level + 3, a);
    }
    if (c.args?.length) {
      w.line(level + 2, 'Args:');
      for (const a of c.args) w.line(level + 3, a);
    }
    if (st) {
      const state = st.state ?? {};
      if (state.running) {
        w.line(level + 2, `State:\tRunning`);
        w.line(level + 3, `Started:\t${rfc1123z(state.running.startedAt)}`);
      } else if (state.waiting) {
        w.line(level + 2, `State:\tWaiting`);
        if (state.waiting.reason) w.line(level + 3, `Reason:\t${state.waiting.reason}`);
      } else if (state.terminated) {
        w.line(level + 2, `State:\tTerminated`);
        if (state.terminated.reason) w.line(level + 3, `Reason:\t${state.terminated.reason}`);
        w.line(level + 3, `Exit Code:\t${state.terminated.exitCode}`);
        w.line(level + 3, `Started:\t${rfc1123z(state.terminated.startedAt)}`);
        w.line(level + 3, `Finished:\t${rfc1123z(state.terminated.finishedAt)}`);
      } else w.line(level + 2, `State:\tWaiting`);
      w.line(level + 2, `Ready:\t${st.ready ? 'True' : 'False'}`);
      w.line(level + 2, `Restart Count:\t${st.restartCount ?? 0}`);
    }
    for (const kind of ['limits', 'requests'] as const) {
      const r = c.resources?.[kind];
      if (r && Object.keys(r).length) {
        w.line(level + 2, `${kind === 'limits' ? 'Limits' : 'Requests'}:`);
        for (const k of Object.keys(r).sort()) w.line(level + 3, `${k}:\t${r[k]}`);
      }
    }
    if (c.env?.length) {
      w.line(level + 2, 'Environment:');
      for (const e of c.env) w.line(level + 3, `${e.name}:\t${e.value ?? ''}`);
    } else w.line(level + 2, `Environment:\t<none>`);
    if (c.volumeMounts?.length) {
      w.line(level + 2, 'Mounts:');
      for (const m of c.volumeMounts) w.line(level + 3, `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})`);
    } else w.line(level + 2, `Mounts:\t<none>`);
  }
}

function describeVolumes(w: Writer, level: number, volumes: Obj[] | undefined): void {
  if (!volumes?.length) {
    w.line(level, `Volumes:\t<none>`);
    return;
  }
  w.line(level, 'Volumes:');
  for (const v of volumes) {
    w.line(level + 1, `${v.name}:`);
    const type = Object.keys(v).find((k) => k !== 'name') ?? '';
    w.line(level + 2, `Type:\t${type}`);
  }
}

function tolerations(w: Writer, level: number, list: Obj[] | undefined): void {
  if (!list?.length) {
    w.line(level, `Tolerations:\t<none>`);
    return;
  }
  list.forEach((t: Obj, i: number) => {
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.key) s = t.effect ? `:${t.effect}` : '';
    if (t.operator === 'Exists' && t.key) s = `${t.key}${t.effect ? `:${t.effect}` : ''}`;
    if (t.operator === 'Exists') s += ' op=Exists';
    if (t.tolerationSeconds !== undefined) s += ` for ${t.tolerationSeconds}s`;
    w.line(i === 0 ? level : 0, `${i === 0 ? 'Tolerations:' : '  '.repeat(level)}\t${s}`);
  });
}

function qosClass(pod: Obj): string {
  return pod.status?.qosClass ?? 'BestEffort';
}

function describePod(w: Writer, pod: Obj): void {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  w.line(0, `Name:\t${pod.metadata.name}`);
  w.line(0, `Namespace:\t${pod.metadata.namespace}`);
  if (spec.priority !== undefined) w.line(0, `Priority:\t${spec.priority}`);
  if (spec.priorityClassName) w.line(0, `Priority Class Name:\t${spec.priorityClassName}`);
  if (spec.serviceAccountName) w.line(0, `Service Account:\t${spec.serviceAccountName}`);
  w.line(0, `Node:\t${spec.nodeName ? `${spec.nodeName}/${status.hostIP ?? ''}` : '<none>'}`);
  if (status.startTime) w.line(0, `Start Time:\t${rfc1123z(status.startTime)}`);
  multiline(w, 0, 'Labels', pod.metadata.labels);
  multiline(w, 0, 'Annotations', pod.metadata.annotations, [LAST_APPLIED]);
  if (pod.metadata.deletionTimestamp) w.line(0, `Status:\tTerminating (lasts ${translateTimestampSince(pod.metadata.deletionTimestamp, new Date())})`);
  else w.line(0, `Status:\t${status.phase ?? ''}`);
  if (status.reason) w.line(0, `Reason:\t${status.reason}`);
  if (status.message) w.line(0, `Message:\t${status.message}`);
  w.line(0, `IP:\t${status.podIP ?? ''}`);
  if (status.podIPs?.length) {
    w.line(0, 'IPs:');
    for (const ip of status.podIPs) w.line(1, `IP:\t${ip.ip}`);
  } else w.line(0, `IPs:\t<none>`);
  const owner = (pod.metadata.ownerReferences ?? []).find((o: Obj) => o.controller);
  if (owner) w.line(0, `Controlled By:\t${owner.kind}/${owner.name}`);
  if (spec.initContainers?.length) describeContainers(w, 0, 'Init Containers', spec.initContainers, status.initContainerStatuses);
  describeContainers(w, 0, 'Containers', spec.containers ?? [], status.containerStatuses);
  if (status.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type\tStatus');
    for (const c of status.conditions) w.line(1, `${c.type} \t${c.status} `);
  }
  describeVolumes(w, 0, spec.volumes);
  w.line(0, `QoS Class:\t${qosClass(pod)}`);
  w.line(0, `Node-Selectors:\t${mapSelectorText(spec.nodeSelector)}`);
  tolerations(w, 0, spec.tolerations);
}

function describeDeployment(w: Writer, d: Obj): void {
  header(w, d, { created: true });
  const spec = d.spec ?? {};
  const st = d.status ?? {};
  w.line(0, `Selector:\t${selectorText(spec.selector)}`);
  w.line(
    0,
    `Replicas:\t${spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`,
  );
  w.line(0, `StrategyType:\t${spec.strategy?.type ?? ''}`);
  w.line(0, `MinReadySeconds:\t${spec.minReadySeconds ?? 0}`);
  if (spec.strategy?.rollingUpdate) {
    const ru = spec.strategy.rollingUpdate;
    w.line(0, `RollingUpdateStrategy:\t${ru.maxUnavailable} max unavailable, ${ru.maxSurge} max surge`);
  }
  const tpl = spec.template ?? {};
  w.line(0, 'Pod Template:');
  multiline(w, 1, 'Labels', tpl.metadata?.labels);
  if (tpl.metadata?.annotations && Object.keys(tpl.metadata.annotations).length) multiline(w, 1, 'Annotations', tpl.metadata.annotations);
  if (tpl.spec?.serviceAccountName) w.line(1, `Service Account:\t${tpl.spec.serviceAccountName}`);
  if (tpl.spec?.initContainers?.length) describeContainers(w, 1, 'Init Containers', tpl.spec.initContainers, undefined, ' ');
  describeContainers(w, 1, 'Containers', tpl.spec?.containers ?? [], undefined, ' ');
  describeVolumes(w, 1, tpl.spec?.volumes);
  w.line(1, `Node-Selectors:\t${mapSelectorText(tpl.spec?.nodeSelector)}`);
  tolerations(w, 1, tpl.spec?.tolerations);
  if (st.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type\tStatus\tReason');
    w.line(1, '----\t------\t------');
    for (const c of st.conditions) w.line(1, `${c.type} \t${c.status}\t${c.reason ?? ''}`);
  }
}

/** Parses a resource quantity into a number of base units (cores, bytes); millis kept as fractions. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const mult: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return n * (mult[m[2]] ?? 1);
}

/** A sum of requests printed as resource.Quantity would for the usual cases. */
export function formatQuantity(value: number, resource: string): string {
  if (value === 0) return '0';
  if (resource === 'cpu') {
    const millis = Math.round(value * 1000);
    return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
  }
  for (const [suffix, base] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) {
    if (value % base === 0) return `${value / base}${suffix}`;
  }
  return String(Math.round(value));
}

function podTotals(pod: Obj): Record<string, { req: number; lim: number }> {
  const totals: Record<string, { req: number; lim: number }> = {};
  for (const c of pod.spec?.containers ?? []) {
    for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
      const t = (totals[r] ??= { req: 0, lim: 0 });
      const lim = c.resources?.limits?.[r];
      const req = c.resources?.requests?.[r] ?? lim;
      t.req += parseQuantity(req);
      t.lim += parseQuantity(lim);
    }
  }
  return totals;
}

function withPercent(value: number, resource: string, allocatable: number): string {
  const pct = allocatable > 0 ? Math.trunc((value / allocatable) * 100) : 0;
  return `${formatQuantity(value, resource)} (${pct}%)`;
}

function describeNode(w: Writer, n: Obj, extras: DescribeExtras = {}): void {
  const labels = n.metadata.labels ?? {};
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .sort();
  const st = n.status ?? {};
  w.line(0, `Name:\t${n.metadata.name}`);
  w.line(0, `Roles:\t${roles.length ? roles.join(',') : '<none>'}`);
  multiline(w, 0, 'Labels', labels);
  multiline(w, 0, 'Annotations', n.metadata.annotations, [LAST_APPLIED]);
  w.line(0, `CreationTimestamp:\t${rfc1123z(n.metadata.creationTimestamp)}`);
  const taints: Obj[] = n.spec?.taints ?? [];
  if (!taints.length) w.line(0, `Taints:\t<none>`);
  taints.forEach((t, i) => w.line(0, `${i === 0 ? 'Taints:' : ''}\t${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`));
  w.line(0, `Unschedulable:\t${n.spec?.unschedulable ? 'true' : 'false'}`);
  if (typeof extras.lease === 'string') w.line(0, `Lease:\tFailed to get lease: ${extras.lease}`);
  else if (extras.lease) {
    const spec = extras.lease.spec ?? {};
    w.line(0, 'Lease:');
    w.line(1, `HolderIdentity:\t${spec.holderIdentity ?? '<unset>'}`);
    w.line(1, `AcquireTime:\t${spec.acquireTime ? rfc1123z(spec.acquireTime) : '<unset>'}`);
    w.line(1, `RenewTime:\t${spec.renewTime ? rfc1123z(spec.renewTime) : '<unset>'}`);
  }
  if (st.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage');
    w.line(1, '----\t------\t-----------------\t------------------\t------\t-------');
    for (const c of st.conditions) {
      w.line(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}`);
    }
  }
  w.line(0, 'Addresses:');
  for (const a of st.addresses ?? []) w.line(1, `${a.type}:\t${a.address}`);
  for (const [title, list] of [['Capacity', st.capacity], ['Allocatable', st.allocatable]] as const) {
    if (list && Object.keys(list).length) {
      w.line(0, `${title}:`);
      for (const k of Object.keys(list).sort()) w.line(1, `${k}:\t${list[k]}`);
    }
  }
  const info = st.nodeInfo ?? {};
  w.line(0, 'System Info:');
  w.line(1, `Machine ID:\t${info.machineID ?? ''}`);
  w.line(1, `System UUID:\t${info.systemUUID ?? ''}`);
  w.line(1, `Boot ID:\t${info.bootID ?? ''}`);
  w.line(1, `Kernel Version:\t${info.kernelVersion ?? ''}`);
  w.line(1, `OS Image:\t${info.osImage ?? ''}`);
  w.line(1, `Operating System:\t${info.operatingSystem ?? ''}`);
  w.line(1, `Architecture:\t${info.architecture ?? ''}`);
  w.line(1, `Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}`);
  w.line(1, `Kubelet Version:\t${info.kubeletVersion ?? ''}`);
  w.line(1, `Kube-Proxy Version:\t${info.kubeProxyVersion ?? ''}`);
  if (n.spec?.podCIDR) w.line(0, `PodCIDR:\t${n.spec.podCIDR}`);
  if (n.spec?.podCIDRs?.length) w.line(0, `PodCIDRs:\t${n.spec.podCIDRs.join(',')}`);
  if (n.spec?.providerID) w.line(0, `ProviderID:\t${n.spec.providerID}`);
  const pods = extras.pods ?? [];
  const alloc = (r: string) => parseQuantity(st.allocatable?.[r]);
  w.line(0, `Non-terminated Pods:\t(${pods.length} in total)`);
  w.line(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge');
  w.line(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---');
  const sum: Record<string, { req: number; lim: number }> = { cpu: { req: 0, lim: 0 }, memory: { req: 0, lim: 0 }, 'ephemeral-storage': { req: 0, lim: 0 } };
  for (const p of pods) {
    const t = podTotals(p);
    for (const r of Object.keys(sum)) {
      sum[r].req += t[r]?.req ?? 0;
      sum[r].lim += t[r]?.lim ?? 0;
    }
    w.line(
      1,
      `${p.metadata.namespace}\t${p.metadata.name}\t\t${withPercent(t.cpu?.req ?? 0, 'cpu', alloc('cpu'))}\t${withPercent(t.cpu?.lim ?? 0, 'cpu', alloc('cpu'))}\t${withPercent(t.memory?.req ?? 0, 'memory', alloc('memory'))}\t${withPercent(t.memory?.lim ?? 0, 'memory', alloc('memory'))}\t${translateTimestampSince(p.metadata.creationTimestamp, extras.now ?? new Date())}`,
    );
  }
  w.line(0, 'Allocated resources:');
  w.line(1, '(Total limits may be over 100 percent, i.e., overcommitted.)');
  w.line(1, 'Resource\tRequests\tLimits');
  w.line(1, '--------\t--------\t------');
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) w.line(1, `${r}\t${withPercent(sum[r].req, r, alloc(r))}\t${withPercent(sum[r].lim, r, alloc(r))}`);
}

export interface DescribeExtras {
  /** Nodes: the node's Lease, or the error text when it could not be read. */
  lease?: Obj | string;
  /** Nodes: the non-terminated pods bound to it. */
  pods?: Obj[];
  now?: Date;
}

/** fatih/camelcase's Split: runs of lower, upper, digit and other characters; `HTTPServer` -> HTTP, Server. */
export function camelSplit(s: string): string[] {
  const cls = (c: string) => (/[a-z]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : /[0-9]/.test(c) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const c of s) {
    const k = cls(c);
    if (k === last) runs[runs.length - 1]!.push(c);
    else runs.push([c]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (runs[i]!.length > 0 && cls(runs[i]![0]!) === 2 && cls(runs[i + 1]![0]!) === 1) {
      runs[i + 1]!.unshift(runs[i]!.pop()!);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

const COMMON_ACRONYMS = ['API', 'URL', 'UID', 'OSB', 'GUID'];

/** kubectl's smartLabelFor: `creationTimestamp` -> `Creation Timestamp`, `apiVersion` -> `API Version`. */
export function smartLabelFor(field: string): string {
  if (/[^A-Za-z-]/.test(field)) return field;
  return camelSplit(field)
    .filter((part) => part !== '_')
    .map((part) => (COMMON_ACRONYMS.includes(part.toUpperCase()) ? part.toUpperCase() : part.charAt(0).toUpperCase() + part.slice(1)))
    .join(' ');
}

/** Go's %v of a decoded JSON scalar. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

/** kubectl's printUnstructuredContent: every field sorted, maps and lists indented. */
function unstructuredContent(w: Writer, level: number, content: Obj, prefix: string, skip: string[]): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (skip.includes(path)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      w.line(level, `${smartLabelFor(field)}:`);
      unstructuredContent(w, level + 1, value, path, skip);
    } else if (Array.isArray(value)) {
      w.line(level, `${smartLabelFor(field)}:`);
      for (const child of value) {
        if (child !== null && typeof child === 'object' && !Array.isArray(child)) unstructuredContent(w, level + 1, child, path, skip);
        else w.line(level + 1, goValue(child));
      }
    } else {
      w.line(level, `${smartLabelFor(field)}:\t${goValue(value)}`);
    }
  }
}

/** kubectl's generic describer, for every kind without a dedicated one. */
function describeGeneric(w: Writer, obj: Obj): void {
  w.line(0, `Name:\t${obj.metadata?.name ?? ''}`);
  w.line(0, `Namespace:\t${obj.metadata?.namespace ?? ''}`);
  multiline(w, 0, 'Labels', obj.metadata?.labels);
  multiline(w, 0, 'Annotations', obj.metadata?.annotations, ['kubectl.kubernetes.io/last-applied-configuration']);
  unstructuredContent(w, 0, obj, '', ['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);
}

const DESCRIBERS: Record<string, (w: Writer, obj: Obj, extras?: DescribeExtras) => void> = {
  ConfigMap: describeConfigMap,
  Secret: describeSecret,
  Namespace: describeNamespace,
  Service: describeService,
  Pod: describePod,
  Deployment: describeDeployment,
  Node: describeNode,
};

/** The Events section: oldest last-seen first, `AGE (xN over FIRST)` for repeats. */
export function eventsSection(w: Writer, events: Obj[], now: Date): void {
  if (events.length === 0) {
    w.line(0, 'Events:\t<none>');
    return;
  }
  const seen = (e: Obj) => Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '') || 0;
  const sorted = [...events].sort((a, b) => seen(a) - seen(b));
  w.line(0, 'Events:');
  w.line(1, 'Type\tReason\tAge\tFrom\tMessage');
  w.line(1, '----\t------\t----\t----\t-------');
  for (const e of sorted) {
    const last = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
    let age = translateTimestampSince(last, now);
    if ((e.count ?? 1) > 1) age = `${age} (x${e.count} over ${translateTimestampSince(e.firstTimestamp ?? last, now)})`;
    const from = e.source?.component || e.reportingComponent || '';
    w.line(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${age}\t${from}\t${String(e.message ?? '').trim()}`);
  }
}

/** Renders one object's description (events included when given). */
export function renderDescription(obj: KubeObject, events: Obj[] | undefined, now: Date, extras: DescribeExtras = {}): string {
  const describer = DESCRIBERS[obj.kind ?? ''];
  // kubectl shows no events for Secrets and Namespaces
  if (obj.kind === 'Secret' || obj.kind === 'Namespace') events = undefined;
  const w = new Writer();
  (describer ?? describeGeneric)(w, obj, { ...extras, now });
  if (events) eventsSection(w, events, now);
  return goTabwriter(w.text, 0, 2);
}

async function listEvents(ctx: CliContext, obj: Obj): Promise<Obj[]> {
  const fields = [`involvedObject.name=${obj.metadata.name}`];
  if (obj.metadata.namespace) fields.push(`involvedObject.namespace=${obj.metadata.namespace}`);
  fields.push(`involvedObject.kind=${obj.kind}`, `involvedObject.uid=${obj.metadata.uid}`);
  const ns = obj.metadata.namespace;
  const path = ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/events` : '/api/v1/events';
  const list = await ctx.client.raw<{ items?: Obj[] }>('GET', path, undefined, { query: { fieldSelector: fields.join(','), limit: 500 } });
  return list.items ?? [];
}

async function nodeExtras(ctx: CliContext, node: Obj): Promise<DescribeExtras> {
  const extras: DescribeExtras = {};
  try {
    extras.lease = await ctx.client.raw<Obj>('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(node.metadata.name)}`);
  } catch (err) {
    extras.lease = err instanceof Error ? err.message : String(err);
  }
  const pods = await ctx.client.raw<{ items?: Obj[] }>('GET', '/api/v1/pods', undefined, {
    query: { fieldSelector: `spec.nodeName=${node.metadata.name},status.phase!=Failed,status.phase!=Succeeded`, limit: 500 },
  });
  extras.pods = pods.items ?? [];
  return extras;
}

export async function runDescribe(ctx: CliContext, args: string[], opts: DescribeOptions): Promise<void> {
  if (args.length === 0) throw new CliError('You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.');
  const targets: { info: ResourceInfo; name?: string }[] = [];
  if (args.some((a) => a.includes('/'))) {
    for (const a of args) {
      const [type, name] = [a.slice(0, a.indexOf('/')), a.slice(a.indexOf('/') + 1)];
      const info = resolveResourceName(type);
      if (!info) throw new CliError(`the server doesn't have a resource type "${type}"`);
      targets.push({ info, name });
    }
  } else {
    for (const type of args[0].split(',').filter((t) => t)) {
      const info = resolveResourceName(type);
      if (!info) throw new CliError(`the server doesn't have a resource type "${type}"`);
      if (args.length === 1) targets.push({ info });
      for (const name of args.slice(1)) targets.push({ info, name });
    }
  }
  const objects: { info: ResourceInfo; obj: KubeObject }[] = [];
  const errors: unknown[] = [];
  for (const t of targets) {
    const ns = t.info.namespaced && !opts.allNamespaces ? ctx.namespace : undefined;
    try {
      if (t.name !== undefined) {
        const obj = await ctx.client.raw<KubeObject>('GET', resourcePath(t.info, t.info.namespaced ? ctx.namespace : undefined, t.name));
        objects.push({ info: t.info, obj });
      } else {
        const list = await ctx.client.raw<{ items?: KubeObject[] }>('GET', resourcePath(t.info, ns), undefined, { query: { labelSelector: opts.selector } });
        for (const obj of list.items ?? []) objects.push({ info: t.info, obj });
      }
    } catch (err) {
      errors.push(err);
    }
  }
  const parts: string[] = [];
  for (const { info, obj } of objects) {
    const full = { ...obj, kind: obj.kind ?? info.kind } as Obj;
    const events = opts.showEvents === false ? undefined : await listEvents(ctx, full);
    parts.push(renderDescription(full, events, new Date(), full.kind === 'Node' ? await nodeExtras(ctx, full) : {}));
  }
  ctx.out.write(parts.join('\n\n'));
  if (objects.length === 0 && errors.length === 0) {
    const namespaced = targets.every((t) => t.info.namespaced) && !opts.allNamespaces;
    ctx.err.write(namespaced ? `No resources found in ${ctx.namespace} namespace.\n` : 'No resources found\n');
  }
  for (const err of errors) ctx.err.write(formatError(err) + '\n');
  if (errors.length) process.exitCode = 1;
}
