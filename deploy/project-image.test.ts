// Unit tests of the project image's inputs: the libraries node links (with the loader), and the
// content hash that decides a rebuild (changes with dist/ or the lock file, not with tests in dist/).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { projectContentHash, sharedLibraries } from './project-image.js';

test('sharedLibraries lists libc and the dynamic loader of node as absolute paths', () => {
  const libs = sharedLibraries(process.execPath);
  assert.ok(libs.every((l) => path.isAbsolute(l)));
  assert.ok(libs.some((l) => /\/libc\.so/.test(l)), libs.join(' '));
  assert.ok(libs.some((l) => /\/ld-linux/.test(l)), libs.join(' '));
});

test('the content hash follows dist/ and package-lock.json, and ignores compiled tests', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'k8ts-image-hash-'));
  try {
    mkdirSync(path.join(root, 'dist/dns'), { recursive: true });
    mkdirSync(path.join(root, 'dist/test'), { recursive: true });
    writeFileSync(path.join(root, 'package.json'), '{"version":"1.0.0"}');
    writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    writeFileSync(path.join(root, 'dist/dns/main.js'), 'console.log(1)');
    const first = projectContentHash(root);
    assert.equal(projectContentHash(root), first);
    writeFileSync(path.join(root, 'dist/dns/records.test.js'), 'test');
    writeFileSync(path.join(root, 'dist/test/x.js'), 'test');
    assert.equal(projectContentHash(root), first, 'tests are not in the image');
    writeFileSync(path.join(root, 'dist/dns/main.js'), 'console.log(2)');
    const second = projectContentHash(root);
    assert.notEqual(second, first);
    writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3,"x":1}');
    assert.notEqual(projectContentHash(root), second);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
