// The CLI verbs get, describe, api-resources, api-versions, version, cluster-info, config.
import type { Command } from 'commander';

export function registerReadCommands(program: Command): void {
  void program;
}
