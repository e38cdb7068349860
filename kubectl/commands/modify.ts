// The CLI verbs label, annotate, patch, scale, edit, wait, run, expose, set image, rollout, cordon, uncordon, drain.
import type { Command } from 'commander';

export function registerModifyCommands(program: Command): void {
  void program;
}
