// Owns the project's own container image `k8ts/node:<package version>`: the host's node binary with
// the shared libraries it links, the built dist/ and the production node_modules, imported offline
// with `docker import` and labelled with a hash of its content so it is rebuilt only when that changes.
// Must never pull or push, and never remove an image other than the one this tag pointed at before.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './options.js';

/** Docker label carrying the content hash the image was built from. */
export const CONTENT_HASH_LABEL = 'io.k8ts.content-hash';
/** Raise when the layout of the root filesystem changes, so existing images are rebuilt. */
const LAYOUT_VERSION = '1';
/** Parts of dist/ a running daemon never needs. */
const DIST_EXCLUDES = ['dist/test', 'dist/e2e', 'dist/bench', '*.test.js', '*.test.js.map'];

export interface ProjectImageOptions {
  /** Repository root holding dist/, node_modules/, package.json and package-lock.json. */
  root?: string;
  /** Image reference; default k8ts/node:<version of package.json>. */
  image?: string;
  /** DOCKER_HOST for the docker CLI; the default socket when undefined. */
  dockerHost?: string;
  log?: (line: string) => void;
}

export interface ProjectImageResult {
  image: string;
  hash: string;
  state: 'built' | 'present';
  seconds: number;
}

export function projectImageName(root = repoRoot): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return `k8ts/node:${pkg.version}`;
}

function dockerEnv(o: ProjectImageOptions): NodeJS.ProcessEnv {
  return o.dockerHost ? { ...process.env, DOCKER_HOST: o.dockerHost } : process.env;
}

function excluded(rel: string): boolean {
  return DIST_EXCLUDES.some((p) => (p.startsWith('*') ? rel.endsWith(p.slice(1)) : rel === p || rel.startsWith(`${p}/`)));
}

function walk(dir: string, rel: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const r = `${rel}/${entry.name}`;
    if (excluded(r)) continue;
    if (entry.isDirectory()) walk(path.join(dir, entry.name), r, out);
    else if (entry.isFile()) out.push(r);
  }
}

/** sha256 over what goes into the image: dist/ files, package.json, package-lock.json, node's version. */
export function projectContentHash(root = repoRoot): string {
  const hash = createHash('sha256');
  hash.update(`layout ${LAYOUT_VERSION}\nnode ${process.version}\n`);
  for (const file of ['package.json', 'package-lock.json']) {
    hash.update(`${file}\n`);
    if (existsSync(path.join(root, file))) hash.update(readFileSync(path.join(root, file)));
  }
  const files: string[] = [];
  walk(path.join(root, 'dist'), 'dist', files);
  for (const rel of files.sort()) {
    hash.update(`\n${rel}\n`);
    hash.update(readFileSync(path.join(root, rel)));
  }
  return hash.digest('hex');
}

/** The libraries `ldd` lists for a binary, and its dynamic loader: absolute paths on this host. */
export function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs = new Set<string>();
  for (const line of out.split('\n')) {
    const arrow = /=>\s*(\/\S+)/.exec(line);
    const bare = /^\s*(\/\S+)\s+\(/.exec(line);
    const file = arrow?.[1] ?? bare?.[1];
    if (file) libs.add(file);
  }
  return [...libs];
}

