// Unit tests of server-side apply and Update ownership: FieldsV1, conflicts, force, pruning.
// Pure; no I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import {
  decodeApplyPatch,
  managerOrUserAgent,
  recordUpdateManagedFields,
  serverSideApply,
  validatePatchOptions,
  type ManagedFieldsEntry,
} from './apply.js';
import { builtinSchemaFor } from '../../api/patch-schema.js';

const schema = builtinSchemaFor({ group: 'apps', version: 'v1', kind: 'Deployment' });
const T0 = () => new Date('2026-01-01T00:00:00.500Z');
const T1 = () => new Date('2026-01-01T00:05:00Z');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function config(replicas = 2, extra: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', ...extra.labels } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: extra.containers ?? [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

const entries = (o: object): ManagedFieldsEntry[] => (o as Obj).metadata.managedFields;
const entry = (o: object, manager: string) => entries(o).find((e) => e.manager === manager);

function conflict(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err;
  }
  assert.fail('expected a conflict');
}

test('create via apply records the applied fields in FieldsV1', () => {
  const { result } = serverSideApply(undefined, config(), 'kubectl', false, schema, { now: T0 });
  const r = result as Obj;
  assert.equal(r.spec.replicas, 2);
  assert.deepEqual(r.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2026-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                },
              },
            },
          },
        },
      },
    },
  ]);
});

test('re-applying with changed replicas by the same manager updates the object and the time', () => {
  const created = serverSideApply(undefined, config(2), 'kubectl', false, schema, { now: T0 }).result;
  const { result } = serverSideApply(created, config(5), 'kubectl', false, schema, { now: T1 });
  assert.equal((result as Obj).spec.replicas, 5);
  assert.equal(entries(result).length, 1);
  assert.equal(entry(result, 'kubectl')?.time, '2026-01-01T00:05:00Z');
  assert.deepEqual(entry(result, 'kubectl')?.fieldsV1, entry(created, 'kubectl')?.fieldsV1);
});

function clientSideCreated(): object {
  // What a POST by `kubectl apply` (client side) stores: defaults applied, ownership by Update.
  const obj = config(2);
  obj.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  obj.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  obj.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
  return recordUpdateManagedFields(undefined, obj, 'kubectl-client-side-apply', 'Update', 'apps/v1', schema, { now: T0 });
}

test('ordinary writes record Update ownership as upstream does for a create', () => {
  const created = clientSideCreated();
  assert.deepEqual(entries(created), [
    {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2026-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} },
          'f:labels': { '.': {}, 'f:app': {} },
        },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:image': {},
                  'f:imagePullPolicy': {},
                  'f:name': {},
                  'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                },
              },
            },
          },
        },
      },
    },
  ]);
});

test('an update by another manager takes the fields it changed', () => {
  const created = clientSideCreated() as Obj;
  const edited = structuredClone(created);
  edited.spec.template.spec.containers[0].image = 'nginx:1.26';
  const out = recordUpdateManagedFields(created, edited, 'kubectl-edit', 'Update', 'apps/v1', schema, { now: T1 });
  const edit = entry(out, 'kubectl-edit');
  assert.deepEqual(edit?.fieldsV1, { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } } } });
  const csa = entry(out, 'kubectl-client-side-apply')?.fieldsV1 as Obj;
  assert.equal('f:image' in csa['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}'], false);
  // An update that changes nothing records nothing.
  const same = recordUpdateManagedFields(out, structuredClone(out), 'other', 'Update', 'apps/v1', schema, { now: T1 });
  assert.equal(entry(same, 'other'), undefined);
});

