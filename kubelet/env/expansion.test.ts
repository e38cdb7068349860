import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand, mappingFuncFor } from './expansion.js';

test('$(VAR) expansion follows upstream rules', () => {
  const mapping = mappingFuncFor({ VAR_A: 'A', VAR_B: 'B', VAR_C: 'C', VAR_REF: '$(VAR_A)', VAR_EMPTY: '' }, { SVC: 'svc' });
  const cases: Array<[string, string]> = [
    ['$(VAR_A)', 'A'],
    ['___$(VAR_B)___', '___B___'],
    ['$(VAR_A)-$(VAR_A)', 'A-A'],
    ['$(VAR_A)$(VAR_B)$(VAR_C)', 'ABC'],
    ['$(VAR_REF)', '$(VAR_A)'],
    ['$(VAR_EMPTY)', ''],
    ['$(SVC)', 'svc'],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$(VAR_A)', '$$(VAR_A)'],
    ['$(VAR_A', '$(VAR_A'],
    ['$VAR_A', '$VAR_A'],
    ['$', '$'],
    ['foo$', 'foo$'],
    ['$)', '$)'],
    ['$()', '$()'],
    ['$(VAR_A)$', 'A$'],
    ['(VAR_A)', '(VAR_A)'],
    ['$(VAR_A)_$(VAR_B', 'A_$(VAR_B'],
  ];
  for (const [input, want] of cases) assert.equal(expand(input, mapping), want, input);
});

test('the first context that has a name wins', () => {
  const mapping = mappingFuncFor(new Map([['X', 'container']]), { X: 'service', Y: 'service' });
  assert.equal(expand('$(X) $(Y)', mapping), 'container service');
});
