import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeAtomically, type Payload } from './atomic-writer.js';

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-aw-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const payload = (entries: Record<string, string | [string, number]>): Payload =>
  new Map(Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? { data: Buffer.from(v), mode: 0o644 } : { data: Buffer.from(v[0]), mode: v[1] }]));

test('layout: ..data -> timestamped dir, one symlink per top-level name', (t) => {
  const dir = tmp(t);
  assert.equal(writeAtomically(dir, payload({ a: 'A', 'sub/b': ['B', 0o600] }), { now: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) }), true);
  const data = fs.readlinkSync(path.join(dir, '..data'));
  assert.match(data, /^\.\.2024_01_02_03_04_05\.\d+$/);
  assert.equal(fs.readlinkSync(path.join(dir, 'a')), '..data/a');
  assert.equal(fs.readlinkSync(path.join(dir, 'sub')), '..data/sub');
  assert.equal(fs.readFileSync(path.join(dir, 'a'), 'utf8'), 'A');
  assert.equal(fs.readFileSync(path.join(dir, 'sub/b'), 'utf8'), 'B');
  assert.equal(fs.statSync(path.join(dir, 'sub/b')).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.join(dir, data)).mode & 0o777, 0o755);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['..data', data, 'a', 'sub'].sort());
});

test('an unchanged payload writes nothing; a change swaps ..data and removes stale names and the old dir', (t) => {
  const dir = tmp(t);
  writeAtomically(dir, payload({ a: 'A', b: 'B' }));
  const first = fs.readlinkSync(path.join(dir, '..data'));
  assert.equal(writeAtomically(dir, payload({ a: 'A', b: 'B' })), false);
  assert.equal(fs.readlinkSync(path.join(dir, '..data')), first);
  // A file opened through the user-visible path keeps reading the old content; a new open sees the new.
  assert.equal(writeAtomically(dir, payload({ a: 'A2', c: 'C' })), true);
  const second = fs.readlinkSync(path.join(dir, '..data'));
  assert.notEqual(second, first);
  assert.equal(fs.readFileSync(path.join(dir, 'a'), 'utf8'), 'A2');
  assert.equal(fs.existsSync(path.join(dir, 'b')), false);
  assert.equal(fs.existsSync(path.join(dir, first)), false);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['..data', second, 'a', 'c'].sort());
  // A mode change alone is a change.
  assert.equal(writeAtomically(dir, payload({ a: ['A2', 0o400], c: 'C' })), true);
  assert.equal(fs.statSync(path.join(dir, 'a')).mode & 0o777, 0o400);
});

test('invalid paths are refused before anything is written', (t) => {
  const dir = tmp(t);
  const cases: Array<[string, RegExp]> = [
    ['/abs', /must be relative path/],
    ['../escape', /must not contain '\.\.'/],
    ['a/../../x', /must not contain '\.\.'/],
    ['..hidden', /must not start with '\.\.'/],
    ['', /must not be empty/],
  ];
  for (const [p, re] of cases) assert.throws(() => writeAtomically(dir, payload({ [p]: 'x' })), re, p);
  assert.deepEqual(fs.readdirSync(dir), []);
});