test('apply conflicts with a field another manager owns with a different value', () => {
  const created = clientSideCreated();
  const err = conflict(() => serverSideApply(created, config(3), 'kubectl', false, schema, { now: T1 }));
  assert.equal(err.code, 409);
  assert.equal(err.reason, 'Conflict');
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  assert.deepEqual(err.details?.causes, [
    { type: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
  ]);
});

test('several conflicts are listed per manager', () => {
  const created = clientSideCreated();
  const cfg = config(3);
  cfg.spec.template.spec.containers[0].image = 'nginx:2';
  const err = conflict(() => serverSideApply(created, cfg, 'kubectl', false, schema));
  assert.equal(
    err.message,
    'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
  );
});

test('applying the same values as another manager shares ownership without conflict', () => {
  const created = clientSideCreated();
  const { result } = serverSideApply(created, config(2), 'kubectl', false, schema, { now: T1 });
  assert.equal(entries(result).length, 2);
  assert.deepEqual(entries(result).map((e) => e.operation), ['Apply', 'Update']);
  const csa = entry(result, 'kubectl-client-side-apply')?.fieldsV1 as Obj;
  assert.ok('f:replicas' in csa['f:spec']);
});

test('force takes ownership of conflicting fields', () => {
  const created = clientSideCreated();
  const { result } = serverSideApply(created, config(3), 'kubectl', true, schema, { now: T1 });
  assert.equal((result as Obj).spec.replicas, 3);
  const csa = entry(result, 'kubectl-client-side-apply')?.fieldsV1 as Obj;
  assert.equal('f:replicas' in csa['f:spec'], false);
  assert.ok('f:replicas' in (entry(result, 'kubectl')?.fieldsV1 as Obj)['f:spec']);
});

test('fields the manager no longer applies are removed unless someone else owns them', () => {
  const two = [
    { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
    { name: 'sidecar', image: 'busybox' },
  ];
  const first = serverSideApply(undefined, config(2, { labels: { tier: 'web' }, containers: two }), 'kubectl', false, schema, { now: T0 }).result;
  assert.deepEqual((first as Obj).metadata.labels, { app: 'web', tier: 'web' });

  const second = serverSideApply(first, config(2), 'kubectl', false, schema, { now: T1 }).result as Obj;
  assert.deepEqual(second.metadata.labels, { app: 'web' });
  assert.deepEqual(second.spec.template.spec.containers.map((c: Obj) => c.name), ['nginx']);

  // Another manager also applied the tier label: dropping it from kubectl's config keeps it.
  const shared = serverSideApply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { tier: 'web' } } }, 'other', false, schema).result;
  const third = serverSideApply(shared, config(2), 'kubectl', false, schema).result as Obj;
  assert.deepEqual(third.metadata.labels, { app: 'web', tier: 'web' });
});

test('list items merge by key and keep live-only items', () => {
  const live = config(2, {
    containers: [
      { name: 'nginx', image: 'nginx:1.25' },
      { name: 'injected', image: 'proxy' },
    ],
  });
  const cfg = config(2, { containers: [{ name: 'nginx', image: 'nginx:1.26' }] });
  // Nobody managed the live object: its fields belong to "before-first-apply".
  const err = conflict(() => serverSideApply(live, cfg, 'other', false, schema));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.template.spec.containers[name="nginx"].image');
  const { result } = serverSideApply(live, cfg, 'other', true, schema);
  assert.deepEqual((result as Obj).spec.template.spec.containers, [
    { name: 'nginx', image: 'nginx:1.26' },
    { name: 'injected', image: 'proxy' },
  ]);
});

test('an item without its list key is rejected', () => {
  const cfg = config(2, { containers: [{ image: 'x' }] });
  assert.throws(
    () => serverSideApply(undefined, cfg, 'kubectl', false, schema),
    (err: unknown) =>
      err instanceof StatusError &&
      err.message ===
        'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
  );
});

test('apply bodies decode from YAML or JSON; garbage is 400', () => {
  assert.deepEqual(decodeApplyPatch('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x' },
  });
  assert.deepEqual(decodeApplyPatch('{"kind":"ConfigMap"}'), { kind: 'ConfigMap' });
  assert.throws(() => decodeApplyPatch('- a\n- b\n'), (err: unknown) => err instanceof StatusError && err.code === 400);
  assert.throws(() => decodeApplyPatch('a: [\n'), (err: unknown) => err instanceof StatusError && err.code === 400);
});

