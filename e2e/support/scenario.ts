// Owns how a scenario runs and reports: one node:test test per scenario with its own time bound,
// one line `e2e: <scenario> ... ok (12.3 s)` (or FAILED) on stdout, and on failure the last lines
// of every lab daemon's log. Must never swallow a failure.
import { test } from 'node:test';
import type { E2eLab } from './lab.js';

export function scenario(lab: () => E2eLab | undefined, name: string, timeoutMs: number, body: () => Promise<void>): void {
  test(name, { timeout: timeoutMs + 5_000 }, async () => {
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    let timer: NodeJS.Timeout | undefined;
    try {
      // Our own bound, so the log tails are printed before node:test cancels the test.
      await Promise.race([
        body(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`scenario took longer than ${timeoutMs / 1000} s`)), timeoutMs); }),
      ]);
      process.stdout.write(`e2e: ${name} ... ok (${seconds()} s)\n`);
    } catch (err) {
      process.stdout.write(`e2e: ${name} ... FAILED (${seconds()} s): ${err instanceof Error ? err.message : String(err)}\n`);
      const current = lab();
      if (current) process.stdout.write(`e2e: last lines of the lab's daemon logs:\n${current.logTails()}\n`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  });
}
