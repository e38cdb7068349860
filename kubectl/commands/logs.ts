// `k8ts logs`: kubectl's logs verb. Reads pods/{name}/log for one container, all containers or the
// pods a selector picks, with -f, --previous, --tail, --timestamps, --since/--since-time,
// --limit-bytes and --prefix as kubectl 1.32. Reads only.
import type { Command } from 'commander';
import type { IncomingMessage } from 'node:http';
import { parseGoDuration } from '../../api/duration.js';
import { StatusError } from '../../api/errors.js';
import type { Pod } from '../../api/types.js';
import type { Client } from '../../client/index.js';
import { cliContext, type CliContext } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { defaultContainer, hasContainer, podForArgument } from './pod-for-object.js';

export interface LogsFlags {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  sinceTime?: string;
  limitBytes?: string;
  selector?: string;
  allContainers?: boolean;
  prefix?: boolean;
  maxLogRequests?: string;
  ignoreErrors?: boolean;
}

interface LogSource {
  pod: Pod;
  container: string;
}

const USAGE = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'k8ts logs -h' for help and examples";

function integerFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new CliError(`invalid argument "${value}" for "--${name}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

/** The pods/log query of one source, from the flags. */
export function logQuery(flags: LogsFlags, container: string, selectorDefaultTail: boolean): Record<string, string | undefined> {
  let tail = integerFlag(flags.tail, 'tail') ?? -1;
  if (tail === -1 && selectorDefaultTail) tail = 10;
  const limit = integerFlag(flags.limitBytes, 'limit-bytes');
  let sinceSeconds: number | undefined;
  if (flags.since !== undefined) {
    const ms = parseGoDuration(flags.since);
    if (ms === undefined) throw new CliError(`invalid argument "${flags.since}" for "--since" flag: time: invalid duration "${flags.since}"`);
    sinceSeconds = Math.ceil(ms / 1000);
  }
  return {
    container,
    follow: flags.follow ? 'true' : undefined,
    previous: flags.previous ? 'true' : undefined,
    timestamps: flags.timestamps ? 'true' : undefined,
    tailLines: tail >= 0 ? String(tail) : undefined,
    limitBytes: limit !== undefined && limit > 0 ? String(limit) : undefined,
    sinceSeconds: sinceSeconds !== undefined ? String(sinceSeconds) : undefined,
    sinceTime: flags.sinceTime,
  };
}

function validate(flags: LogsFlags, args: string[]): void {
  if (flags.since !== undefined && flags.sinceTime !== undefined) throw new CliError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (flags.sinceTime !== undefined && Number.isNaN(Date.parse(flags.sinceTime))) {
    throw new CliError(`parsing time "${flags.sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${flags.sinceTime}" as "2006"`);
  }
  const limit = integerFlag(flags.limitBytes, 'limit-bytes');
  if (limit !== undefined && limit < 0) throw new CliError('--limit-bytes must be greater than 0');
  const tail = integerFlag(flags.tail, 'tail');
  if (tail !== undefined && tail < -1) throw new CliError('--tail must be greater than or equal to -1');
  if (flags.allContainers && flags.container) throw new CliError(`--all-containers=true should not be specified with container name ${flags.container}`);
  if (flags.selector && args.length > 0) throw new CliError('only a selector (-l) or a POD name is allowed');
  if (!flags.selector && args.length === 0) throw new CliError(USAGE);
  if (args.length > 2) throw new CliError(USAGE);
}

function containersOf(pod: Pod): string[] {
  return [
    ...(pod.spec?.initContainers ?? []).map((c) => c.name),
    ...(pod.spec?.containers ?? []).map((c) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => c.name),
  ];
}

async function sources(ctx: CliContext, args: string[], flags: LogsFlags): Promise<LogSource[]> {
  const pods: Pod[] = flags.selector
    ? ((await ctx.client.resource('pods', ctx.namespace).list({ labelSelector: flags.selector })).items as unknown as Pod[])
    : [await podForArgument(ctx.client, ctx.namespace, args[0]!, ctx.err).catch((err: unknown) => {
        // kubectl's logs words a missing object itself (its builder's error, wrapped).
        if (err instanceof StatusError && err.reason === 'NotFound') throw new CliError(`error from server (NotFound): ${err.message} in namespace "${ctx.namespace}"`);
        throw err;
      })];
  if (flags.selector && pods.length === 0) {
    ctx.err.write(`No resources found in ${ctx.namespace} namespace.\n`);
    return [];
  }
  const container = flags.container ?? args[1];
  const out: LogSource[] = [];
  for (const pod of pods) {
    if (flags.allContainers) {
      for (const c of containersOf(pod)) out.push({ pod, container: c });
      continue;
    }
    const chosen = container ?? defaultContainer(pod, ctx.err);
    if (!hasContainer(pod, chosen)) throw new CliError(`container ${chosen} is not valid for pod ${pod.metadata?.name}`);
    out.push({ pod, container: chosen });
  }
  return out;
}

/** Copies one log stream to out, line-prefixed when asked; resolves when the stream ends. */
function copyLog(res: IncomingMessage, out: NodeJS.WritableStream, prefix: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let partial = '';
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      if (!prefix) {
        out.write(text);
        return;
      }
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) out.write(`${prefix}${line}\n`);
    });
    res.on('end', () => {
      if (prefix && partial) out.write(`${prefix}${partial}`);
      resolve();
    });
    res.on('error', reject);
  });
}

async function openLog(client: Client, source: LogSource, query: Record<string, string | undefined>): Promise<IncomingMessage> {
  const ns = encodeURIComponent(source.pod.metadata?.namespace ?? '');
  const name = encodeURIComponent(source.pod.metadata?.name ?? '');
  return client.transport.stream({ method: 'GET', path: `/api/v1/namespaces/${ns}/pods/${name}/log`, query, accept: '*/*' });
}

export async function runLogs(ctx: CliContext, args: string[], flags: LogsFlags): Promise<void> {
  validate(flags, args);
  const list = await sources(ctx, args, flags);
  const maxRequests = integerFlag(flags.maxLogRequests, 'max-log-requests') ?? 5;
  const prefixOf = (s: LogSource) => (flags.prefix ? `[pod/${s.pod.metadata?.name}/${s.container}] ` : '');
  const run = async (s: LogSource) => {
    try {
      const res = await openLog(ctx.client, s, logQuery(flags, s.container, flags.selector !== undefined));
      await copyLog(res, ctx.out, prefixOf(s));
    } catch (err) {
      if (!flags.ignoreErrors || list.length === 1) throw err;
      ctx.err.write(`${formatError(err)}\n`);
    }
  };
  if (flags.follow && list.length > 1) {
    if (list.length > maxRequests) {
      throw new CliError(`you are attempting to follow ${list.length} log streams, but maximum allowed concurrency is ${maxRequests}, use --max-log-requests to increase the limit`);
    }
    await Promise.all(list.map(run));
    return;
  }
  for (const s of list) await run(s);
}

export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description('Print the logs for a container in a pod')
    .argument('[args...]', 'POD | TYPE/NAME [CONTAINER]')
    .option('-c, --container <name>', 'Print the logs of this container')
    .option('-f, --follow', 'Specify if the logs should be streamed.')
    .option('-p, --previous', 'If true, print the logs for the previous instance of the container in a pod if it exists.')
    .option('--tail <lines>', 'Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided.')
    .option('--timestamps', 'Include timestamps on each line in the log output')
    .option('--since <duration>', 'Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs.')
    .option('--since-time <time>', 'Only return logs after a specific date (RFC3339). Defaults to all logs.')
    .option('--limit-bytes <bytes>', 'Maximum bytes of logs to return. Defaults to no limit.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--all-containers', 'Get all containers\' logs in the pod(s).')
    .option('--prefix', 'Prefix each log line with the log source (pod name and container name)')
    .option('--max-log-requests <n>', 'Specify maximum number of concurrent logs to follow when using by a selector. Defaults to 5.')
    .option('--ignore-errors', 'If watching / following pod logs, allow for any errors that occur to be non-fatal')
    .action(async (args: string[], flags: LogsFlags) => runLogs(await cliContext(program), args, flags));
}
