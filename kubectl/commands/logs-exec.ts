// Registers the streaming verbs `logs` and `exec` (they talk to kubelets through the apiserver).
import type { Command } from 'commander';
import { registerExecCommand } from './exec.js';
import { registerLogsCommand } from './logs.js';

export function registerStreamingCommands(program: Command): void {
  registerLogsCommand(program);
  registerExecCommand(program);
}
