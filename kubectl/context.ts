// What every command shares: the global flags (kubeconfig, context, namespace) turned into a client
// and the namespace to work in, resolved once per invocation.
import type { Command } from 'commander';
import { createClient, resolveConfig, type Client, type ClientConfig } from '../client/index.js';

export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeout?: string;
}

export interface CliContext {
  config: ClientConfig;
  client: Client;
  /** -n, else the kubeconfig context's namespace, else `default`. */
  namespace: string;
  /** Whether -n was given explicitly (commands such as apply refuse a conflicting manifest namespace). */
  namespaceExplicit: boolean;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--kubeconfig <file>', 'Path to the kubeconfig file to use for CLI requests.')
    .option('--context <name>', 'The name of the kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('--request-timeout <duration>', 'The length of time to wait before giving up on a single server request.', '0');
}

let cached: CliContext | undefined;

/** Builds (once) the client from the program's global options. */
export async function cliContext(program: Command): Promise<CliContext> {
  if (cached) return cached;
  const opts = program.opts<GlobalOptions>();
  const config = await resolveConfig({ kubeconfig: opts.kubeconfig, context: opts.context, namespace: opts.namespace, program: 'k8ts' });
  cached = {
    config,
    client: createClient(config),
    namespace: opts.namespace ?? config.namespace ?? 'default',
    namespaceExplicit: opts.namespace !== undefined,
    out: process.stdout,
    err: process.stderr,
  };
  return cached;
}

/** Releases keep-alive sockets so the process can exit. */
export function closeContext(): void {
  cached?.client.close();
  cached = undefined;
}
