// The `Pod Template:` block `rollout history --revision=N` prints (describe's DescribePodTemplate):
// tab-separated lines, labels/annotations one a line, containers, volumes, node selectors, tolerations.
// Pure formatting; never reads the server.

type Any = Record<string, any>;

function multiline(title: string, map: Record<string, string> | undefined, sep: string, skip: (k: string) => boolean = () => false): string {
  const keys = Object.keys(map ?? {}).filter((k) => !skip(k)).sort();
  if (keys.length === 0) return `${title}:\t<none>\n`;
  return keys.map((k, i) => `${i === 0 ? `${title}:\t` : '\t'}${k}${sep}${map?.[k]}\n`).join('');
}

function ports(c: Any): string {
  const list = (c.ports ?? []) as Any[];
  if (list.length === 0) return `    Port:\t<none>\n    Host Port:\t<none>\n`;
  const port = list.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ');
  const host = list.map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', ');
  return list.length === 1 ? `    Port:\t${port}\n    Host Port:\t${host}\n` : `    Ports:\t${port}\n    Host Ports:\t${host}\n`;
}

function envValue(e: Any): string {
  if (e.value !== undefined) return e.value;
  const from = e.valueFrom ?? {};
  if (from.fieldRef) return ` (${from.fieldRef.apiVersion ?? 'v1'}:${from.fieldRef.fieldPath})`;
  if (from.resourceFieldRef) return ` (${from.resourceFieldRef.resource})`;
  if (from.secretKeyRef) return `<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name}'>`;
  if (from.configMapKeyRef) return `<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name}'>`;
  return '';
}

function container(c: Any): string {
  let out = `   ${c.name}:\n    Image:\t${c.image ?? ''}\n` + ports(c);
  for (const [title, list] of [['Command', c.command], ['Args', c.args]] as const) {
    if (list?.length) out += `    ${title}:\n` + (list as string[]).map((a) => `      ${a}\n`).join('');
  }
  for (const [title, res] of [['Limits', c.resources?.limits], ['Requests', c.resources?.requests]] as const) {
    const keys = Object.keys(res ?? {}).sort();
    if (keys.length) out += `    ${title}:\n` + keys.map((k) => `      ${k}:\t${res[k]}\n`).join('');
  }
  const env = (c.env ?? []) as Any[];
  out += env.length === 0 ? `    Environment:\t<none>\n` : `    Environment:\n` + env.map((e) => `      ${e.name}:\t${envValue(e)}\n`).join('');
  const mounts = [...((c.volumeMounts ?? []) as Any[])].sort((a, b) => String(a.mountPath).localeCompare(String(b.mountPath)));
  out +=
    mounts.length === 0
      ? `    Mounts:\t<none>\n`
      : `    Mounts:\n` + mounts.map((m) => `      ${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'}${m.subPath ? `,path="${m.subPath}"` : ''})\n`).join('');
  return out;
}

function volume(v: Any): string {
  let out = `   ${v.name}:\n`;
  if (v.emptyDir) out += `    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${v.emptyDir.medium ?? ''}\n    SizeLimit:\t${v.emptyDir.sizeLimit ?? '<unset>'}\n`;
  else if (v.configMap) out += `    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${v.configMap.name}\n    Optional:\t${Boolean(v.configMap.optional)}\n`;
  else if (v.secret) out += `    Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${v.secret.secretName}\n    Optional:\t${Boolean(v.secret.optional)}\n`;
  else if (v.hostPath) out += `    Type:\tHostPath (bare host directory volume)\n    Path:\t${v.hostPath.path}\n    HostPathType:\t${v.hostPath.type ?? ''}\n`;
  else if (v.persistentVolumeClaim) out += `    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${v.persistentVolumeClaim.claimName}\n    ReadOnly:\t${Boolean(v.persistentVolumeClaim.readOnly)}\n`;
  else out += `    <unknown>\n`;
  return out;
}

function toleration(t: Any): string {
  let s = t.key ?? '';
  if (t.value) s += `=${t.value}`;
  if (t.effect) s += `:${t.effect}`;
  if (t.operator === 'Exists' && !t.value) s += t.key ? ' op=Exists' : 'op=Exists';
  if (t.tolerationSeconds !== undefined) s += ` for ${t.tolerationSeconds}s`;
  return s;
}

export function describePodTemplate(template: Any | undefined): string {
  if (!template) return `Pod Template:\n  <unset>`;
  const spec = template.spec ?? {};
  let out = 'Pod Template:\n';
  out += multiline('  Labels', template.metadata?.labels, '=');
  const annotations = template.metadata?.annotations ?? {};
  if (Object.keys(annotations).length > 0) out += multiline('  Annotations', annotations, ': ', (k) => k === 'kubectl.kubernetes.io/last-applied-configuration');
  if (spec.serviceAccountName) out += `  Service Account:\t${spec.serviceAccountName}\n`;
  if (spec.initContainers?.length) out += `  Init Containers:\n` + (spec.initContainers as Any[]).map(container).join('');
  out += `  Containers:\n` + ((spec.containers ?? []) as Any[]).map(container).join('');
  const volumes = (spec.volumes ?? []) as Any[];
  out += volumes.length === 0 ? `  Volumes:\t<none>\n` : `  Volumes:\n` + volumes.map(volume).join('');
  if (spec.priorityClassName) out += `  Priority Class Name:\t${spec.priorityClassName}\n`;
  out += multiline('  Node-Selectors', spec.nodeSelector, '=');
  const tolerations = (spec.tolerations ?? []) as Any[];
  out += tolerations.length === 0 ? `  Tolerations:\t<none>\n` : tolerations.map((t, i) => `${i === 0 ? '  Tolerations:\t' : '\t'}${toleration(t)}\n`).join('');
  return out;
}