test('the manager defaults to the user agent before its first slash', () => {
  assert.equal(managerOrUserAgent('', 'kubectl-client-side-apply/v1.32.0 (linux/amd64) kubernetes/abc'), 'kubectl-client-side-apply');
  assert.equal(managerOrUserAgent('mine', 'kubectl/v1.32.0'), 'mine');
  assert.equal(managerOrUserAgent(undefined, 'a\u0000b\tc/x'), 'abc');
  assert.equal(managerOrUserAgent(undefined, 'x'.repeat(200)).length, 128);
});

test('apply needs a field manager and only apply may force', () => {
  assert.throws(
    () => validatePatchOptions(true, '', undefined),
    (err: unknown) =>
      err instanceof StatusError &&
      err.code === 422 &&
      err.message === 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  );
  assert.throws(
    () => validatePatchOptions(false, 'x', true),
    (err: unknown) => err instanceof StatusError && err.message.endsWith('force: Forbidden: may not be specified for non-apply patch'),
  );
  assert.doesNotThrow(() => validatePatchOptions(true, 'kubectl', true));
});

test('kubectl takes over fields its last client-side apply set and keeps the annotation in step', () => {
  const lastApplied = JSON.stringify(config(2));
  const obj = config(2);
  obj.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied };
  const created = recordUpdateManagedFields(undefined, obj, 'kubectl-client-side-apply', 'Update', 'apps/v1', schema, { now: T0 });

  // Another applier gets the conflict; kubectl (the CSA -> SSA migration) does not.
  assert.equal(conflict(() => serverSideApply(created, config(3), 'someone', false, schema)).code, 409);
  const { result } = serverSideApply(created, config(3), 'kubectl', false, schema, { now: T1 });
  const r = result as Obj;
  assert.equal(r.spec.replicas, 3);
  assert.equal('f:replicas' in (entry(result, 'kubectl-client-side-apply')?.fieldsV1 as Obj)['f:spec'], false);
  const synced = JSON.parse(r.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  assert.equal(synced.spec.replicas, 3);
  assert.equal(r.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'].startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":'), true);

  // A field changed since the last client-side apply is still a conflict for kubectl.
  const scaled = structuredClone(created) as Obj;
  scaled.spec.replicas = 5;
  const afterScale = recordUpdateManagedFields(created, scaled, 'kubectl-scale', 'Update', 'apps/v1', schema, { now: T1 });
  const err = conflict(() => serverSideApply(afterScale, config(3), 'kubectl', false, schema));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas');
});

test('a write without managedFields keeps the record; [{}] resets it', () => {
  const created = clientSideCreated() as Obj;
  const dropped = structuredClone(created);
  delete dropped.metadata.managedFields;
  dropped.metadata.labels.extra = 'x';
  const kept = recordUpdateManagedFields(created, dropped, 'kubectl-label', 'Update', 'v1', schema, { now: T1 });
  assert.deepEqual(entries(kept).map((e) => e.manager), ['kubectl-client-side-apply', 'kubectl-label']);

  const reset = structuredClone(created);
  reset.metadata.managedFields = [{}];
  const out = recordUpdateManagedFields(created, reset, 'kubectl-patch', 'Update', 'v1', schema, { now: T1 }) as Obj;
  assert.equal(out.metadata.managedFields, undefined);
});

test('an apply body must match the endpoint version and carry no managedFields', () => {
  const bad = (fn: () => unknown, message: string) =>
    assert.throws(fn, (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === message);
  bad(
    () => serverSideApply(undefined, config(), 'kubectl', false, schema, { apiVersion: 'apps/v1beta1' }),
    'Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: apps/v1beta1',
  );
  const withMF = config();
  withMF.metadata.managedFields = [];
  bad(() => serverSideApply(undefined, withMF, 'kubectl', false, schema), 'metadata.managedFields must be nil');
});
