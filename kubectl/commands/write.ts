// The CLI verbs apply, create, replace, delete: flags as kubectl declares them, handed to the
// kubectl/write-*.ts modules. No request logic here.
import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { runApply } from '../write-apply.js';
import { runCreateFromFiles, runCreateGenerated, runReplace, type GeneratorOptions } from '../write-create.js';
import { runDelete } from '../write-delete.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Go-style boolean flag value (`--wait=false`). */
const bool = (value: string): boolean => !/^(false|0|f)$/i.test(value);

function fileFlags(cmd: Command, what: string): Command {
  return cmd
    .option('-f, --filename <file>', `The files that contain the configurations to ${what}.`, collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--validate [mode]', 'Must be one of: strict (or true), warn, ignore (or false).');
}

export function registerWriteCommands(program: Command): void {
  fileFlags(program.command('apply').description('Apply a configuration to a resource by file name or stdin'), 'apply')
    .option('--server-side', 'If true, apply runs in the server instead of the client.')
    .option('--force-conflicts', 'If true, server-side apply will force the changes against conflicts.')
    .option('--field-manager <name>', 'Name of the manager used to track field ownership.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: (json, yaml, name).')
    .action(async (opts) => runApply(await cliContext(program), opts));

  const create = fileFlags(program.command('create').description('Create a resource from a file or from stdin'), 'create')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: (json, yaml, name).')
    .option('--save-config', 'If true, the configuration of current object will be saved in its annotation.')
    .action(async (opts) => runCreateFromFiles(await cliContext(program), opts));

  const generated = (cmd: Command): Command =>
    cmd
      .argument('[name]')
      .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
      .option('-o, --output <format>', 'Output format. One of: (json, yaml, name).');

  // Flags such as --dry-run and -o are declared on `create` too; commander hands them to the parent.
  const merged = (cmd: Command): GeneratorOptions => cmd.optsWithGlobals<GeneratorOptions>();
  generated(create.command('namespace').alias('ns').description('Create a namespace with the specified name')).action(
    async (name: string | undefined, _opts: GeneratorOptions, cmd: Command) => runCreateGenerated(await cliContext(program), 'namespace', name, merged(cmd)),
  );
  generated(create.command('configmap').alias('cm').description('Create a config map from a local file, directory or literal value'))
    .option('--from-literal <key=value>', 'Specify a key and literal value to insert in configmap (i.e. mykey=somevalue)', collect)
    .option('--from-file <[key=]source>', 'Key file can be specified using its file path, in which case file basename will be used as configmap key', collect)
    .action(async (name: string | undefined, _opts: GeneratorOptions, cmd: Command) => runCreateGenerated(await cliContext(program), 'configmap', name, merged(cmd)));
  const secret = create.command('secret').description('Create a secret using a specified subcommand');
  generated(secret.command('generic').description('Create a secret from a local file, directory, or literal value'))
    .option('--from-literal <key=value>', 'Specify a key and literal value to insert in secret (i.e. mykey=somevalue)', collect)
    .option('--from-file <[key=]source>', 'Key files can be specified using their file path', collect)
    .option('--type <type>', 'The type of secret to create')
    .action(async (name: string | undefined, _opts: GeneratorOptions, cmd: Command) => runCreateGenerated(await cliContext(program), 'secret', name, merged(cmd)));
  generated(create.command('deployment').alias('deploy').description('Create a deployment with the specified name'))
    .option('--image <image>', 'Image names to run. A deployment can have multiple images set for multi-container pod.', collect)
    .option('-r, --replicas <n>', 'Number of replicas to create. Default is 1.')
    .option('--port <port>', 'The containerPort that this deployment exposes.')
    .action(async (name: string | undefined, _opts: GeneratorOptions, cmd: Command) => runCreateGenerated(await cliContext(program), 'deployment', name, merged(cmd)));

  fileFlags(program.command('replace').description('Replace a resource by file name or stdin'), 'replace')
    .option('--force', 'If true, immediately remove resources from API and bypass graceful deletion, then re-create.')
    .option('--grace-period <seconds>', 'Period of time in seconds given to the resource to terminate gracefully.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: (json, yaml, name).')
    .option('--save-config', 'If true, the configuration of current object will be saved in its annotation.')
    .action(async (opts) => runReplace(await cliContext(program), opts));

  fileFlags(program.command('delete').description('Delete resources by file names, stdin, resources and names, or by resources and label selector'), 'delete')
    .argument('[args...]')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('--all', 'Delete all resources, in the namespace of the specified resource types.')
    .option('--grace-period <seconds>', 'Period of time in seconds given to the resource to terminate gracefully.')
    .option('--force', 'If true, immediately remove resources from API and bypass graceful deletion.')
    .option('--now', 'If true, resources are signaled for immediate shutdown (same as --grace-period=1).')
    .option('--wait [bool]', 'If true, wait for resources to be gone before returning.', bool, true)
    .option('--cascade [strategy]', 'Must be "background", "orphan", or "foreground".', 'background')
    .option('--ignore-not-found', 'Treat "resource not found" as a successful delete.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output mode. Use "-o name" for shorter output (resource/name).')
    .action(async (args: string[], opts) => runDelete(await cliContext(program), args, opts));
}
