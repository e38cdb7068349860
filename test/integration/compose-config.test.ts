// docker-compose.yml as docker-compose 1.29 (Debian's docker-compose) reads it: `config -q` accepts
// it, the resolved services are the ones the README promises with the node containers' capability set
// (never `privileged`), the apiserver published on loopback away from 6443, and every daemon's command
// line is accepted by that daemon's own flag parser. Skipped, with the reason, without docker-compose.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { repoRoot } from '../../deploy/options.js';
import { parseOptions as parseApiserverOptions } from '../../apiserver/options.js';
import { parseFlags as parseControllerManagerFlags } from '../../controller-manager/flags.js';
import { parseSchedulerFlags } from '../../scheduler/options.js';

const composeFile = path.join(repoRoot, 'docker-compose.yml');
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const skip = hasCompose ? false : 'docker-compose is not installed (apt-get install docker-compose)';

function compose(args: string[], env: NodeJS.ProcessEnv = {}) {
  // A project name of our own and no inherited BASE_IMAGE/port, so the output is the file's defaults.
  const { BASE_IMAGE: _b, K8TS_COMPOSE_APISERVER_PORT: _p, ...rest } = process.env;
  return spawnSync('docker-compose', ['--project-name', 'k8ts-config-test', ...args], {
    cwd: repoRoot, encoding: 'utf8', env: { ...rest, ...env }, timeout: 60_000,
  });
}

interface Service {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  privileged?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  device_cgroup_rules?: string[];
  tmpfs?: string[];
  ports?: Array<string | { host_ip?: string; published?: number | string; target?: number }>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: Array<string | { source?: string; target?: string; read_only?: boolean; type?: string }>;
}

function resolved(env: NodeJS.ProcessEnv = {}): { services: Record<string, Service>; volumes: Record<string, unknown> } {
  const r = compose(['-f', composeFile, 'config'], env);
  assert.equal(r.status, 0, r.stderr);
  return YAML.parse(r.stdout);
}

/** Ports as docker-compose 1.29 ("127.0.0.1:16443:6443/tcp") or Compose v2 (long syntax) prints them. */
function publishedPorts(service: Service): Array<{ hostIP: string; published: number; target: number }> {
  return (service.ports ?? []).map((p) => {
    if (typeof p !== 'string') return { hostIP: p.host_ip ?? '', published: Number(p.published), target: Number(p.target) };
    const parts = p.replace(/\/\w+$/, '').split(':');
    const [target, published, ...ip] = parts.reverse();
    return { hostIP: ip.reverse().join(':'), published: Number(published), target: Number(target) };
  });
}

/** The daemon's own argv: what follows `node dist/<daemon>/main.js`. */
function daemonArgs(service: Service, program: string): string[] {
  const command = service.command ?? [];
  const i = command.indexOf(program);
  assert.ok(i >= 0, `command ${JSON.stringify(command)} does not run ${program}`);
  return command.slice(i + 1);
}

