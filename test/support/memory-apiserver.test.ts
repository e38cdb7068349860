import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startMemoryApiserver } from './memory-apiserver.js';

test('the memory apiserver serves the real API and records writes in order', async () => {
  const api = await startMemoryApiserver();
  try {
    const cms = api.client.resource('configmaps', 'default');
    await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } } as never);
    await cms.patch('a', 'merge', { data: { k: 'w' } });
    await cms.delete('a');
    await cms.deleteCollection({});
    assert.deepEqual(api.writes.map((w) => [w.verb, w.path, w.statusCode]), [
      ['create', '/api/v1/namespaces/default/configmaps', 201],
      ['patch', '/api/v1/namespaces/default/configmaps/a', 200],
      ['delete', '/api/v1/namespaces/default/configmaps/a', 200],
      ['deletecollection', '/api/v1/namespaces/default/configmaps', 200],
    ]);
    await assert.rejects(cms.get('a'), { name: 'NotFoundError' });
  } finally {
    await api.stop();
  }
});
