import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultOf } from './exec-websocket.js';

test('the error channel decodes as client-go errorDecoderV4', () => {
  assert.deepEqual(resultOf(''), { code: 0 });
  assert.deepEqual(resultOf('{"status":"Success"}'), { code: 0 });
  assert.deepEqual(resultOf('{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"42"}]}}'), { code: 42 });
  assert.deepEqual(resultOf('{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[]}}'), { error: 'error stream protocol error: no ExitCode cause given' });
  assert.deepEqual(resultOf('{"status":"Failure","message":"Internal error occurred: boom"}'), { error: 'Internal error occurred: boom' });
  assert.match((resultOf('garbage') as { error: string }).error, /error stream protocol error/);
});
