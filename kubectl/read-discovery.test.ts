// Unit tests of the api-resources table: filters, kubectl's group-then-name order and -o name/wide.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiResourcesTable, type ApiResourceRow } from './read-discovery.js';

const row = (name: string, group: string, namespaced: boolean, kind: string, shortNames: string[] = [], categories: string[] = []): ApiResourceRow => ({
  name,
  group,
  apiVersion: group ? `${group}/v1` : 'v1',
  namespaced,
  kind,
  shortNames,
  categories,
  verbs: ['watch', 'get', 'list'],
});
const rows = [row('deployments', 'apps', true, 'Deployment', ['deploy'], ['all']), row('pods', '', true, 'Pod', ['po'], ['all']), row('nodes', '', false, 'Node', ['no'])];

describe('api-resources', () => {
  it('sorts core first then groups, by name', () => {
    assert.deepEqual(apiResourcesTable(rows, {}), [
      ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'],
      ['nodes', 'no', 'v1', 'false', 'Node'],
      ['pods', 'po', 'v1', 'true', 'Pod'],
      ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
    ]);
  });

  it('filters --namespaced and prints -o name with the group', () => {
    assert.deepEqual(apiResourcesTable(rows, { namespaced: 'true', output: 'name' }), [['pods'], ['deployments.apps']]);
  });

  it('adds sorted VERBS and CATEGORIES with -o wide', () => {
    assert.deepEqual(apiResourcesTable(rows, { output: 'wide', namespaced: 'false', noHeaders: true }), [['nodes', 'no', 'v1', 'false', 'Node', 'get,list,watch', '']]);
  });
});
