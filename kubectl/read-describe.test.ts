// Unit tests of describe's layout (Go tabwriter blocks, labels/annotations, events) against text the
// stock kubectl 1.32 printed for the same objects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuantity, parseQuantity, renderDescription, rfc1123z, smartLabelFor } from './read-describe.js';
import { goTabwriter } from './printers/tabwriter.js';

const now = new Date('2026-11-24T17:00:00Z');

describe('describe', () => {
  it('aligns tab-terminated cells per column block as Go tabwriter does', () => {
    assert.equal(goTabwriter('a:\tb\nlonger:\tc\nplain\nx:\ty\n', 0, 2), 'a:       b\nlonger:  c\nplain\nx:  y\n');
  });

  it('lays out a ConfigMap', () => {
    const cm = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c1', namespace: 'demo', labels: { tier: 'fe' } }, data: { a: 'b' } };
    assert.equal(
      renderDescription(cm, [], now),
      'Name:         c1\nNamespace:    demo\nLabels:       tier=fe\nAnnotations:  <none>\n\nData\n====\na:\n----\nb\n\n\nBinaryData\n====\n\nEvents:  <none>\n',
    );
  });

  it('lays out a Secret without values and without events', () => {
    const s = { kind: 'Secret', metadata: { name: 's1', namespace: 'demo' }, type: 'Opaque', data: { x: 'eQ==' } };
    assert.equal(renderDescription(s, [], now), 'Name:         s1\nNamespace:    demo\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\nx:  1 bytes\n');
  });

  it('prints annotations as key: value and multi-line values indented', () => {
    const cm = { kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', annotations: { b: 'x', m: 'l1\nl2\n', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }, data: {} };
    assert.match(renderDescription(cm, undefined, now), /Annotations:  b: x\n              m:\n                l1\n                l2\n/);
  });

  it('lists events oldest first with repeat counts', () => {
    const pod = { kind: 'Pod', metadata: { name: 'p1', namespace: 'demo' }, spec: { containers: [{ name: 'p1', image: 'nginx' }] }, status: { phase: 'Pending', qosClass: 'BestEffort' } };
    const events = [
      { type: 'Warning', reason: 'Pulled', message: 'short', source: { component: 'kubelet' }, lastTimestamp: '2026-11-24T16:59:00Z', count: 1 },
      { type: 'Normal', reason: 'Testing', message: 'a test event', source: { component: 'tester', host: 'h1' }, firstTimestamp: '2026-11-24T16:50:00Z', lastTimestamp: '2026-11-24T16:58:00Z', count: 3 },
    ];
    const text = renderDescription(pod, events, now);
    assert.ok(
      text.endsWith(
        'Events:\n  Type     Reason   Age               From     Message\n  ----     ------   ----              ----     -------\n  Normal   Testing  2m (x3 over 10m)  tester   a test event\n  Warning  Pulled   60s               kubelet  short\n',
      ),
      text,
    );
    assert.match(text, /^Name:         p1\nNamespace:    demo\nNode:         <none>\n/);
  });

  it('formats times and quantities', () => {
    assert.equal(rfc1123z('2026-11-24T16:53:19Z'), 'Tue, 24 Nov 2026 16:53:19 +0000');
    assert.equal(parseQuantity('250m'), 0.25);
    assert.equal(formatQuantity(0.35, 'cpu'), '350m');
    assert.equal(formatQuantity(2, 'cpu'), '2');
    assert.equal(formatQuantity(parseQuantity('128Mi') * 2, 'memory'), '256Mi');
  });
});

describe('the generic describer\'s labels', () => {
  it('split camel case as kubectl does, upper-casing its common acronyms', () => {
    assert.deepEqual(
      ['apiVersion', 'creationTimestamp', 'HTTPServer', 'uid', 'podIP', 'min_ready', 'x1'].map(smartLabelFor),
      ['API Version', 'Creation Timestamp', 'HTTP Server', 'UID', 'Pod IP', 'min_ready', 'x1'],
    );
  });
});
