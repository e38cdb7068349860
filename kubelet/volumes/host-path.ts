// hostPath type checks as upstream's checkTypeInternal (DirectoryOrCreate creates 0755 dirs,
// FileOrCreate creates a 0644 file; the others only check). Never removes or changes an existing path.
import fs from 'node:fs';

export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

function stat(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** Throws upstream's `hostPath type check failed: ...` errors. */
export function checkHostPathType(p: string, type: string | undefined): void {
  const t = type ?? '';
  const st = stat(p);
  switch (t) {
    case '':
      return;
    case 'DirectoryOrCreate':
    case 'Directory':
      if (!st && t === 'DirectoryOrCreate') {
        fs.mkdirSync(p, { recursive: true, mode: 0o755 });
        return;
      }
      if (!st?.isDirectory()) throw new Error(`hostPath type check failed: ${p} is not a directory`);
      return;
    case 'FileOrCreate':
    case 'File':
      if (!st && t === 'FileOrCreate') {
        fs.closeSync(fs.openSync(p, fs.constants.O_CREAT | fs.constants.O_RDONLY, 0o644));
        return;
      }
      if (!st?.isFile()) throw new Error(`hostPath type check failed: ${p} is not a file`);
      return;
    case 'Socket':
      if (!st?.isSocket()) throw new Error(`hostPath type check failed: ${p} is not a socket file`);
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw new Error(`hostPath type check failed: ${p} is not a character device`);
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw new Error(`hostPath type check failed: ${p} is not a block device`);
      return;
    default:
      throw new Error(`${t} is an invalid volume type`);
  }
}
