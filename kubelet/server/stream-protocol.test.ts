import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerFrameReader } from './docker-frames.js';
import { chooseProtocol, exitStatus, frame, parseExecRequest, parseResize } from './stream-protocol.js';

test('the best offered subprotocol wins; unknown ones are refused', () => {
  assert.equal(chooseProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io', 'v3.channel.k8s.io']), 'v5.channel.k8s.io');
  assert.equal(chooseProtocol(['v3.channel.k8s.io', 'v4.channel.k8s.io']), 'v4.channel.k8s.io');
  assert.equal(chooseProtocol(['channel.k8s.io', 'base64.channel.k8s.io']), undefined);
});

test('exec query: repeated command, "1" flags, tty drops stderr, upstream errors', () => {
  const q = new URLSearchParams('command=sh&command=-c&command=exit%203&stdin=1&stdout=1&stderr=1&tty=1');
  assert.deepEqual(parseExecRequest(q), { command: ['sh', '-c', 'exit 3'], stdin: true, stdout: true, stderr: false, tty: true });
  assert.throws(() => parseExecRequest(new URLSearchParams('command=ls')), /you must specify at least 1 of stdin, stdout, stderr/);
  assert.throws(() => parseExecRequest(new URLSearchParams('stdout=1')), /at least one command/);
});

test('the error channel carries upstream exit statuses', () => {
  assert.deepEqual(exitStatus(0, ['true']), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
  const failed = exitStatus(3, ['sh', '-c', 'exit 3']);
  assert.equal(failed.reason, 'NonZeroExitCode');
  assert.deepEqual(failed.details, { causes: [{ reason: 'ExitCode', message: '3' }] });
  assert.match(JSON.stringify(failed), /"causes":\[\{"reason":"ExitCode","message":"3"\}\]/);
});

test('frames and resize messages', () => {
  assert.deepEqual(frame(1, 'hi'), Buffer.from([1, 0x68, 0x69]));
  assert.deepEqual(parseResize(Buffer.from('{"Width":120,"Height":40}')), { width: 120, height: 40 });
  assert.equal(parseResize(Buffer.from('{"Width":0}')), undefined);
  assert.equal(parseResize(Buffer.from('nope')), undefined);
});

test('Docker multiplexed frames split across chunks come out whole and in order', () => {
  const header = (type: number, n: number) => Buffer.from([type, 0, 0, 0, 0, 0, 0, n]);
  const all = Buffer.concat([header(1, 3), Buffer.from('out'), header(2, 3), Buffer.from('err')]);
  const reader = new DockerFrameReader();
  const first = reader.push(all.subarray(0, 5));
  const rest = reader.push(all.subarray(5));
  assert.deepEqual(first, []);
  assert.deepEqual(rest.map((f) => [f.stream, f.data.toString()]), [['stdout', 'out'], ['stderr', 'err']]);
});
