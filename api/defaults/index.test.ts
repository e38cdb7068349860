// Tests of applyDefaults on real manifests: each kind gets upstream's defaults, user values stay,
// unknown kinds and junk are left alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, imageTag } from './index.js';

const podTemplateDefaults = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

test('a minimal Deployment gets the full upstream defaults', () => {
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
  applyDefaults(d);
  assert.deepEqual(d.spec, {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        ...podTemplateDefaults,
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.25',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
      },
    },
  });
});

test('imagePullPolicy: Always for no tag or :latest, IfNotPresent otherwise', () => {
  const pod: any = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      containers: [
        { name: 'a', image: 'nginx' },
        { name: 'b', image: 'nginx:1.25' },
        { name: 'c', image: 'nginx:latest' },
        { name: 'd', image: 'localhost:5000/busybox' },
        { name: 'e', image: 'nginx@sha256:abcd' },
        { name: 'f', image: 'nginx', imagePullPolicy: 'Never' },
      ],
    },
  };
  applyDefaults(pod);
  assert.deepEqual(
    pod.spec.containers.map((c: any) => c.imagePullPolicy),
    ['Always', 'IfNotPresent', 'Always', 'Always', 'IfNotPresent', 'Never'],
  );
  assert.equal(imageTag('localhost:5000/busybox:1.36'), '1.36');
});

test('Pod: spec defaults, requests from limits, probes, env fieldRef, volumes', () => {
  const pod: any = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'app:1',
          resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
          livenessProbe: { httpGet: { port: 8080 } },
          env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        },
      ],
      volumes: [{ name: 'cfg', configMap: { name: 'c' } }, { name: 's', secret: { secretName: 's' } }, { name: 'tmp' }],
      tolerations: [{ key: 'k', operator: 'Exists' }],
    },
  };
  applyDefaults(pod);
  const s = pod.spec;
  assert.equal(s.enableServiceLinks, true);
  assert.equal(s.preemptionPolicy, 'PreemptLowerPriority');
  assert.equal(s.restartPolicy, 'Always');
  const c = s.containers[0];
  assert.deepEqual(c.resources.requests, { cpu: '100m', memory: '128Mi' });
  assert.deepEqual(c.livenessProbe, {
    httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.equal(c.env[0].valueFrom.fieldRef.apiVersion, 'v1');
  assert.deepEqual(s.volumes, [
    { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
    { name: 's', secret: { secretName: 's', defaultMode: 420 } },
    { name: 'tmp', emptyDir: {} },
  ]);
  // No DefaultTolerationSeconds admission tolerations here.
  assert.deepEqual(s.tolerations, [{ key: 'k', operator: 'Exists' }]);
});

test('pod templates of workloads do not get Pod-only defaults', () => {
  const rs: any = { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { template: { spec: { containers: [{ name: 'a', image: 'a', resources: { limits: { cpu: '1' } } }] } } } };
  applyDefaults(rs);
  assert.equal(rs.spec.replicas, 1);
  assert.equal(rs.spec.template.spec.enableServiceLinks, undefined);
  assert.equal(rs.spec.template.spec.containers[0].resources.requests, undefined);
});

test('Service defaults', () => {
  const svc: any = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } };
  applyDefaults(svc);
  assert.deepEqual(svc.spec, {
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ports: [
      { port: 80, protocol: 'TCP', targetPort: 80 },
      { port: 443, protocol: 'TCP', targetPort: 'https' },
    ],
  });
  const np: any = { apiVersion: 'v1', kind: 'Service', spec: { type: 'NodePort', ports: [{ port: 80 }] } };
  applyDefaults(np);
  assert.equal(np.spec.externalTrafficPolicy, 'Cluster');
  assert.equal(np.spec.ipFamilyPolicy, undefined);
  const en: any = { apiVersion: 'v1', kind: 'Service', spec: { type: 'ExternalName', externalName: 'x.example.com' } };
  applyDefaults(en);
  assert.equal(en.spec.internalTrafficPolicy, undefined);
});

