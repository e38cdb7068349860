// An informer on configmaps of a private cluster (etcd + apiserver via deploy/cluster.ts's up()) lives
// through an apiserver crash, changes written while it is down, and an etcd compaction past its
// resourceVersion: it must see 410, relist, and end with a cache equal to a fresh list.
// Never touches the default ports or the repo's .k8ts/; stops only what it started (by pid/state dir).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { reset, up, type ClusterOptions } from '../../deploy/cluster.js';
import { apiserverProgram } from '../../deploy/apiserver.js';
import { pkiFiles } from '../../deploy/pki.js';
import { freePorts } from '../../deploy/probe.js';
import { isOurProcess, readPid } from '../../deploy/processes.js';
import { keyOf } from '../../client/cache.js';
import { createInformer, type Informer } from '../../client/informer.js';
import { loadClientConfig } from '../../client/kubeconfig.js';
import { createClient, type Client } from '../../client/rest.js';
import type { KubeObject } from '../../client/objects.js';
import type { ResourceClient, WatchEvent, WatchOptions } from '../../client/types.js';
import { ETCD_BINARY } from '../support/etcd.js';

const run = promisify(execFile);
const ETCDCTL = process.env.K8TS_TEST_ETCDCTL ?? '/usr/bin/etcdctl';
const NS = 'informer-it';

function skipReason(): string | false {
  if (!existsSync(ETCD_BINARY)) return `etcd not found at ${ETCD_BINARY}`;
  if (!existsSync(ETCDCTL)) return `etcdctl not found at ${ETCDCTL}`;
  if (!existsSync(apiserverProgram)) return `${apiserverProgram} is missing: run npm run build`;
  return false;
}

