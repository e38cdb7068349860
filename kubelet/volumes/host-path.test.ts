import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { checkHostPathType } from './host-path.js';

test('hostPath type checks: table', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-hp-'));
  const server = net.createServer();
  t.after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const file = path.join(dir, 'file');
  fs.writeFileSync(file, 'x');
  const sock = path.join(dir, 'sock');
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  const missing = path.join(dir, 'missing');
  const cases: Array<[string, string, string | undefined]> = [
    [missing, '', undefined],
    [dir, 'Directory', undefined],
    [file, 'Directory', `hostPath type check failed: ${file} is not a directory`],
    [missing, 'Directory', `hostPath type check failed: ${missing} is not a directory`],
    [file, 'File', undefined],
    [dir, 'File', `hostPath type check failed: ${dir} is not a file`],
    [file, 'DirectoryOrCreate', `hostPath type check failed: ${file} is not a directory`],
    [dir, 'FileOrCreate', `hostPath type check failed: ${dir} is not a file`],
    [sock, 'Socket', undefined],
    [file, 'Socket', `hostPath type check failed: ${file} is not a socket file`],
    ['/dev/null', 'CharDevice', undefined],
    [file, 'CharDevice', `hostPath type check failed: ${file} is not a character device`],
    ['/dev/null', 'BlockDevice', `hostPath type check failed: /dev/null is not a block device`],
    [file, 'Weird', 'Weird is an invalid volume type'],
  ];
  for (const [p, type, error] of cases) {
    if (error) assert.throws(() => checkHostPathType(p, type), { message: error }, `${type} ${p}`);
    else assert.doesNotThrow(() => checkHostPathType(p, type), `${type} ${p}`);
  }
  assert.equal(fs.existsSync(missing), false, 'type "" checks nothing and creates nothing');

  const newDir = path.join(dir, 'a/b/c');
  checkHostPathType(newDir, 'DirectoryOrCreate');
  assert.equal(fs.statSync(newDir).isDirectory(), true);
  assert.equal(fs.statSync(newDir).mode & 0o777, 0o755);
  const newFile = path.join(dir, 'new-file');
  checkHostPathType(newFile, 'FileOrCreate');
  assert.equal(fs.statSync(newFile).isFile(), true);
});
