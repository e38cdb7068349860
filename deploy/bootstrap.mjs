// Entry point of `npm start/stop/reset/status`: makes a fresh clone runnable (Debian packages when
// root, `npm ci`, `npm run build` when stale), then hands over to `node dist/deploy/main.js <verb>`.
// Plain JavaScript with no dependencies, because it runs before node_modules exists. Must never
// install anything but the Debian packages it names, and only as root.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERBS = ['up', 'down', 'reset', 'status'];
/** Binaries `up` needs, and the Debian package that ships each. */
const DEBIAN_PACKAGES = [
  ['etcd', 'etcd-server'], ['etcdctl', 'etcd-client'], ['dockerd', 'docker.io'], ['iptables-restore', 'iptables'], ['busybox', 'busybox-static'], ['ip', 'iproute2'],
];
/** Folders whose .ts files tsc compiles (tsconfig.json "include"). */
const SOURCE_DIRS = ['api', 'client', 'apiserver', 'scheduler', 'controller-manager', 'kubelet', 'kube-proxy', 'deploy', 'test', 'kubectl', 'bench', 'e2e'];
const BUILD_STAMP = path.join(root, 'dist', '.build-stamp');

const log = (line) => console.log(`[k8ts] ${line}`);

class BootstrapError extends Error {}

/** Runs a command quietly; on failure shows its output and stops. */
function run(command, args, what, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new BootstrapError(`${what}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd().split('\n').slice(-30).join('\n');
    throw new BootstrapError(`${what} failed (exit ${result.status}):\n${output}`);
  }
}

function onPath(binary) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, binary)));
}

function ensureDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter(([binary]) => !onPath(binary)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new BootstrapError(`missing ${missing.join(', ')}: run  sudo apt-get install -y ${missing.join(' ')}  and try again`);
  }
  log(`installing Debian packages: ${missing.join(' ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], 'apt-get update', env);
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], `apt-get install ${missing.join(' ')}`, env);
}

function mtimeMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function ensureNodeModules() {
  const installed = mtimeMs(path.join(root, 'node_modules', '.package-lock.json'));
  const lock = mtimeMs(path.join(root, 'package-lock.json'));
  if (installed !== undefined && (lock === undefined || lock <= installed)) return;
  log('installing npm packages (npm ci) ...');
  run('npm', ['ci', '--no-audit', '--no-fund'], 'npm ci');
}

function newestSourceMtime() {
  let newest = Math.max(mtimeMs(path.join(root, 'tsconfig.json')) ?? 0, mtimeMs(path.join(root, 'package-lock.json')) ?? 0);
  for (const dir of SOURCE_DIRS) {
    const abs = path.join(root, dir);
    if (!existsSync(abs)) continue;
    for (const entry of readdirSync(abs, { recursive: true })) {
      if (String(entry).endsWith('.ts')) newest = Math.max(newest, mtimeMs(path.join(abs, String(entry))) ?? 0);
    }
  }
  return newest;
}

function ensureBuild(onlyIfMissing) {
  const stamp = mtimeMs(BUILD_STAMP);
  const built = existsSync(path.join(root, 'dist', 'deploy', 'main.js'));
  if (built && (onlyIfMissing || (stamp !== undefined && newestSourceMtime() <= stamp))) return;
  log('building (npm run build) ...');
  const startedAt = Date.now();
  run('npm', ['run', 'build', '--silent'], 'npm run build');
  // Stamped with the start time, so a source saved during the build still counts as newer.
  writeFileSync(BUILD_STAMP, `${new Date(startedAt).toISOString()}\n`);
  utimesSync(BUILD_STAMP, startedAt / 1000, startedAt / 1000);
}

function main() {
  const [verb, ...rest] = process.argv.slice(2);
  if (!VERBS.includes(verb)) {
    throw new BootstrapError(`usage: node deploy/bootstrap.mjs ${VERBS.join('|')} [--state-dir DIR] [--apiserver-port N] ...`);
  }
  if (verb === 'up') ensureDebianPackages();
  ensureNodeModules();
  ensureBuild(verb !== 'up');
  const result = spawnSync(process.execPath, [path.join(root, 'dist', 'deploy', 'main.js'), verb, ...rest], {
    cwd: process.cwd(),
    stdio: 'inherit',
  });
  if (result.error) throw new BootstrapError(result.error.message);
  process.exitCode = result.status ?? 1;
}

try {
  main();
} catch (err) {
  console.error(`[k8ts] error: ${err instanceof BootstrapError ? err.message : err}`);
  process.exitCode = 1;
}
