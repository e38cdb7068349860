// `edit`: $EDITOR (KUBE_EDITOR, EDITOR, else vi) on the object's YAML or JSON, then the strategic merge
// patch (merge patch for custom resources) of what changed. Never replaces the object; an unchanged or
// emptied file cancels the edit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { sortKeys } from './printers/go-json.js';
import { toKubectlYaml } from './printers/yaml-json.js';
import { clientFor, createStrategicPatch, deepEqual, fetchObjects, objectName, parseJsonOrYaml } from './modify-common.js';

const EDIT_HEADER =
  `# Please edit the object below. Lines beginning with a '#' will be ignored,\n` +
  `# and an empty file will abort the edit. If an error occurs while saving this file will be\n` +
  `# reopened with the relevant failures.\n#\n`;

function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}

export async function runEdit(ctx: CliContext, args: string[], opts: { output?: string }): Promise<void> {
  const targets = await fetchObjects(ctx.client, ctx.namespace, args, {});
  const json = opts.output === 'json';
  for (const { info, obj } of targets) {
    const original = structuredClone(obj);
    if (original.metadata) delete original.metadata.managedFields;
    // JSON has no comments: kubectl writes it bare, keys sorted as Go marshals a map, no final newline.
    const text = json ? JSON.stringify(sortKeys(original), null, 4) : EDIT_HEADER + toKubectlYaml(original);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-edit-'));
    const file = path.join(dir, `${obj.metadata?.name}-edit.${json ? 'json' : 'yaml'}`);
    try {
      writeFileSync(file, text);
      const editor = process.env.KUBE_EDITOR || process.env.EDITOR || 'vi';
      const res = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
      if (res.status !== 0) throw new CliError(`there was a problem with the editor "${editor}"`);
      const edited = readFileSync(file, 'utf8');
      if (stripComments(edited).trim() === '') {
        ctx.err.write('Edit cancelled, no changes made.\n');
        continue;
      }
      if (stripComments(edited) === stripComments(text)) {
        ctx.err.write('Edit cancelled, no changes made.\n');
        continue;
      }
      const updated = parseJsonOrYaml(stripComments(edited)) as KubeObject;
      if (deepEqual(updated, original)) {
        ctx.err.write('Edit cancelled, no changes made.\n');
        continue;
      }
      const patch = createStrategicPatch(original, updated);
      const result = await clientFor(ctx.client, info, ctx.namespace).patch(obj.metadata?.name ?? '', info.group === '' || isBuiltin(info.group) ? 'strategic' : 'merge', patch, {
        fieldManager: 'kubectl-edit',
      });
      ctx.out.write(`${objectName(result, info)} edited\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function isBuiltin(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io');
}
