// Unit tests of kubectl's yaml/json formatting; expected text is what the stock kubectl 1.32 printed
// for the same ConfigMap.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { foldLine, toKubectlJson, toKubectlYaml } from './yaml-json.js';

describe('kubectl yaml', () => {
  it('sorts keys, quotes as yaml.v2 does and writes block literals', () => {
    const cm = {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'tricky', annotations: { num: '123', bool: 'true', empty: '', colon: 'a: b', lead: ' x', star: '*', html: '<a>&', multi: 'line1\nline2\n', multi2: 'line1\nline2' } },
      data: { dash: '- a', nul: 'null', oct: '0755', tilde: '~', ver: '1.0' },
      list: [{ b: null, a: 1 }],
      empty: {},
    };
    assert.equal(
      toKubectlYaml(cm),
      [
        'apiVersion: v1',
        'data:',
        "  dash: '- a'",
        '  nul: "null"',
        '  oct: "0755"',
        '  tilde: "~"',
        '  ver: "1.0"',
        'empty: {}',
        'kind: ConfigMap',
        'list:',
        '- a: 1',
        '  b: null',
        'metadata:',
        '  annotations:',
        '    bool: "true"',
        "    colon: 'a: b'",
        '    empty: ""',
        '    html: <a>&',
        "    lead: ' x'",
        '    multi: |',
        '      line1',
        '      line2',
        '    multi2: |-',
        '      line1',
        '      line2',
        '    num: "123"',
        "    star: '*'",
        '  name: tricky',
        '',
      ].join('\n'),
    );
  });

  it('folds long plain scalars past column 80 as yaml.v2 does', () => {
    const long = 'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu';
    assert.equal(foldLine(`    long: ${long}`), '    long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n      pppp qqqq rrrr ssss tttt uuuu');
    assert.equal(foldLine(`      long: ${long}`), '      long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn\n        oooo pppp qqqq rrrr ssss tttt uuuu');
  });
});

describe('kubectl json', () => {
  it('indents 4 spaces, sorts keys and escapes <>&', () => {
    assert.equal(toKubectlJson({ b: 1, a: { h: '<a>&' } }), '{\n    "a": {\n        "h": "\\u003ca\\u003e\\u0026"\n    },\n    "b": 1\n}\n');
  });
});
