// The CLI verbs apply, create, replace, delete.
import type { Command } from 'commander';

export function registerWriteCommands(program: Command): void {
  void program;
}
