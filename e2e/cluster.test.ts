// The end-to-end suite: one lab (control plane + two workers, each in its own network namespace)
// for the whole file, driven with the stock kubectl and the k8ts CLI, one bounded scenario per
// user-visible behaviour. Must leave nothing behind: the last scenario asserts the lab is gone.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe } from 'node:test';
import { Cli, waitFor } from './support/kubectl.js';
import { E2eLab, e2eSkipReason } from './support/lab.js';
import { BUSYBOX, deployment, namespace, onNode, pod, podSpec, service, webContainer } from './support/manifests.js';
import { scenario } from './support/scenario.js';

const skip = e2eSkipReason();

function isReady(p: any): boolean {
  return !p.metadata?.deletionTimestamp && p.status?.phase === 'Running' &&
    (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** One HTTP GET from the root namespace (through the lab's veth); rejects on errors and after 3 s. */
function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 3_000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url} answered ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 3 s`)));
    req.on('error', reject);
  });
}

describe('e2e: a lab of one control plane and two workers', { skip: skip ?? false }, () => {
  let lab: E2eLab | undefined;
  let cli: Cli;
  let w1: string;
  let w2: string;
  const k = (args: string[], input?: string) => cli.kubectl(args, input);

  before(async () => {
    const started = Date.now();
    lab = new E2eLab();
    try {
      const info = await lab.up();
      cli = new Cli(info.kubeconfig);
      [w1, w2] = info.workers.map((w) => w.name) as [string, string];
      // The CronJob runs at the start of a minute: made now, its first Job is due by the Job scenario.
      await cli.apply([namespace('e2e-cron'), {
        apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick', namespace: 'e2e-cron' },
        spec: {
          schedule: '* * * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 2,
          jobTemplate: { spec: { template: { spec: podSpec([{ name: 'tick', ...BUSYBOX, command: ['echo', 'tick'] }], { restartPolicy: 'OnFailure' }) } } },
        },
      }]);
      process.stdout.write(`e2e: lab up ... ok (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    } catch (err) {
      process.stdout.write(`e2e: lab up ... FAILED: ${err instanceof Error ? err.message : String(err)}\n${lab.logTails()}\n`);
      throw err;
    }
  });

  after(async () => {
    // A safety net when the teardown scenario did not run; down() only removes a lab this run made.
    if (lab && lab.traces().namespaces.length + lab.traces().dirs.length > 0) await lab.down();
  });

  const current = () => lab;

  scenario(current, 'pod-to-pod across workers', 60_000, async () => {
    const ns = 'e2e-net';
    await cli.apply([namespace(ns), pod(ns, 'one', [webContainer()], onNode(w1)), pod(ns, 'two', [webContainer()], onNode(w2))], 'k8ts');
    const ips = await waitFor('both pods Ready', async () => {
      const pods = await cli.items(['pods', '-n', ns]);
      return pods.length === 2 && pods.every(isReady) ? Object.fromEntries(pods.map((p) => [p.metadata.name, p.status.podIP])) : undefined;
    });
    const fromOne = await k(['exec', '-n', ns, 'one', '--', 'wget', '-qO-', `http://${ips.two}:8080/`]);
    assert.equal(fromOne.trim(), 'two', `pod one on ${w1} reached pod two on ${w2}`);
    const fromTwo = await cli.k8ts(['exec', '-n', ns, 'two', '--', 'wget', '-qO-', `http://${ips.one}:8080/`]);
    assert.equal(fromTwo.trim(), 'one', `pod two on ${w2} reached pod one on ${w1}`);
  });

  scenario(current, 'Deployment rollout, scale, rolling update, rollback', 240_000, async () => {
    const ns = 'e2e-deploy';
    await cli.apply([namespace(ns), deployment(ns, 'web', 2, [webContainer({ VERSION: '1' })])], 'k8ts');
    await k(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=90s']);
    const versions = async () => (await cli.items(['pods', '-n', ns, '-l', 'app=web'])).filter(isReady)
      .map((p) => p.spec.containers[0].env.find((e: any) => e.name === 'VERSION')?.value);

    await k(['scale', '-n', ns, 'deployment/web', '--replicas=4']);
    await waitFor('4 ready replicas', async () => (await cli.getJson(['deployment', 'web', '-n', ns])).status?.readyReplicas === 4, 90_000);

    await k(['set', 'env', '-n', ns, 'deployment/web', 'VERSION=2']);
    await k(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    await waitFor('4 ready pods of VERSION 2 only', async () => {
      const v = await versions();
      return v.length === 4 && v.every((x) => x === '2');
    }, 60_000);
    const sets = await cli.items(['replicasets', '-n', ns, '-l', 'app=web']);
    assert.equal(sets.length, 2, 'the rolling update made a second ReplicaSet');

    await cli.k8ts(['rollout', 'undo', '-n', ns, 'deployment/web']);
    await k(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    await waitFor('4 ready pods of VERSION 1 again', async () => {
      const v = await versions();
      return v.length === 4 && v.every((x) => x === '1');
    }, 60_000);
    const d = await cli.getJson(['deployment', 'web', '-n', ns]);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '3', 'the rollback is revision 3');
    const history = await k(['rollout', 'history', '-n', ns, 'deployment/web']);
    assert.match(history, /^2\s/m);
    assert.match(history, /^3\s/m);
  });

  scenario(current, 'Services: ClusterIP and DNS name from the other worker, NodePort on every worker', 120_000, async () => {
    const ns = 'e2e-svc';
    await cli.apply([
      namespace(ns),
      pod(ns, 'server', [webContainer()], onNode(w2), { app: 'echo' }),
      pod(ns, 'client', [{ name: 'client', ...BUSYBOX, command: ['sleep', '3600'] }], onNode(w1)),
      service(ns, 'echo', 'echo'),
      service(ns, 'echo-np', 'echo', 'NodePort'),
    ]);
    await waitFor('server and client Ready', async () => (await cli.items(['pods', '-n', ns])).filter(isReady).length === 2);
    const clusterIP = (await cli.getJson(['service', 'echo', '-n', ns])).spec.clusterIP as string;
    const nodePort = (await cli.getJson(['service', 'echo-np', '-n', ns])).spec.ports[0].nodePort as number;
    await waitFor('endpoints of echo', async () => ((await cli.getJson(['endpoints', 'echo', '-n', ns])).subsets ?? []).length > 0);
    const body = await waitFor(`http://${clusterIP}/ from the client on ${w1}`, async () =>
      (await k(['exec', '-n', ns, 'client', '--', 'wget', '-qO-', `http://${clusterIP}/`])).trim(), 60_000, 1_000);
    assert.equal(body, 'server');
    const hairpin = await waitFor(`http://${clusterIP}/ from the server itself (hairpin)`, async () =>
      (await k(['exec', '-n', ns, 'server', '--', 'wget', '-qO-', `http://${clusterIP}/`])).trim(), 30_000, 1_000);
    assert.equal(hairpin, 'server');
    const fqdn = `echo.${ns}.svc.cluster.local`;
    const resolved = await waitFor(`${fqdn} from the client (cluster DNS)`, async () =>
      (await k(['exec', '-n', ns, 'client', '--', 'nslookup', fqdn])).includes(`Address: ${clusterIP}`), 30_000, 1_000);
    assert.ok(resolved);
    for (const worker of lab!.workers()) {
      const answer = await waitFor(`NodePort ${nodePort} on ${worker.name} (${worker.ip})`, async () => (await httpGet(`http://${worker.ip}:${nodePort}/`)).trim(), 60_000, 1_000);
      assert.equal(answer, 'server', `NodePort on ${worker.name}`);
    }
  });

  scenario(current, 'a DaemonSet on every worker', 90_000, async () => {
    const ns = 'e2e-ds';
    await cli.apply([namespace(ns), {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: ns },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: podSpec([{ name: 'agent', ...BUSYBOX, command: ['sleep', '3600'] }]) } },
    }], 'k8ts');
    await waitFor('the DaemonSet ready on 2 nodes', async () => {
      const ds = await cli.getJson(['daemonset', 'agent', '-n', ns]);
      return ds.status?.desiredNumberScheduled === 2 && ds.status?.numberReady === 2;
    }, 60_000);
    const nodes = (await cli.items(['pods', '-n', ns, '-l', 'app=agent'])).map((p) => p.spec.nodeName).sort();
    assert.deepEqual(nodes, [w1, w2].sort());
  });

  scenario(current, 'ConfigMap and Secret as env and volumes', 60_000, async () => {
    const ns = 'e2e-config';
    await cli.apply([namespace(ns)]);
    await k(['create', 'configmap', 'settings', '-n', ns, '--from-literal=greeting=hello']);
    await cli.k8ts(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: ns }, stringData: { password: 's3cret' } }));
    await cli.apply([pod(ns, 'reader', [{
      name: 'reader', ...BUSYBOX,
      command: ['sh', '-c', 'echo "$GREETING $PASSWORD $(cat /etc/settings/greeting) $(cat /etc/creds/password)"'],
      env: [
        { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'settings', key: 'greeting' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      ],
      volumeMounts: [{ name: 'settings', mountPath: '/etc/settings' }, { name: 'creds', mountPath: '/etc/creds' }],
    }], { restartPolicy: 'Never', volumes: [{ name: 'settings', configMap: { name: 'settings' } }, { name: 'creds', secret: { secretName: 'creds' } }] })]);
    await waitFor('the reader pod Succeeded', async () => (await cli.getJson(['pod', 'reader', '-n', ns])).status?.phase === 'Succeeded');
    assert.equal((await k(['logs', '-n', ns, 'reader'])).trim(), 'hello s3cret hello s3cret');
  });

  scenario(current, 'logs and exec', 60_000, async () => {
    const ns = 'e2e-logs';
    await cli.apply([namespace(ns), pod(ns, 'talker', [{ name: 'talker', ...BUSYBOX, command: ['sh', '-c', 'for i in 1 2 3; do echo line $i; done; exec sleep 3600'] }], onNode(w2))]);
    await waitFor('talker Ready', async () => isReady(await cli.getJson(['pod', 'talker', '-n', ns])));
    const expected = 'line 1\nline 2\nline 3';
    await waitFor('three log lines (kubectl)', async () => (await k(['logs', '-n', ns, 'talker'])).trim() === expected);
    assert.equal((await cli.k8ts(['logs', '-n', ns, 'talker'])).trim(), expected, 'k8ts logs');
    assert.equal((await k(['logs', '-n', ns, 'talker', '--tail=1'])).trim(), 'line 3', 'kubectl logs --tail=1');
    assert.equal((await k(['exec', '-n', ns, 'talker', '--', 'sh', '-c', 'echo $((6*7))'])).trim(), '42');
    assert.equal((await k(['exec', '-i', '-n', ns, 'talker', '--', 'cat'], 'piped through stdin\n')).trim(), 'piped through stdin');
    assert.equal((await cli.k8ts(['exec', '-n', ns, 'talker', '--', 'hostname'])).trim(), 'talker');
    const failed = await cli.tryKubectl(['exec', '-n', ns, 'talker', '--', 'sh', '-c', 'exit 3']);
    assert.equal(failed.code, 3, 'the exit code of the command comes back through kubectl exec');
  });

  scenario(current, 'probes and a crash loop', 120_000, async () => {
    const ns = 'e2e-probes';
    await cli.apply([
      namespace(ns),
      pod(ns, 'crasher', [{ name: 'crasher', ...BUSYBOX, command: ['sh', '-c', 'echo crashing; exit 1'] }]),
      pod(ns, 'unhealthy', [{
        name: 'unhealthy', ...BUSYBOX, command: ['sh', '-c', 'touch /tmp/healthy; sleep 3; rm /tmp/healthy; exec sleep 3600'],
        livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
      }]),
      pod(ns, 'gated', [{
        name: 'gated', ...BUSYBOX, command: ['sleep', '3600'],
        readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
      }]),
    ]);
    await waitFor('crasher in CrashLoopBackOff after restarts', async () => {
      const s = (await cli.getJson(['pod', 'crasher', '-n', ns])).status?.containerStatuses?.[0];
      return s?.restartCount >= 2 && s?.state?.waiting?.reason === 'CrashLoopBackOff';
    }, 90_000);
    assert.equal((await k(['logs', '-n', ns, 'crasher', '--previous'])).trim(), 'crashing');
    await waitFor('unhealthy restarted by its liveness probe', async () =>
      (await cli.getJson(['pod', 'unhealthy', '-n', ns])).status?.containerStatuses?.[0]?.restartCount >= 1, 60_000);
    const gated = await waitFor('gated Running', async () => {
      const p = await cli.getJson(['pod', 'gated', '-n', ns]);
      return p.status?.phase === 'Running' ? p : undefined;
    });
    assert.equal(isReady(gated), false, 'not Ready while its readiness probe fails');
    await k(['exec', '-n', ns, 'gated', '--', 'touch', '/tmp/ready']);
    await waitFor('gated Ready once its probe passes', async () => isReady(await cli.getJson(['pod', 'gated', '-n', ns])), 30_000);
  });

  scenario(current, 'a Job and a CronJob', 150_000, async () => {
    const ns = 'e2e-jobs';
    await cli.apply([namespace(ns), {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'twice', namespace: ns },
      spec: { completions: 2, parallelism: 2, backoffLimit: 2, template: { spec: podSpec([{ name: 'work', ...BUSYBOX, command: ['sh', '-c', 'echo done'] }], { restartPolicy: 'Never' }) } },
    }], 'k8ts');
    await k(['wait', '-n', ns, '--for=condition=Complete', 'job/twice', '--timeout=90s'], undefined);
    const job = await cli.getJson(['job', 'twice', '-n', ns]);
    assert.equal(job.status.succeeded, 2);
    const logs = await k(['logs', '-n', ns, 'job/twice']);
    assert.equal(logs.trim(), 'done');
    // The CronJob made in before() fires at each minute's start.
    const fired = await waitFor('a Job of the CronJob complete', async () => {
      const jobs = await cli.items(['jobs', '-n', 'e2e-cron']);
      return jobs.find((j) => (j.status?.succeeded ?? 0) >= 1);
    }, 100_000, 1_000);
    assert.equal(fired.metadata.ownerReferences?.[0]?.kind, 'CronJob');
    const cron = await cli.getJson(['cronjob', 'tick', '-n', 'e2e-cron']);
    assert.ok(cron.status?.lastScheduleTime, 'the CronJob records lastScheduleTime');
  });

  scenario(current, 'cascading delete and namespace delete', 120_000, async () => {
    const ns = 'e2e-gc';
    await cli.apply([namespace(ns), deployment(ns, 'doomed', 2, [webContainer()]), deployment(ns, 'orphaner', 1, [webContainer()])]);
    await waitFor('both Deployments ready', async () => {
      const ds = await cli.items(['deployments', '-n', ns]);
      return ds.length === 2 && ds.every((d) => d.status?.readyReplicas === d.spec.replicas);
    }, 90_000);
    await k(['delete', '-n', ns, 'deployment/doomed']);
    await waitFor('the ReplicaSet and pods of doomed gone', async () =>
      (await cli.items(['replicasets', '-n', ns, '-l', 'app=doomed'])).length === 0 &&
      (await cli.items(['pods', '-n', ns, '-l', 'app=doomed'])).length === 0, 60_000);
    await cli.k8ts(['delete', '-n', ns, 'deployment/orphaner', '--cascade=orphan']);
    const orphans = await waitFor('the orphaned ReplicaSet without owner', async () => {
      const rs = await cli.items(['replicasets', '-n', ns, '-l', 'app=orphaner']);
      return rs.length === 1 && (rs[0].metadata.ownerReferences ?? []).length === 0 ? rs : undefined;
    }, 30_000);
    assert.equal(orphans.length, 1);
    await k(['delete', 'namespace', ns, '--wait=false']);
    await waitFor(`namespace ${ns} gone with everything in it`, async () =>
      (await cli.tryKubectl(['get', 'namespace', ns])).code !== 0, 90_000, 1_000);
    const left = await cli.items(['pods', '-n', ns]);
    assert.equal(left.length, 0);
  });

  scenario(current, 'a StatefulSet with PVCs and stable DNS names', 150_000, async () => {
    const ns = 'e2e-sts';
    await cli.apply([namespace(ns), { ...service(ns, 'db', 'db', 'ClusterIP', 'None') }, {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: ns },
      spec: {
        serviceName: 'db', replicas: 2, selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: podSpec([{
            name: 'db', ...BUSYBOX,
            command: ['sh', '-c', '[ -f /data/first ] || echo "$HOSTNAME $(date +%s%N)" > /data/first; exec sleep 3600'],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
            readinessProbe: { exec: { command: ['test', '-f', '/data/first'] }, periodSeconds: 1 },
          }]),
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } } }],
      },
    }]);
    await waitFor('db-0 and db-1 Ready', async () => (await cli.items(['pods', '-n', ns, '-l', 'app=db'])).filter(isReady).length === 2, 120_000);
    const claims = await cli.items(['pvc', '-n', ns]);
    assert.deepEqual(claims.map((c) => `${c.metadata.name}:${c.status.phase}`).sort(), ['data-db-0:Bound', 'data-db-1:Bound']);
    const before = (await k(['exec', '-n', ns, 'db-0', '--', 'cat', '/data/first'])).trim();
    assert.match(before, /^db-0 /);
    const oldUid = (await cli.getJson(['pod', 'db-0', '-n', ns])).metadata.uid;
    await k(['delete', 'pod', '-n', ns, 'db-0']);
    await waitFor('a new db-0 Ready', async () => {
      const p = await cli.getJson(['pod', 'db-0', '-n', ns]);
      return p.metadata.uid !== oldUid && isReady(p);
    }, 90_000);
    assert.equal((await k(['exec', '-n', ns, 'db-0', '--', 'cat', '/data/first'])).trim(), before, 'db-0 kept its volume');
    // The stable DNS name follows the new pod (headless Service, hostname + subdomain).
    const newIP = (await cli.getJson(['pod', 'db-0', '-n', ns])).status.podIP as string;
    const name = `db-0.db.${ns}.svc.cluster.local`;
    await waitFor(`${name} resolving to the new db-0 (${newIP}) from db-1`, async () =>
      (await k(['exec', '-n', ns, 'db-1', '--', 'nslookup', name])).includes(`Address: ${newIP}`), 30_000, 1_000);
  });

  scenario(current, 'a worker\'s kubelet killed: node NotReady, its pods recreated on the other worker', 180_000, async () => {
    const ns = 'e2e-failover';
    const tolerations = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']
      .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }));
    await cli.apply([namespace(ns), deployment(ns, 'survivor', 2, [webContainer()], { tolerations })]);
    await waitFor('survivor ready', async () => (await cli.getJson(['deployment', 'survivor', '-n', ns])).status?.readyReplicas === 2, 90_000);
    const pods = (await cli.items(['pods', '-n', ns, '-l', 'app=survivor'])).filter(isReady);
    const victim = pods[0].spec.nodeName as string;
    const other = victim === w1 ? w2 : w1;
    const victimPods = new Set(pods.filter((p) => p.spec.nodeName === victim).map((p) => p.metadata.name));

    lab!.kill(`${victim}-kubelet`);
    try {
      await waitFor(`node ${victim} NotReady`, async () => {
        const node = await cli.getJson(['node', victim]);
        const ready = node.status.conditions.find((c: any) => c.type === 'Ready');
        return ready.status !== 'True';
      }, 60_000);
      await waitFor(`2 ready survivor pods on ${other}`, async () => {
        const now = (await cli.items(['pods', '-n', ns, '-l', 'app=survivor'])).filter(isReady);
        return now.length === 2 && now.every((p) => p.spec.nodeName === other && !victimPods.has(p.metadata.name));
      }, 90_000);
    } finally {
      lab!.start(`${victim}-kubelet`);
    }
    await waitFor(`node ${victim} Ready again`, async () => {
      const node = await cli.getJson(['node', victim]);
      return node.status.conditions.find((c: any) => c.type === 'Ready').status === 'True' &&
        !(node.spec.taints ?? []).some((t: any) => t.effect === 'NoExecute');
    }, 60_000);
    await waitFor('the evicted pods gone once their kubelet is back', async () =>
      (await cli.items(['pods', '-n', ns, '-l', 'app=survivor'])).every((p) => !victimPods.has(p.metadata.name)), 60_000);
  });

  scenario(current, 'SIGKILL of apiserver, scheduler and controller-manager and an etcd restart during a rollout', 240_000, async () => {
    const ns = 'e2e-chaos';
    await cli.apply([namespace(ns), deployment(ns, 'steady', 3, [webContainer({ VERSION: '1' })])]);
    await k(['rollout', 'status', '-n', ns, 'deployment/steady', '--timeout=90s']);
    const names = Array.from({ length: 20 }, (_, i) => `keep-${i}`);
    await cli.apply(names.map((name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { i: name } })));
    await k(['set', 'env', '-n', ns, 'deployment/steady', 'VERSION=2']);

    const apiserverBack = async () => waitFor('the apiserver answering again', async () => (await cli.tryKubectl(['get', '--raw', '/readyz'])).code === 0, 60_000);
    for (const daemon of ['apiserver', 'scheduler', 'controller-manager']) {
      const before = lab!.pid(daemon);
      lab!.kill(daemon);
      await waitFor(`${daemon} (pid ${before}) gone`, async () => lab!.pid(daemon) === undefined, 10_000, 100);
      lab!.start(daemon);
      await apiserverBack();
    }
    await lab!.stop('etcd');
    lab!.start('etcd');
    await apiserverBack();

    await k(['rollout', 'status', '-n', ns, 'deployment/steady', '--timeout=150s'], undefined);
    const d = await cli.getJson(['deployment', 'steady', '-n', ns]);
    assert.equal(d.status.updatedReplicas, 3);
    assert.equal(d.status.readyReplicas, 3);
    await waitFor('exactly 3 pods, all of VERSION 2', async () => {
      const pods = (await cli.items(['pods', '-n', ns, '-l', 'app=steady'])).filter((p) => !p.metadata.deletionTimestamp);
      return pods.length === 3 && pods.every((p) => isReady(p) && p.spec.containers[0].env[0].value === '2');
    }, 60_000);
    const kept = (await cli.items(['configmaps', '-n', ns])).map((c) => c.metadata.name);
    for (const name of names) assert.ok(kept.includes(name), `ConfigMap ${name} survived`);
  });

  scenario(current, 'teardown leaves nothing behind', 120_000, async () => {
    const pids = ['etcd', 'apiserver', 'controller-manager', 'scheduler', ...lab!.workers().flatMap((w) => [`${w.name}-dockerd`, `${w.name}-kubelet`, `${w.name}-kube-proxy`])]
      .map((n) => lab!.pid(n)).filter((p): p is number => p !== undefined);
    assert.equal(pids.length, 4 + 3 * lab!.workers().length, 'every lab process ran before teardown');
    await lab!.down();
    const traces = lab!.traces();
    assert.deepEqual(traces.namespaces, [], `no ${lab!.options.prefix} network namespace`);
    assert.deepEqual(traces.dirs, [], 'no state or docker dirs');
    const alive = pids.filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } });
    assert.deepEqual(alive, [], 'no e2e process');
    const { execFileSync } = await import('node:child_process');
    const links = execFileSync('ip', ['-br', 'link'], { encoding: 'utf8' });
    assert.ok(!links.includes(lab!.options.prefix), `no ${lab!.options.prefix} link in the root namespace`);
    const shims = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`/run/${lab!.options.prefix}/`) || l.includes(`/var/lib/${lab!.options.prefix}/`) || l.includes(lab!.options.stateDir));
    assert.deepEqual(shims, [], 'no e2e containers or shims');
  });
});
