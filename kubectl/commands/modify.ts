// The CLI verbs label, annotate, patch, scale, edit, wait, run, expose, set image, rollout, cordon, uncordon, drain.
// Only declares flags and hands over to the kubectl/modify-*.ts modules; no request logic here.
import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { runMetaCommand } from '../modify-label.js';
import { runPatch, runScale, runSetImage } from '../modify-patch.js';
import { runRolloutHistory, runRolloutPatch, runRolloutStatus, runRolloutUndo } from '../modify-rollout.js';
import { runWait } from '../modify-wait.js';
import { runCordon, runDrain } from '../modify-node.js';
import { runExpose, runRun } from '../modify-create.js';
import { runEdit } from '../modify-edit.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Go-style boolean flag value (`--watch=false`). */
const bool = (value: string): boolean => !/^(false|0|f)$/i.test(value);

export function registerModifyCommands(program: Command): void {
  for (const field of ['labels', 'annotations'] as const) {
    program
      .command(field === 'labels' ? 'label' : 'annotate')
      .description(field === 'labels' ? 'Update the labels on a resource' : 'Update the annotations on a resource')
      .argument('[args...]')
      .option('--overwrite', `If true, allow ${field} to be overwritten`)
      .option('-l, --selector <selector>', 'Selector (label query) to filter on')
      .option('--all', 'Select all resources, in the namespace of the specified resource types')
      .option('--list', `If true, display the ${field} for a given resource`)
      .option('--resource-version <version>', 'If non-empty, the update will only succeed if this is the current resource-version')
      .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
      .action(async (args: string[], opts) => runMetaCommand(await cliContext(program), field, args, opts));
  }

  program
    .command('patch')
    .description('Update fields of a resource')
    .argument('<args...>')
    .option('-p, --patch <patch>', 'The patch to be applied to the resource JSON file')
    .option('--type <type>', 'The type of patch being provided; one of [json merge strategic]', 'strategic')
    .option('--subresource <name>', 'If specified, patch will operate on the subresource of the requested object')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .action(async (args: string[], opts) => runPatch(await cliContext(program), args, opts));

  program
    .command('scale')
    .description('Set a new size for a deployment, replica set, or stateful set')
    .argument('<args...>')
    .option('--replicas <n>', 'The new desired number of replicas. Required.')
    .option('--current-replicas <n>', 'Precondition for current size.')
    .option('--resource-version <version>', 'Precondition for resource version.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--all', 'Select all resources in the namespace of the specified resource types')
    .action(async (args: string[], opts) => runScale(await cliContext(program), args, opts));

  const set = program.command('set').description('Set specific features on objects');
  set
    .command('image')
    .description('Update the image of a pod template')
    .argument('<args...>')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--all', 'Select all resources in the namespace of the specified resource types')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .action(async (args: string[], opts) => runSetImage(await cliContext(program), args, opts));

  const rollout = program.command('rollout').description('Manage the rollout of a resource');
  for (const verb of ['pause', 'resume', 'restart'] as const) {
    rollout
      .command(verb)
      .argument('<args...>')
      .option('-l, --selector <selector>', 'Selector (label query) to filter on')
      .action(async (args: string[], opts) => runRolloutPatch(await cliContext(program), verb, args, opts));
  }
  rollout
    .command('status')
    .argument('<args...>')
    .option('-w, --watch [bool]', 'Watch the status of the rollout until it is done.', bool, true)
    .option('--timeout <duration>', 'The length of time to wait before ending watch, zero means never.', '0s')
    .action(async (args: string[], opts) => runRolloutStatus(await cliContext(program), args, opts));
  rollout
    .command('history')
    .argument('<args...>')
    .option('--revision <n>', 'See the details, including podTemplate of the revision specified')
    .action(async (args: string[], opts) => runRolloutHistory(await cliContext(program), args, opts));
  rollout
    .command('undo')
    .argument('<args...>')
    .option('--to-revision <n>', 'The revision to rollback to. Default to 0 (last revision).')
    .action(async (args: string[], opts) => runRolloutUndo(await cliContext(program), args, opts));

  program
    .command('wait')
    .description('Experimental: Wait for a specific condition on one or many resources')
    .argument('<args...>')
    .option('--for <condition>', 'The condition to wait on: [delete|condition=condition-name[=condition-value]|jsonpath=\'{JSONPath expression}\'=[JSONPath value]]')
    .option('--timeout <duration>', 'The length of time to wait before giving up.', '30s')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--all', 'Select all resources in the namespace of the specified resource types')
    .action(async (args: string[], opts) => runWait(await cliContext(program), args, opts));

  for (const verb of ['cordon', 'uncordon'] as const) {
    program
      .command(verb)
      .description(verb === 'cordon' ? 'Mark node as unschedulable' : 'Mark node as schedulable')
      .argument('[nodes...]')
      .option('-l, --selector <selector>', 'Selector (label query) to filter on')
      .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
      .action(async (args: string[], opts) => runCordon(await cliContext(program), args, verb === 'cordon', opts));
  }
  program
    .command('drain')
    .description('Drain node in preparation for maintenance')
    .argument('[nodes...]')
    .option('--force', 'Continue even if there are pods that do not declare a controller.')
    .option('--ignore-daemonsets', 'Ignore DaemonSet-managed pods.')
    .option('--delete-emptydir-data', 'Continue even if there are pods using emptyDir')
    .option('--grace-period <seconds>', 'Period of time in seconds given to each pod to terminate gracefully.')
    .option('--timeout <duration>', 'The length of time to wait before giving up, zero means infinite')
    .option('--disable-eviction', 'Force drain to use delete, even if eviction is supported.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--pod-selector <selector>', 'Label selector to filter pods on the node')
    .action(async (args: string[], opts) => runDrain(await cliContext(program), args, opts));

  program
    .command('edit')
    .description('Edit a resource on the server')
    .argument('<args...>')
    .option('-o, --output <format>', 'Output format. One of: (json, yaml).')
    .action(async (args: string[], opts) => runEdit(await cliContext(program), args, opts));

  program
    .command('run')
    .description('Run a particular image on the cluster')
    .argument('<name>')
    .argument('[args...]')
    .option('--image <image>', 'The image for the container to run.')
    .option('--restart <policy>', 'The restart policy for this Pod.  Legal values [Always, OnFailure, Never].')
    .option('--env <env>', 'Environment variables to set in the container.', collect)
    .option('--port <port>', "The port that this container exposes.")
    .option('-l, --labels <labels>', 'Comma separated labels to apply to the pod. Will override previous values.')
    .option('--command', 'If true and extra arguments are present, use them as the \'command\' field in the container')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format.')
    .action(async (name: string, args: string[], opts) => runRun(await cliContext(program), name, args, opts));

  program
    .command('expose')
    .description('Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service')
    .argument('<args...>')
    .option('--port <port>', 'The port that the service should serve on.')
    .option('--target-port <port>', 'Name or number for the port on the container that the service should direct traffic to.')
    .option('--name <name>', 'The name for the newly created object.')
    .option('--type <type>', 'Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName.')
    .option('--protocol <protocol>', 'The network protocol for the service to be created.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('--selector <selector>', 'A label selector to use for this service.')
    .action(async (args: string[], opts) => runExpose(await cliContext(program), args, opts));
}
