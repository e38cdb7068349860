// The unschedulable message must match upstream's FitError.Error() byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitErrorMessage } from './fit-error.js';
import { unresolvable, unschedulable } from './framework.js';

test('fit error messages in upstream form', () => {
  const taint = unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }');
  const cases: { name: string; n: number; statuses: [string, ReturnType<typeof unschedulable>][]; pre?: string; post?: string; want: string }[] = [
    {
      name: 'histogram sorted as strings, with the preemption outcome',
      n: 3,
      statuses: [['a', unschedulable('Insufficient cpu')], ['b', taint], ['c', taint]],
      post: 'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
      want: '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    },
    {
      name: 'every reason of a node counts',
      n: 2,
      statuses: [['a', unschedulable('Insufficient cpu', 'Insufficient memory')], ['b', unschedulable('Insufficient memory')]],
      want: '0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.',
    },
    { name: 'a PreFilter rejection replaces the histogram', n: 2, statuses: [], pre: 'pod has unbound immediate PersistentVolumeClaims', want: '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.' },
    { name: 'string sort puts 10 before 2', n: 12, statuses: [...Array.from({ length: 10 }, (_, i) => [`t${i}`, taint] as [string, any]), ['x', unschedulable('Too many pods')], ['y', unschedulable('Too many pods')]], want: '0/12 nodes are available: 10 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Too many pods.' },
  ];
  for (const c of cases) {
    assert.equal(fitErrorMessage(c.n, { nodeToStatus: new Map(c.statuses), preFilterMsg: c.pre, postFilterMsg: c.post }), c.want, c.name);
  }
});