/** Polls check() until it returns true or the deadline passes; the last failure is the error. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const snapshot = (objs: readonly Readonly<KubeObject>[]) =>
  objs.map((o) => `${keyOf(o)} rv=${o.metadata?.resourceVersion} data=${JSON.stringify(o.data ?? {})}`).sort();

describe('informer through an apiserver restart and an etcd compaction', { skip: skipReason(), timeout: 120_000 }, () => {
  let options: ClusterOptions;
  let client: Client;
  let cms: ResourceClient<KubeObject>;
  let informer: Informer<KubeObject> | undefined;
  const lines: string[] = [];

  before(async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-informer-it-'));
    const [apiserverPort, etcdClientPort, etcdPeerPort, etcdMetricsPort] = await freePorts(4);
    options = {
      stateDir, apiserverPort, etcdClientPort, etcdPeerPort, etcdMetricsPort,
      bindAddress: '127.0.0.1',
      nodeDaemons: false,
      log: (line: string) => void lines.push(line),
    };
    try {
      const cluster = await up(options);
      client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
    } catch (err) {
      await reset(options).catch(() => undefined);
      throw new Error(`cluster did not start: ${String(err)}\n${lines.join('\n')}`);
    }
    await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    cms = client.resource<KubeObject>('configmaps', NS);
  });

  after(async () => {
    informer?.stop();
    await informer?.stopped;
    client?.close();
    if (options) await reset(options);
  });

  /** etcdctl against the cluster's etcd with the apiserver's client certificate. */
  async function etcdctl(...args: string[]): Promise<string> {
    const files = pkiFiles(options.stateDir);
    const { stdout } = await run(ETCDCTL, [
      `--endpoints=https://127.0.0.1:${options.etcdClientPort}`,
      `--cacert=${files.caCert}`,
      `--cert=${files.cert('apiserver-etcd-client')}`,
      `--key=${files.key('apiserver-etcd-client')}`,
      '--command-timeout=10s',
      ...args,
    ], { env: { ...process.env, ETCDCTL_API: '3' } });
    return stdout;
  }

  const configMap = (name: string, v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v } });

  it('ends with a cache equal to a fresh list', async () => {
    // Count lists and record every 410 the informer meets, whether thrown or as an ERROR event.
    let lists = 0;
    const gone: string[] = [];
    const observed: Pick<ResourceClient<KubeObject>, 'list' | 'watch'> = {
      list: (opts, ns) => {
        lists++;
        return cms.list(opts, ns);
      },
      async *watch(opts?: WatchOptions, ns?: string): AsyncIterable<WatchEvent<KubeObject>> {
        try {
          for await (const ev of cms.watch(opts, ns)) {
            if (ev.type === 'ERROR' && (ev.object as { code?: number }).code === 410) gone.push(`event from ${opts?.resourceVersion}`);
            yield ev;
          }
        } catch (err) {
          if ((err as { code?: number }).code === 410) gone.push(`thrown from ${opts?.resourceVersion}`);
          throw err;
        }
      },
    };
    const deletes: string[] = [];
    const adds: string[] = [];
    informer = createInformer(observed, { namespace: NS, backoff: { initialMs: 100, maxMs: 1000 } });
    informer.on('add', (o) => void adds.push(o.metadata!.name!));
    informer.on('delete', (o) => void deletes.push(o.metadata!.name!));
    const inf = informer;
    const cacheEqualsFreshList = async () => {
      const fresh = await cms.list();
      assert.deepEqual(snapshot(inf.store.list()), snapshot(fresh.items));
      return true;
    };

    for (let i = 1; i <= 5; i++) await cms.create(configMap(`cm-${i}`, 'a'));
    inf.start();
    await inf.synced;
    assert.equal(inf.store.size, 5);

    // Changes the watch must deliver.
    await cms.create(configMap('cm-6', 'a'));
    await cms.patch('cm-1', 'merge', { data: { v: 'b' } });
    await cms.delete('cm-2');
    await eventually('the cache to follow the watch', cacheEqualsFreshList);
    const rvBeforeCrash = Number(inf.lastSyncResourceVersion());
    assert.equal(lists, 1, 'one list so far');

    // Crash the apiserver.
    const files = pkiFiles(options.stateDir);
    const pid = readPid(options.stateDir, 'apiserver');
    assert.ok(pid !== undefined && isOurProcess(pid, files.tokens), 'the apiserver of this test cluster runs');
    process.kill(pid, 'SIGKILL');
    await eventually('the apiserver to exit', () => !isOurProcess(pid, files.tokens), 10_000);

    // While it is down: write straight to etcd (as the apiserver would store them), then compact.
    const key = (name: string) => `/registry/core/configmaps/${NS}/${name}`;
    const stored = JSON.parse(await etcdctl('get', key('cm-3'), '--print-value-only')) as KubeObject;
    await etcdctl('put', key('cm-3'), JSON.stringify({ ...stored, data: { v: 'changed-while-down' } }));
    const created = { ...stored, metadata: { ...stored.metadata, name: 'cm-7', uid: randomUUID(), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }, data: { v: 'new' } };
    await etcdctl('put', key('cm-7'), JSON.stringify(created));
    await etcdctl('del', key('cm-4'));
    const status = JSON.parse(await etcdctl('endpoint', 'status', '-w', 'json')) as { Status: { header: { revision: number } } }[];
    const revision = status[0].Status.header.revision;
    assert.ok(revision > rvBeforeCrash + 1, `etcd moved on (${revision}) past the informer (${rvBeforeCrash})`);
    await etcdctl('compaction', String(revision));
    assert.equal(Number(inf.lastSyncResourceVersion()), rvBeforeCrash, 'the informer saw nothing while the apiserver was down');

    // Restart the apiserver through the public API, with the same options.
    const restarted = await up(options);
    assert.notEqual(restarted.apiserverPid, pid);

    await eventually('the cache to equal a fresh list after the restart', cacheEqualsFreshList);
    assert.ok(gone.length > 0, 'the informer met a 410 for its compacted resourceVersion');
    assert.ok(lists >= 2, 'and relisted');
    assert.ok(deletes.includes('cm-4'), 'the relist turned the vanished cm-4 into a delete');
    assert.ok(adds.includes('cm-7'), 'and the new cm-7 into an add');
    assert.equal((inf.store.getByKey(`${NS}/cm-3`)!.data as { v: string }).v, 'changed-while-down');

    // The watch from the relist's resourceVersion keeps the cache current.
    await cms.create(configMap('cm-8', 'a'));
    await cms.delete('cm-5');
    await eventually('the cache to follow the new watch', cacheEqualsFreshList);
    assert.deepEqual(inf.store.listKeys().map((k) => k.split('/')[1]).sort(), ['cm-1', 'cm-3', 'cm-6', 'cm-7', 'cm-8']);
  });
});
