// Test support: a private cluster (etcd + apiserver from deploy/cluster.ts) in a fresh temp state dir
// on free loopback ports, so tests never touch a cluster that `npm start` left running.
// Must never use the default ports or the repo's .k8ts/, and must leave no process behind on stop().
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reset, up } from '../../deploy/cluster.js';
import { freePorts } from '../../deploy/probe.js';

export interface TestCluster {
  stateDir: string;
  /** Admin kubeconfig (client certificate of kubernetes-admin, O=system:masters). */
  kubeconfig: string;
  /** https://127.0.0.1:<port> */
  server: string;
  caFile: string;
  adminCertFile: string;
  adminKeyFile: string;
  /** Bearer token of the static token file, user kubernetes-admin in group system:masters. */
  token: string;
  /** Stops the apiserver and etcd and deletes the state dir. */
  stop(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-test-cluster-'));
  const [apiserverPort, etcdClientPort, etcdPeerPort, etcdMetricsPort] = await freePorts(4);
  const lines: string[] = [];
  const options = {
    stateDir, apiserverPort, etcdClientPort, etcdPeerPort, etcdMetricsPort,
    bindAddress: '127.0.0.1',
    log: (line: string) => { lines.push(line); },
  };
  try {
    const result = await up(options);
    let stopped = false;
    return {
      stateDir,
      kubeconfig: result.kubeconfig,
      server: result.server,
      caFile: result.caFile,
      adminCertFile: result.adminCertFile,
      adminKeyFile: result.adminKeyFile,
      token: result.token,
      async stop() {
        if (stopped) return;
        stopped = true;
        await reset(options);
      },
    };
  } catch (err) {
    await reset(options).catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`test cluster did not start: ${message}\n${lines.join('\n')}`);
  }
}
