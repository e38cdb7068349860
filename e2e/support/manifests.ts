// Owns the objects the e2e scenarios create: busybox-based pods, Deployments, Services and the like,
// with the local image (never pulled) and short grace periods so the suite stays fast.
// Must never reference an image that is not on the lab's workers.
export const BUSYBOX = { image: 'busybox:latest', imagePullPolicy: 'IfNotPresent' };

/** A container serving "<hostname> <VERSION>" over HTTP on 8080 with busybox httpd. */
export function webContainer(env: Record<string, string> = {}) {
  return {
    name: 'web',
    ...BUSYBOX,
    command: ['sh', '-c', 'echo "$HOSTNAME $VERSION" > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'],
    ports: [{ containerPort: 8080, name: 'http' }],
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
    readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
  };
}

export function namespace(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function podSpec(containers: object[], extra: Record<string, unknown> = {}) {
  return { terminationGracePeriodSeconds: 2, containers, ...extra };
}

export function onNode(node: string) {
  return { nodeSelector: { 'kubernetes.io/hostname': node } };
}

export function pod(ns: string, name: string, containers: object[], extra: Record<string, unknown> = {}, labels: Record<string, string> = { app: name }) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: podSpec(containers, extra) };
}

export function deployment(ns: string, name: string, replicas: number, containers: object[], extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels: { app: name } }, spec: podSpec(containers, extra) },
    },
  };
}

export function service(ns: string, name: string, app: string, type: 'ClusterIP' | 'NodePort' = 'ClusterIP', clusterIP?: string) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { type, selector: { app }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...(clusterIP ? { clusterIP } : {}) },
  };
}