function labelOf(image: string, o: ProjectImageOptions): string | undefined {
  const r = spawnSync('docker', ['image', 'inspect', '--format', `{{index .Config.Labels "${CONTENT_HASH_LABEL}"}}|{{.Id}}`, image], { env: dockerEnv(o), encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return r.stdout.trim();
}

function devDependencies(root: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  return Object.keys(pkg.devDependencies ?? {});
}

/**
 * Lays out a staging folder of symlinks (to node, its libraries, dist/, node_modules/) and small real
 * files (/etc, /tmp); `tar -h` follows the links, so nothing large is copied before the import.
 */
function stageRootfs(root: string, dir: string): void {
  const link = (target: string, inside: string) => {
    const dest = path.join(dir, inside);
    mkdirSync(path.dirname(dest), { recursive: true });
    symlinkSync(target, dest);
  };
  link(process.execPath, 'usr/local/bin/node');
  for (const lib of sharedLibraries(process.execPath)) link(lib, lib.slice(1));
  link(path.join(root, 'dist'), 'app/dist');
  link(path.join(root, 'node_modules'), 'app/node_modules');
  link(path.join(root, 'package.json'), 'app/package.json');
  for (const d of ['etc', 'tmp', 'var/tmp', 'root', 'home', 'proc', 'sys', 'dev', 'run']) mkdirSync(path.join(dir, d), { recursive: true });
  chmodSync(path.join(dir, 'tmp'), 0o1777);
  chmodSync(path.join(dir, 'var/tmp'), 0o1777);
  writeFileSync(path.join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  writeFileSync(path.join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(path.join(dir, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n');
}

function importStaged(dir: string, root: string, image: string, hash: string, o: ProjectImageOptions): Promise<void> {
  const excludes = [
    ...DIST_EXCLUDES.map((p) => (p.startsWith('*') ? `--exclude=./app/dist/${p}` : `--exclude=./app/${p}`)),
    '--exclude=./app/node_modules/.bin',
    '--exclude=./app/node_modules/.package-lock.json',
    ...devDependencies(root).map((name) => `--exclude=./app/node_modules/${name}`),
  ];
  const changes = [
    'WORKDIR /app',
    'ENV PATH=/usr/local/bin:/usr/bin:/bin',
    'ENV NODE_ENV=production',
    'ENTRYPOINT ["/usr/local/bin/node"]',
    `LABEL ${CONTENT_HASH_LABEL}=${hash}`,
  ].flatMap((c) => ['--change', c]);
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', dir, '-ch', '--owner=0', '--group=0', ...excludes, '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const docker = spawn('docker', ['import', ...changes, '-', image], { env: dockerEnv(o), stdio: ['pipe', 'pipe', 'pipe'] });
    let tarErr = '';
    let dockerErr = '';
    tar.stderr.on('data', (d) => { tarErr += d; });
    docker.stderr.on('data', (d) => { dockerErr += d; });
    docker.stdout.resume();
    tar.stdout.pipe(docker.stdin);
    docker.stdin.on('error', () => { /* reported through docker's exit code */ });
    let tarCode: number | null = null;
    tar.on('close', (code) => { tarCode = code; });
    docker.on('error', reject);
    tar.on('error', reject);
    docker.on('close', (code) => {
      if (tarCode !== null && tarCode !== 0) reject(new Error(`tar of the project image failed: ${tarErr.trim()}`));
      else if (code !== 0) reject(new Error(`docker import ${image} failed: ${dockerErr.trim()}`));
      else resolve();
    });
  });
}

/** Builds `k8ts/node:<version>` unless an image with the same content hash is already there. */
export async function ensureProjectImage(options: ProjectImageOptions = {}): Promise<ProjectImageResult> {
  const started = Date.now();
  const root = options.root ?? repoRoot;
  const image = options.image ?? projectImageName(root);
  if (!existsSync(path.join(root, 'dist'))) throw new Error(`${path.join(root, 'dist')} is missing: run npm run build`);
  if (!existsSync(path.join(root, 'node_modules'))) throw new Error(`${path.join(root, 'node_modules')} is missing: run npm ci`);
  const hash = projectContentHash(root);
  const before = labelOf(image, options);
  const seconds = () => (Date.now() - started) / 1000;
  if (before?.split('|')[0] === hash) {
    options.log?.(`image ${image}: up to date (${hash.slice(0, 12)})`);
    return { image, hash, state: 'present', seconds: seconds() };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-node-rootfs-'));
  try {
    stageRootfs(root, dir);
    await importStaged(dir, root, image, hash, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const oldId = before?.split('|')[1];
  if (oldId) spawnSync('docker', ['image', 'rm', oldId], { env: dockerEnv(options), stdio: 'ignore' }); // fails harmlessly while a container uses it
  options.log?.(`image ${image}: built (${hash.slice(0, 12)}) in ${seconds().toFixed(1)} s`);
  return { image, hash, state: 'built', seconds: seconds() };
}
