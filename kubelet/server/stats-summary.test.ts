import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerStats, hostCpuNanoSeconds, hostMemory } from './stats-summary.js';

test('host cpu: busy jiffies of the cpu line in nanoseconds (idle and iowait excluded)', () => {
  const stat = 'cpu  100 10 50 9000 40 5 5 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n';
  assert.equal(hostCpuNanoSeconds(stat), (100 + 10 + 50 + 5 + 5) * 10_000_000);
});

test('host memory: working set is usage minus inactive file pages', () => {
  const meminfo = 'MemTotal:       1000 kB\nMemFree:         200 kB\nInactive(file):  100 kB\nAnonPages:       300 kB\n';
  assert.deepEqual(hostMemory(meminfo, 't'), {
    time: 't', availableBytes: 300 * 1024, usageBytes: 800 * 1024, workingSetBytes: 700 * 1024, rssBytes: 300 * 1024, pageFaults: 0, majorPageFaults: 0,
  });
});

test('container stats from Docker: cpu rate between the two samples, cgroup v2 memory', () => {
  const s = containerStats('web', 'start', {
    read: '2024-01-01T00:00:01Z',
    preread: '2024-01-01T00:00:00Z',
    cpu_stats: { cpu_usage: { total_usage: 1_500_000_000 } },
    precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 } },
    memory_stats: { usage: 10_000, stats: { inactive_file: 4_000, anon: 5_000, pgfault: 7, pgmajfault: 1 } },
  });
  assert.equal(s.cpu.usageNanoCores, 500_000_000);
  assert.equal(s.cpu.usageCoreNanoSeconds, 1_500_000_000);
  assert.deepEqual(s.memory, { time: '2024-01-01T00:00:01Z', usageBytes: 10_000, workingSetBytes: 6_000, rssBytes: 5_000, pageFaults: 7, majorPageFaults: 1 });
});
