// The CLI verbs get, describe, api-resources, api-versions, version, cluster-info, config.
// Only declares flags and hands over to the kubectl/read-*.ts modules; no request logic here.
import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { runGet } from '../read-get.js';
import { runApiResources, runApiVersions, runClusterInfo, runVersion } from '../read-discovery.js';
import { registerConfigCommands } from '../read-config.js';
import { runDescribe } from '../read-describe.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',')];

export function registerReadCommands(program: Command): void {
  program
    .command('get')
    .description('Display one or many resources')
    .argument('[args...]')
    .option('-o, --output <format>', 'Output format: json, yaml, name, wide, jsonpath=..., custom-columns=...')
    .option('-A, --all-namespaces', 'List the requested object(s) across all namespaces')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--field-selector <selector>', 'Selector (field query) to filter on')
    .option('--show-labels', 'When printing, show all labels as the last column')
    .option('--show-kind', 'If present, list the resource type for the requested object(s)')
    .option('-L, --label-columns <keys>', 'Labels to show as columns', collect)
    .option('--sort-by <jsonpath>', 'Sort list types using this field specification')
    .option('--no-headers', "When using the default output format, don't print headers")
    .option('-w, --watch', 'After listing/getting the requested object, watch for changes')
    .option('--watch-only', 'Watch for changes to the requested object(s), without listing/getting first')
    .option('--ignore-not-found', 'If the requested object does not exist the command will return exit code 0')
    .option('--show-managed-fields', 'If true, keep the managedFields when printing objects in JSON or YAML format')
    .option('--chunk-size <n>', 'Return large lists in chunks rather than all at once', (v) => Number(v))
    .action(async (args: string[], opts) => {
      // commander's --no-headers negation sets headers=false
      await runGet(await cliContext(program), args, { ...opts, noHeaders: opts.headers === false });
    });

  program
    .command('describe')
    .description('Show details of a specific resource or group of resources')
    .argument('[args...]')
    .option('-A, --all-namespaces', 'List the requested object(s) across all namespaces')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--show-events <bool>', 'If true, display events related to the described object', 'true')
    .action(async (args: string[], opts) => runDescribe(await cliContext(program), args, { ...opts, showEvents: opts.showEvents !== 'false' }));

  program
    .command('api-resources')
    .description('Print the supported API resources on the server')
    .option('--namespaced <bool>', 'If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default')
    .option('--api-group <group>', 'Limit to resources in the specified API group')
    .option('-o, --output <format>', 'Output format. One of: (wide, name)')
    .option('--no-headers', "When using the default or custom-column output format, don't print headers")
    .option('--verbs <verbs>', 'Limit to resources that support the specified verbs', collect)
    .option('--sort-by <field>', "If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'")
    .action(async (opts) => runApiResources(await cliContext(program), { ...opts, noHeaders: opts.headers === false }));

  program
    .command('api-versions')
    .description('Print the supported API versions on the server, in the form of "group/version"')
    .action(async () => runApiVersions(await cliContext(program)));

  program
    .command('version')
    .description('Print the client and server version information')
    .option('--client', 'If true, shows client version only (no server required)')
    .option('-o, --output <format>', "One of 'yaml' or 'json'")
    .action(async (opts) => runVersion(program, opts));

  program
    .command('cluster-info')
    .description('Display cluster information')
    .action(async () => runClusterInfo(await cliContext(program)));

  registerConfigCommands(program);
}
