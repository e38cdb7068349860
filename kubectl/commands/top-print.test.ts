// Tests of the `top` tables: kubectl's columns, units, percentages of allocatable, padding of every
// column (tab-terminated cells), `<unknown>` nodes, sorting, --containers, -A and --sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printNodeMetrics, printPodMetrics } from './top-print.js';

test('top node: millicores, Mi and percentages of allocatable; nodes without metrics are <unknown>', () => {
  const text = printNodeMetrics(
    [{ metadata: { name: 'node-a' }, usage: { cpu: '1500000000n', memory: '2097152Ki' } }],
    new Map([
      ['node-a', { cpu: '2', memory: '8Gi' }],
      ['node-b', { cpu: '2', memory: '8Gi' }],
    ]),
    {},
  );
  assert.equal(
    text,
    'NAME     CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   \n' +
      'node-a   1500m        75%         2048Mi          25%         \n' +
      'node-b   <unknown>    <unknown>   <unknown>       <unknown>   \n',
  );
  assert.equal(printNodeMetrics([], new Map(), {}), '');
});

test('top pod: containers summed per pod, sorted by name; --sort-by cpu sorts descending', () => {
  const metrics = [
    { metadata: { name: 'web-b', namespace: 'ns' }, containers: [{ name: 'app', usage: { cpu: '250m', memory: '10Mi' } }, { name: 'side', usage: { cpu: '1m', memory: '5Mi' } }] },
    { metadata: { name: 'web-a', namespace: 'ns' }, containers: [{ name: 'app', usage: { cpu: '900m', memory: '1Mi' } }] },
  ];
  assert.equal(printPodMetrics(metrics, {}), 'NAME    CPU(cores)   MEMORY(bytes)   \nweb-a   900m         1Mi             \nweb-b   251m         15Mi            \n');
  assert.equal(printPodMetrics(metrics, { sortBy: 'memory', noHeaders: true }), 'web-b   251m   15Mi   \nweb-a   900m   1Mi    \n');
  assert.equal(
    printPodMetrics(metrics, { containers: true, withNamespace: true }),
    'NAMESPACE   POD     NAME   CPU(cores)   MEMORY(bytes)   \n' +
      'ns          web-a   app    900m         1Mi             \n' +
      'ns          web-b   app    250m         10Mi            \n' +
      'ns          web-b   side   1m           5Mi             \n',
  );
  assert.equal(
    printPodMetrics(metrics, { sum: true }),
    'NAME    CPU(cores)   MEMORY(bytes)   \nweb-a   900m         1Mi             \nweb-b   251m         15Mi            \n        ________     ________        \n        1151m        16Mi            \n',
  );
});