describe('docker-compose.yml', { skip }, () => {
  it('passes `docker-compose config -q`, and a file with an unknown key does not', () => {
    const ok = compose(['-f', composeFile, 'config', '-q']);
    assert.equal(ok.status, 0, `docker-compose config -q failed:\n${ok.stderr}`);
    assert.equal(ok.stdout, '');

    const dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-compose-config-'));
    try {
      const bad = path.join(dir, 'docker-compose.yml');
      writeFileSync(bad, 'version: "2.4"\nservices:\n  x:\n    image: busybox\n    privileged_mode: true\n');
      const r = compose(['-f', bad, 'config', '-q']);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /privileged_mode/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has the control plane, the pki init service and two node containers from one image', () => {
    const { services, volumes } = resolved();
    assert.deepEqual(Object.keys(services).sort(), ['apiserver', 'controller-manager', 'etcd', 'node1', 'node2', 'pki', 'scheduler']);
    for (const [name, s] of Object.entries(services)) {
      assert.equal(s.image, 'k8ts/compose:dev', name);
      assert.equal(s.build?.context, repoRoot, name);
      assert.equal(s.build?.args?.BASE_IMAGE, 'node:20-bookworm-slim', name);
    }
    assert.deepEqual(Object.keys(volumes).sort(), ['etcd-data', 'node1-docker', 'node2-docker', 'pki']);
    assert.equal(services.etcd!.depends_on?.pki?.condition, 'service_completed_successfully');
    assert.equal(services.apiserver!.depends_on?.etcd?.condition, 'service_healthy');
    for (const name of ['controller-manager', 'scheduler', 'node1', 'node2']) {
      assert.equal(services[name]!.depends_on?.apiserver?.condition, 'service_healthy', name);
    }
  });

  it('BASE_IMAGE and K8TS_COMPOSE_APISERVER_PORT from the environment reach the build and the ports', () => {
    const { services } = resolved({ BASE_IMAGE: 'k8ts/base:bookworm', K8TS_COMPOSE_APISERVER_PORT: '17443' });
    assert.equal(services.node1!.build?.args?.BASE_IMAGE, 'k8ts/base:bookworm');
    assert.deepEqual(publishedPorts(services.apiserver!), [{ hostIP: '127.0.0.1', published: 17443, target: 6443 }]);
    assert.ok(services.pki!.command?.includes('--host-server=https://127.0.0.1:17443'));
  });

  it('publishes the apiserver on loopback only, on 16443 (never 6443), and nothing else', () => {
    const { services } = resolved();
    assert.deepEqual(publishedPorts(services.apiserver!), [{ hostIP: '127.0.0.1', published: 16443, target: 6443 }]);
    for (const [name, s] of Object.entries(services)) if (name !== 'apiserver') assert.deepEqual(publishedPorts(s), [], `${name} publishes ports`);
  });

  it('gives the nodes the privileged-equivalent set, never privileged: true', () => {
    const { services } = resolved();
    for (const name of ['node1', 'node2']) {
      const s = services[name]!;
      assert.notEqual(s.privileged, true, name);
      assert.deepEqual(s.cap_add, ['ALL'], name);
      assert.deepEqual(s.cap_drop, ['SYS_RESOURCE'], name);
      assert.ok(s.security_opt?.includes('seccomp:unconfined'), name);
      assert.deepEqual(s.device_cgroup_rules, ['a *:* rwm'], name);
      assert.ok(s.tmpfs?.includes('/run'), name);
      assert.deepEqual(s.entrypoint, ['k8ts-node-entrypoint'], name);
      const docker = s.volumes?.find((v) => (typeof v === 'string' ? v.endsWith(':/var/lib/docker:rw') : v.target === '/var/lib/docker'));
      assert.ok(docker, `${name} has no volume on /var/lib/docker`);
      assert.match(JSON.stringify(docker), new RegExp(`${name}-docker`));
    }
  });

  it("runs each control-plane daemon with flags its own parser accepts", () => {
    const { services } = resolved();
    const apiserver = parseApiserverOptions(daemonArgs(services.apiserver!, 'dist/apiserver/main.js'));
    assert.equal(apiserver.securePort, 6443);
    assert.deepEqual(apiserver.etcdServers, ['https://etcd:2379']);
    const cm = parseControllerManagerFlags(daemonArgs(services['controller-manager']!, 'dist/controller-manager/main.js'));
    assert.equal(cm.kubeconfig, '/etc/k8ts/controller-manager.kubeconfig');
    assert.equal(cm.clusterCIDR, '10.244.0.0/16');
    assert.equal(cm.allocateNodeCIDRs, true);
    const scheduler = parseSchedulerFlags(daemonArgs(services.scheduler!, 'dist/scheduler/main.js'));
    assert.equal(scheduler.kubeconfig, '/etc/k8ts/scheduler.kubeconfig');
  });
});
