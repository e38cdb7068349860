// `k8ts exec`: kubectl's exec verb. Finds the pod and container (kubectl's defaulting and checks),
// runs the command through pods/{name}/exec over WebSocket and exits with the command's exit code,
// printing `command terminated with exit code N` as kubectl does.
import type { Command } from 'commander';
import type { Pod } from '../../api/types.js';
import { cliContext, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { streamExec, type ExecStreams } from './exec-websocket.js';
import { defaultContainer, podForArgument } from './pod-for-object.js';

export interface ExecFlags {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
}

export interface ExecIO {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Splits `POD [--] COMMAND...` as kubectl does (the dash position says where the command starts). */
export function splitExecArgs(args: string[], dashAt: number): { target?: string; command: string[] } {
  if (dashAt >= 0) return { target: args.slice(0, dashAt)[0], command: args.slice(dashAt) };
  return { target: args[0], command: args.slice(1) };
}

/** Returns the process exit code. */
export async function runExec(ctx: CliContext, target: string | undefined, command: string[], flags: ExecFlags, io: ExecIO): Promise<number> {
  if (!target) throw new CliError('pod, type/name or --filename must be specified');
  if (command.length === 0) throw new CliError('you must specify at least one command for the container');
  const pod: Pod = await podForArgument(ctx.client, ctx.namespace, target, ctx.err);
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new CliError(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const container = flags.container ?? defaultContainer(pod, ctx.err, flags.quiet);

  const stdin = flags.stdin === true;
  let tty = stdin && flags.tty === true;
  if (tty && !io.stdin.isTTY) {
    tty = false;
    if (!flags.quiet) ctx.err.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
  }
  const query = new URLSearchParams();
  for (const c of command) query.append('command', c);
  query.set('container', container);
  if (stdin) query.set('stdin', 'true');
  query.set('stdout', 'true');
  if (!tty) query.set('stderr', 'true');
  if (tty) query.set('tty', 'true');

  const streams: ExecStreams = { stdout: io.stdout, stderr: io.stderr, stdin: stdin ? io.stdin : undefined };
  if (tty) {
    streams.size = () => (io.stdout.isTTY ? { width: io.stdout.columns, height: io.stdout.rows } : undefined);
    streams.onResize = (listener) => {
      io.stdout.on('resize', listener);
      return () => io.stdout.off('resize', listener);
    };
    io.stdin.setRawMode(true);
  }
  const ns = encodeURIComponent(pod.metadata?.namespace ?? ctx.namespace);
  const name = encodeURIComponent(pod.metadata?.name ?? '');
  let result;
  try {
    result = await streamExec(ctx.config, `/api/v1/namespaces/${ns}/pods/${name}/exec`, query, streams);
  } finally {
    if (tty) io.stdin.setRawMode(false);
    if (stdin) io.stdin.pause();
  }
  if ('error' in result) throw new CliError(result.error);
  if (result.code !== 0) io.stderr.write(`command terminated with exit code ${result.code}\n`);
  return result.code;
}

export function registerExecCommand(program: Command): void {
  program
    .command('exec')
    .description('Execute a command in a container')
    .argument('[args...]', 'POD | TYPE/NAME -- COMMAND [args...]')
    .option('-c, --container <name>', 'Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen')
    .option('-i, --stdin', 'Pass stdin to the container')
    .option('-t, --tty', 'Stdin is a TTY')
    .option('-q, --quiet', 'Only print output from the remote session')
    .action(async (args: string[], flags: ExecFlags) => {
      // commander drops `--`; where the command begins follows from what came after it in argv.
      const argv = process.argv.slice(2);
      const dash = argv.indexOf('--');
      const commandStart = dash >= 0 ? args.length - (argv.length - dash - 1) : -1;
      if (commandStart < 0 && args.length > 1) {
        process.stderr.write('k8ts exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use k8ts exec [POD] -- [COMMAND] instead.\n');
      }
      const { target, command } = splitExecArgs(args, commandStart);
      const code = await runExec(await cliContext(program), target, command, flags, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
      if (code !== 0) process.exitCode = code;
    });
}
