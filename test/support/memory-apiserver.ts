// Test support: the real apiserver app (validation, defaulting, patches, watch) over in-memory
// storage, listening on a free loopback port with its own temp PKI, and a client/ Client for it.
// The "in-memory client" of controller unit tests: reconcile against it, then assert the writes it
// recorded (every mutating request, in order). No etcd, no child process; stop() frees everything.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { buildApp } from '../../apiserver/app.js';
import { ensureSystemNamespaces } from '../../apiserver/bootstrap.js';
import { matchResourcePath } from '../../apiserver/http/request-info.js';
import { createMemoryStorage } from '../../apiserver/storage/memory.js';
import { createClient, type Client } from '../../client/index.js';
import { ensurePki } from '../../deploy/pki.js';

export interface RecordedWrite {
  verb: 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  /** The request path without the query, e.g. /apis/apps/v1/namespaces/default/replicasets/web/status. */
  path: string;
  statusCode: number;
  body?: unknown;
}

export interface MemoryApiserver {
  client: Client;
  server: string;
  /** Every mutating request answered so far, oldest first. */
  writes: RecordedWrite[];
  /** Forgets the writes recorded so far (e.g. after seeding fixtures). */
  clearWrites(): void;
  stop(): Promise<void>;
}

const VERBS: Record<string, RecordedWrite['verb']> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

/** A DELETE names one object (`delete`) or a whole collection (`deletecollection`). */
function deleteVerb(url: string): RecordedWrite['verb'] | undefined {
  const [root, ...segments] = url.split('/').filter(Boolean);
  if (root !== 'api' && root !== 'apis') return undefined;
  try {
    const match = matchResourcePath(root, segments);
    if (match.kind !== 'resource') return undefined;
    return match.request.name === undefined ? 'deletecollection' : 'delete';
  } catch {
    return undefined;
  }
}

export async function startMemoryApiserver(): Promise<MemoryApiserver> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-memory-apiserver-'));
  try {
    const { files } = ensurePki(dir);
    const token = 'memory-apiserver-admin-token';
    const tokens = new Map([[token, { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] }]]);
    const { app, stores } = await buildApp({
      storage: createMemoryStorage(),
      logger: pino({ level: 'silent' }),
      tokens,
      https: { key: readFileSync(files.key('apiserver')), cert: readFileSync(files.cert('apiserver')) },
    });
    const writes: RecordedWrite[] = [];
    app.addHook('onResponse', async (request, reply) => {
      const url = request.url.split('?')[0]!;
      const verb = request.method === 'DELETE' ? deleteVerb(url) : VERBS[request.method];
      if (!verb) return;
      writes.push({ verb, path: url, statusCode: reply.statusCode, body: request.body });
    });
    await ensureSystemNamespaces(stores);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('memory apiserver has no TCP address');
    const server = `https://127.0.0.1:${address.port}`;
    const client = createClient({
      server,
      ca: readFileSync(files.caCert),
      token,
      namespace: 'default',
      userAgent: 'k8ts-test/memory-apiserver',
    });
    return {
      client,
      server,
      writes,
      clearWrites() { writes.length = 0; },
      async stop() {
        await app.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
