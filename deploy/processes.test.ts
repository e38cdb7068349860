// Tests of deploy/processes.ts with real child processes (`node -e` sleepers): pid files, the
// "is it ours" check, logs, and stop by pid with TERM then KILL. No network I/O.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { poll } from './probe.js';
import { isOurProcess, logFile, pidFile, readPid, runningPid, startDaemon, stopDaemon, tailLog } from './processes.js';

describe('daemon processes', () => {
  let stateDir: string;
  const started: number[] = [];

  before(() => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-proc-'));
  });
  after(() => {
    for (const pid of started) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  function sleeper(name: string, marker: string, ignoreTerm = false): number {
    const script = `${ignoreTerm ? "process.on('SIGTERM', () => console.log('ignoring TERM'));" : ''}` +
      `console.log('ready ${marker}'); setInterval(() => {}, 1000);`;
    const pid = startDaemon(stateDir, { name, command: process.execPath, args: ['-e', script, marker], identity: marker });
    started.push(pid);
    return pid;
  }

  async function waitForLog(name: string, text: string): Promise<void> {
    const seen = await poll(async () => (tailLog(stateDir, name).some((l) => l.includes(text)) ? true : undefined), 10_000, 20);
    assert.ok(seen, `log of ${name} shows ${JSON.stringify(text)}: ${tailLog(stateDir, name).join(' | ')}`);
  }

  test('startDaemon records the pid and appends output to the log', async () => {
    const marker = `k8ts-test-sleeper-${process.pid}-a`;
    const pid = sleeper('a', marker);
    assert.equal(readPid(stateDir, 'a'), pid);
    assert.equal(readFileSync(pidFile(stateDir, 'a'), 'utf8'), `${pid}\n`);
    await waitForLog('a', `ready ${marker}`);
    assert.ok(existsSync(logFile(stateDir, 'a')));
    assert.equal(runningPid(stateDir, 'a', marker), pid);
    assert.equal(isOurProcess(pid, 'some-other-program'), false);

    assert.equal(await stopDaemon(stateDir, 'a', marker), 'terminated');
    assert.equal(isOurProcess(pid, marker), false);
    assert.equal(existsSync(pidFile(stateDir, 'a')), false);
    assert.equal(await stopDaemon(stateDir, 'a', marker), 'not-running');
  });

  test('a daemon that ignores SIGTERM is killed after the grace period', async () => {
    const marker = `k8ts-test-sleeper-${process.pid}-b`;
    const pid = sleeper('b', marker, true);
    await waitForLog('b', `ready ${marker}`);
    assert.equal(await stopDaemon(stateDir, 'b', marker, 300), 'killed');
    assert.equal(isOurProcess(pid, marker), false);
    await waitForLog('b', 'ignoring TERM');
  });

  test('a pid file naming a process that is not ours is removed without signalling it', async () => {
    const marker = `k8ts-test-sleeper-${process.pid}-c`;
    const pid = sleeper('c', marker);
    await waitForLog('c', `ready ${marker}`);
    assert.equal(runningPid(stateDir, 'c', 'k8ts-not-this-process'), undefined);
    assert.equal(await stopDaemon(stateDir, 'c', 'k8ts-not-this-process'), 'not-running');
    assert.equal(existsSync(pidFile(stateDir, 'c')), false);
    assert.equal(isOurProcess(pid, marker), true, 'the foreign process was left alone');
    process.kill(pid, 'SIGKILL');
  });

  test('a garbage or missing pid file reads as no pid', () => {
    writeFileSync(pidFile(stateDir, 'd'), 'not a pid\n');
    assert.equal(readPid(stateDir, 'd'), undefined);
    assert.equal(readPid(stateDir, 'missing'), undefined);
    assert.deepEqual(tailLog(stateDir, 'missing'), []);
  });
});
