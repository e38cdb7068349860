// Unit tests of the table printer and the tabwriter against rows the stock kubectl printed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bodyRows, headerRow, labelsText, type TableColumn } from './table.js';
import { TabWriter, alignRows } from './tabwriter.js';
import { customColumnRows, parseCustomColumns } from './custom-columns.js';

const columns: TableColumn[] = [
  { name: 'Name', type: 'string', format: 'name', priority: 0 },
  { name: 'Data', type: 'string', priority: 0 },
  { name: 'Age', type: 'string', priority: 0 },
  { name: 'Extra', type: 'string', priority: 1 },
];
const rows = [
  { cells: ['c1', 1, '89s', 'x'], object: { metadata: { name: 'c1', namespace: 'demo', labels: { tier: 'fe', a: 'b' } } } },
  { cells: ['tricky', 5, '5m58s', 'y'], object: { metadata: { name: 'tricky', namespace: 'demo' } } },
];

describe('table printer', () => {
  it('aligns columns with 3 spaces and a minimum width of 6, last column unpadded', () => {
    assert.equal(alignRows([headerRow(columns, {}), ...bodyRows(columns, rows, {})]), 'NAME     DATA   AGE\nc1       1      89s\ntricky   5      5m58s\n');
    assert.equal(alignRows([['A', 'B'], ['x', 'y']]), 'A     B\nx     y\n');
  });

  it('adds NAMESPACE first, kind prefixes, wide columns and LABELS', () => {
    const opts = { withNamespace: true, kindPrefix: 'configmap', wide: true, showLabels: true };
    assert.deepEqual(headerRow(columns, opts), ['NAMESPACE', 'NAME', 'DATA', 'AGE', 'EXTRA', 'LABELS']);
    assert.deepEqual(bodyRows(columns, rows, opts)[0], ['demo', 'configmap/c1', '1', '89s', 'x', 'a=b,tier=fe']);
    assert.equal(labelsText(undefined), '<none>');
  });

  it('remembers widths across watch flushes', () => {
    const w = new TabWriter(true);
    assert.equal(w.format([['NAME', 'AGE'], ['c1', '1s']]), 'NAME   AGE\nc1     1s\n');
    assert.equal(w.format([['watched-long-name', '0s']]), 'watched-long-name   0s\n');
    assert.equal(w.format([['c2', '0s']]), 'c2                  0s\n');
  });

  it('custom columns: joins several values with commas, <none> when absent, Go maps', () => {
    const cols = parseCustomColumns('N:.metadata.name,L:.metadata.labels,X:.metadata.annotations.num');
    const out = alignRows(customColumnRows(cols, rows.map((r) => r.object)));
    assert.equal(out, 'N        L                  X\nc1       map[a:b tier:fe]   <none>\ntricky   <none>             <none>\n');
  });
});
