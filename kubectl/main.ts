#!/usr/bin/env node
// The `k8ts` command: kubectl's verbs, flags, output and error lines against a k8ts (or any
// Kubernetes) API server. Only wires commands and prints errors; each verb lives in commands/.
import { Command, CommanderError } from 'commander';
import { addGlobalOptions, closeContext } from './context.js';
import { CliError, formatError } from './errors.js';
import { registerCommands } from './commands/index.js';

async function main(argv: string[]): Promise<number> {
  const program = addGlobalOptions(new Command('k8ts'))
    .description('k8ts controls a k8ts (Kubernetes) cluster, as kubectl does.')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(formatError(err) + '\n');
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    closeContext();
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
