// Registers every verb of the CLI, in the order kubectl's help lists them.
import type { Command } from 'commander';
import { registerReadCommands } from './read.js';
import { registerWriteCommands } from './write.js';
import { registerModifyCommands } from './modify.js';
import { registerStreamingCommands } from './logs-exec.js';
import { registerTopCommand } from './top.js';

export function registerCommands(program: Command): void {
  registerWriteCommands(program);
  registerReadCommands(program);
  registerModifyCommands(program);
  registerStreamingCommands(program);
  registerTopCommand(program);
}
