// Unit tests of the Docker create options built from a container spec (entrypoint/cmd, cgroups,
// security context, privileged on a limited host).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '../../api/types.js';
import { boundingSetFromMask, unknownCapability } from './capabilities.js';
import { buildContainerConfig, milliCpuToQuota, milliCpuToShares, runAsNonRootError } from './container-config.js';

const bounding = boundingSetFromMask('000001fffeffffff');

function build(c: Partial<Container>, podSpec: Partial<Pod['spec']> = {}, env: string[] = []) {
  const container = { name: 'app', image: 'busybox', ...c } as Container;
  const pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [container], ...podSpec } } as Pod;
  return buildContainerConfig({ pod, container, name: 'k8s_app_p_ns_u_0', labels: { a: 'b' }, sandboxId: 'sb', env, mounts: [], bounding });
}

describe('buildContainerConfig', () => {
  it('maps command to Entrypoint and args to Cmd, expanding $(VAR) from env', () => {
    const both = build({ command: ['sh', '-c'], args: ['echo $(GREETING) $$(GREETING) $(NOPE)'] }, {}, ['GREETING=hi']).options;
    assert.deepEqual(both.Entrypoint, ['sh', '-c']);
    assert.deepEqual(both.Cmd, ['echo hi $(GREETING) $(NOPE)']);
    const argsOnly = build({ args: ['x'] }).options;
    assert.equal(argsOnly.Entrypoint, undefined);
    assert.deepEqual(argsOnly.Cmd, ['x']);
    const neither = build({}).options;
    assert.equal(neither.Entrypoint, undefined);
    assert.equal(neither.Cmd, undefined);
    const cmdOnly = build({ command: ['sleep', '1'] }).options;
    assert.deepEqual(cmdOnly.Cmd, [], 'the image CMD is dropped when command is set');
  });

  it('joins the sandbox namespaces and never lets Docker restart it', () => {
    const o = build({}).options;
    assert.equal(o.HostConfig!.NetworkMode, 'container:sb');
    assert.equal(o.HostConfig!.IpcMode, 'container:sb');
    assert.equal(o.HostConfig!.PidMode, undefined);
    assert.deepEqual(o.HostConfig!.RestartPolicy, { Name: 'no' });
    assert.equal(build({}, { shareProcessNamespace: true }).options.HostConfig!.PidMode, 'container:sb');
  });

  it('turns resources into cgroup limits as upstream', () => {
    const o = build({ resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } } }).options.HostConfig!;
    assert.equal(o.CpuQuota, 50_000);
    assert.equal(o.CpuPeriod, 100_000);
    assert.equal(o.CpuShares, 256);
    assert.equal(o.Memory, 64 * 1024 * 1024);
    assert.equal(build({}).options.HostConfig!.CpuShares, 2, 'BestEffort gets the minimum shares');
    assert.equal(milliCpuToQuota(1), 1000);
    assert.equal(milliCpuToShares(1), 2);
  });

  it('applies the security context (container over pod)', () => {
    const o = build({ securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, allowPrivilegeEscalation: false } }, { securityContext: { runAsUser: 5, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000 } }).options;
    assert.equal(o.User, '1000:3000');
    assert.equal(o.HostConfig!.ReadonlyRootfs, true);
    assert.deepEqual(o.HostConfig!.CapAdd, ['CAP_NET_ADMIN']);
    assert.deepEqual(o.HostConfig!.CapDrop, ['ALL']);
    assert.deepEqual(o.HostConfig!.GroupAdd, ['4000', '2000']);
    assert.deepEqual(o.HostConfig!.SecurityOpt, ['no-new-privileges']);
  });

  it('privileged on a host without CAP_SYS_RESOURCE: every other capability, no seccomp, all devices allowed', () => {
    const { options, privilegeLeftOut } = build({ securityContext: { privileged: true } });
    const h = options.HostConfig!;
    assert.equal(h.Privileged, undefined, '--privileged would fail here');
    assert.ok(h.CapAdd!.includes('CAP_SYS_ADMIN'));
    assert.ok(!h.CapAdd!.includes('CAP_SYS_RESOURCE'));
    assert.deepEqual(privilegeLeftOut, ['CAP_SYS_RESOURCE']);
    assert.ok(h.SecurityOpt!.includes('seccomp=unconfined'));
    assert.deepEqual(h.DeviceCgroupRules, ['a *:* rwm']);
  });

  it('runAsNonRoot refuses root images with upstream messages', () => {
    const c = { name: 'app', image: 'busybox', securityContext: { runAsNonRoot: true } } as Container;
    const pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [c] } } as Pod;
    assert.equal(runAsNonRootError(pod, c, ''), 'container has runAsNonRoot and image will run as root (pod: "p_ns(u)", container: app)');
    assert.equal(runAsNonRootError(pod, c, '1000'), undefined);
  });
});

describe('capabilities', () => {
  it('reads the bounding set and docker errors', () => {
    assert.equal(bounding.missing.length, 1);
    assert.equal(bounding.granted.length, 40);
    assert.equal(unknownCapability('invalid CapAdd: unknown capability: "CAP_BPF"'), 'CAP_BPF');
  });
});
