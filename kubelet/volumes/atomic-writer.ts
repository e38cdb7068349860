// Upstream's AtomicWriter layout for API-data volumes (configMap, secret, downwardAPI, projected):
// files live in a timestamped `..<ts>` dir, `..data` points at it, and each top-level name is a
// symlink through `..data`, so an update is one rename and readers never see a half-written set.
// Writes only inside targetDir; never follows a symlink out of it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

export type Payload = Map<string, FileProjection>;

const DATA_DIR = '..data';
const NEW_DATA_DIR = '..data_tmp';

/** Rejects what upstream's validatePayload rejects; returns the cleaned paths. */
export function validatePayload(payload: Payload): Payload {
  const cleaned: Payload = new Map();
  for (const [p, content] of payload) {
    validatePath(p);
    cleaned.set(path.posix.normalize(p), content);
  }
  return cleaned;
}

function validatePath(p: string): void {
  if (p.length === 0) throw new Error('invalid path: must not be empty');
  if (p.length > 4096) throw new Error(`invalid path: must be less than or equal to 4096 characters`);
  if (path.posix.isAbsolute(p)) throw new Error(`invalid path: must be relative path: ${p}`);
  for (const item of p.split('/')) {
    if (item === '..') throw new Error(`invalid path: must not contain '..': ${p}`);
  }
  if (p.startsWith('..')) throw new Error(`invalid path: must not start with '..': ${p}`);
}

function timestampDirPrefix(now: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `..${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}.`;
}

/** os.MkdirTemp's shape: the prefix plus a random decimal number. */
function makeTimestampDir(targetDir: string, prefix: string): string {
  for (;;) {
    const dir = path.join(targetDir, prefix + crypto.randomInt(0, 2 ** 32 - 1));
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

function readDataDirLink(targetDir: string): string | undefined {
  try {
    const link = fs.readlinkSync(path.join(targetDir, DATA_DIR));
    // Only a sibling `..<ts>` dir is ours; anything else is ignored (and replaced).
    return !link.includes('/') && link.startsWith('..') ? link : undefined;
  } catch {
    return undefined;
  }
}

/** Relative paths of every regular file under dir (no symlinks followed). */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(path.join(dir, entry.name), rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

function payloadUnchanged(oldDir: string, payload: Payload): boolean {
  let existing: string[];
  try {
    existing = listFiles(oldDir);
  } catch {
    return false;
  }
  if (existing.length !== payload.size) return false;
  for (const [p, content] of payload) {
    const file = path.join(oldDir, p);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || (st.mode & 0o7777) !== content.mode) return false;
      if (!fs.readFileSync(file).equals(content.data)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function topLevel(p: string): string {
  return p.split('/')[0]!;
}

/**
 * Writes payload into targetDir atomically (no-op when nothing changed); returns true if it wrote.
 * `onNewData` runs on the new timestamped dir before it becomes visible (ownership changes).
 */
export function writeAtomically(targetDir: string, rawPayload: Payload, options: { now?: Date; onNewData?: (dir: string) => void } = {}): boolean {
  const payload = validatePayload(rawPayload);
  fs.mkdirSync(targetDir, { recursive: true });
  const oldTsName = readDataDirLink(targetDir);
  const oldTsDir = oldTsName ? path.join(targetDir, oldTsName) : undefined;
  const oldPaths = new Set(oldTsDir ? safeList(oldTsDir).map(topLevel) : []);
  if (oldTsDir && payloadUnchanged(oldTsDir, payload)) {
    ensureUserVisible(targetDir, payload);
    return false;
  }

  const tsDir = makeTimestampDir(targetDir, timestampDirPrefix(options.now ?? new Date()));
  fs.chmodSync(tsDir, 0o755);
  for (const [p, content] of payload) {
    const file = path.join(tsDir, p);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, content.data, { mode: content.mode });
    fs.chmodSync(file, content.mode);
  }
  options.onNewData?.(tsDir);

  const tmpLink = path.join(targetDir, NEW_DATA_DIR);
  fs.rmSync(tmpLink, { force: true });
  fs.symlinkSync(path.basename(tsDir), tmpLink);
  fs.renameSync(tmpLink, path.join(targetDir, DATA_DIR));

  ensureUserVisible(targetDir, payload);
  const newTop = new Set([...payload.keys()].map(topLevel));
  for (const name of oldPaths) {
    if (!newTop.has(name)) fs.rmSync(path.join(targetDir, name), { force: true, recursive: false });
  }
  if (oldTsDir && oldTsDir !== tsDir) fs.rmSync(oldTsDir, { recursive: true, force: true });
  return true;
}

function safeList(dir: string): string[] {
  try {
    return listFiles(dir);
  } catch {
    return [];
  }
}

function ensureUserVisible(targetDir: string, payload: Payload): void {
  for (const name of new Set([...payload.keys()].map(topLevel))) {
    const link = path.join(targetDir, name);
    const want = `${DATA_DIR}/${name}`;
    let current: string | undefined;
    try {
      current = fs.readlinkSync(link);
    } catch {
      current = undefined;
    }
    if (current === want) continue;
    fs.rmSync(link, { force: true, recursive: true });
    fs.symlinkSync(want, link);
  }
}