test('Namespace, Secret, PV, PVC', () => {
  const ns: any = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } };
  applyDefaults(ns);
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  const sec: any = { apiVersion: 'v1', kind: 'Secret', data: {} };
  applyDefaults(sec);
  assert.equal(sec.type, 'Opaque');
  const pv: any = { apiVersion: 'v1', kind: 'PersistentVolume', spec: {} };
  applyDefaults(pv);
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(pv.spec.volumeMode, 'Filesystem');
  const pvc: any = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: {} };
  applyDefaults(pvc);
  assert.equal(pvc.spec.volumeMode, 'Filesystem');
});

test('DaemonSet and StatefulSet defaults', () => {
  const ds: any = { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template: { spec: { containers: [] } } } };
  applyDefaults(ds);
  assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec.revisionHistoryLimit, 10);
  const sts: any = { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: {} };
  applyDefaults(sts);
  assert.deepEqual(sts.spec, {
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    replicas: 1,
    revisionHistoryLimit: 10,
  });
  const onDelete: any = { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { updateStrategy: { type: 'OnDelete' } } };
  applyDefaults(onDelete);
  assert.deepEqual(onDelete.spec.updateStrategy, { type: 'OnDelete' });
});

test('Job and CronJob defaults', () => {
  const job: any = { apiVersion: 'batch/v1', kind: 'Job', spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'a' }] } } } };
  applyDefaults(job);
  const { template, ...rest } = job.spec;
  assert.deepEqual(rest, {
    completions: 1,
    parallelism: 1,
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    suspend: false,
    podReplacementPolicy: 'TerminatingOrFailed',
  });
  assert.equal(template.spec.restartPolicy, 'Never');
  assert.equal(job.spec.manualSelector, undefined);
  const par: any = { apiVersion: 'batch/v1', kind: 'Job', spec: { parallelism: 3 } };
  applyDefaults(par);
  assert.equal(par.spec.completions, undefined);
  const cj: any = { apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: 'a' }] } } } } } };
  applyDefaults(cj);
  assert.equal(cj.spec.concurrencyPolicy, 'Allow');
  assert.equal(cj.spec.suspend, false);
  assert.equal(cj.spec.successfulJobsHistoryLimit, 3);
  assert.equal(cj.spec.failedJobsHistoryLimit, 1);
  assert.equal(cj.spec.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(cj.spec.jobTemplate.spec.backoffLimit, undefined);
});

test('other groups: EndpointSlice, PriorityClass, RBAC bindings; Ingress pathType untouched', () => {
  const es: any = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', ports: [{ port: 80 }] };
  applyDefaults(es);
  assert.deepEqual(es.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  const pc: any = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', value: 5 };
  applyDefaults(pc);
  assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
  const rb: any = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's' }] };
  applyDefaults(rb);
  assert.equal(rb.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  assert.deepEqual(rb.subjects.map((s: any) => s.apiGroup), ['rbac.authorization.k8s.io', '']);
  const ing: any = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', spec: { rules: [{ http: { paths: [{ path: '/' }] } }] } };
  const before = structuredClone(ing);
  applyDefaults(ing);
  assert.deepEqual(ing, before);
});

test('unknown kinds and junk are left untouched without throwing', () => {
  const cr = { apiVersion: 'example.com/v1', kind: 'Widget', spec: {} };
  applyDefaults(cr);
  assert.deepEqual(cr, { apiVersion: 'example.com/v1', kind: 'Widget', spec: {} });
  const junk: any[] = [null, 3, 'x', [], { apiVersion: 'v1', kind: 'Pod', spec: 'nope' }, { apiVersion: 'v1', kind: 'Pod', spec: { containers: 'x', volumes: [1, null] } }, { apiVersion: 'apps/v1', kind: 'Deployment', spec: { strategy: 5 } }, { apiVersion: 'v1', kind: 'constructor' }];
  for (const j of junk) assert.doesNotThrow(() => applyDefaults(j));
});
