// Unit test of the Pod Template block of `rollout history --revision`, against kubectl 1.32's output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describePodTemplate } from './modify-template.js';

describe('describePodTemplate', () => {
  it('prints what kubectl prints for a revision', () => {
    const template = {
      metadata: { labels: { app: 'web', 'pod-template-hash': 'h1' }, annotations: { a: 'b', 'kubernetes.io/change-cause': 'kubectl set image' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }], volumeMounts: [{ name: 'v', mountPath: '/v' }], command: ['sh'], args: ['-c', 'x'] },
        ],
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    };
    assert.equal(
      describePodTemplate(template),
      'Pod Template:\n  Labels:\tapp=web\n\tpod-template-hash=h1\n  Annotations:\ta: b\n\tkubernetes.io/change-cause: kubectl set image\n' +
        '  Containers:\n   nginx:\n    Image:\tnginx:1\n    Port:\t80/TCP\n    Host Port:\t0/TCP\n    Command:\n      sh\n    Args:\n      -c\n      x\n' +
        '    Environment:\n      A:\t1\n    Mounts:\n      /v from v (rw)\n  Volumes:\n   v:\n' +
        "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t\n    SizeLimit:\t<unset>\n" +
        '  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n',
    );
  });
  it('says <none> for empty parts', () => {
    const out = describePodTemplate({ metadata: {}, spec: { containers: [{ name: 'c', image: 'i' }] } });
    assert.match(out, /  Labels:\t<none>\n  Containers:\n   c:\n    Image:\ti\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n/);
  });
});
