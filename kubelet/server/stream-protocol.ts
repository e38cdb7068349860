// The remote-command wire protocol of exec over WebSocket (k8s.io/apimachinery's channel.k8s.io
// family): subprotocol choice, one-byte channel framing and the Status written on the error channel.
// Pure; knows nothing of Docker or sockets.

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
/** Subprotocols this server speaks, best first (v5 adds the close channel for stdin EOF). */
export const SUPPORTED_PROTOCOLS: readonly string[] = [PROTOCOL_V5, PROTOCOL_V4];

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5 only: the client closed the stream whose id follows (stdin EOF). */
export const CLOSE = 255;

/** Picks the best subprotocol the client offers, or undefined when none is spoken here. */
export function chooseProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return SUPPORTED_PROTOCOLS.find((p) => set.has(p));
}

export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export interface ExecRequest {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The apiserver sends "1"; "true" is accepted too for clients that call the kubelet directly. */
const truthy = (v: string | null) => v === '1' || v === 'true';

/** The metav1.Status of the error channel, in its wire shape (a cause's type is the JSON `reason`). */
export interface ChannelStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason?: string; message: string }[] };
  code?: number;
}

/**
 * Parses the query of /exec as the kubelet does (remotecommand's NewOptions): `command` repeated,
 * stdin/stdout/stderr/tty as "1"/"true". Throws with upstream's messages on a bad request.
 */
export function parseExecRequest(query: URLSearchParams): ExecRequest {
  const request: ExecRequest = {
    command: query.getAll('command'),
    stdin: truthy(query.get('stdin')),
    stdout: truthy(query.get('stdout')),
    stderr: truthy(query.get('stderr')),
    tty: truthy(query.get('tty')),
  };
  if (request.tty && request.stderr) {
    // Upstream: a TTY merges stderr into stdout, so stderr is silently dropped.
    request.stderr = false;
  }
  if (!request.stdin && !request.stdout && !request.stderr) {
    throw new Error('you must specify at least 1 of stdin, stdout, stderr');
  }
  if (request.command.length === 0) throw new Error('you must specify at least one command for the container');
  return request;
}

/** What goes on the error channel when the command ended: upstream's v4 status. */
export function exitStatus(exitCode: number, command: string[]): ChannelStatus {
  if (exitCode === 0) return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The error channel's Status when the command could not run at all. */
export function internalErrorStatus(message: string): ChannelStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: error executing command in container: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message: `error executing command in container: ${message}` }] },
    code: 500,
  };
}

/** A resize message: JSON {"Width":w,"Height":h}; undefined when malformed. */
export function parseResize(data: Buffer): { width: number; height: number } | undefined {
  try {
    const v = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
    const width = Number(v.Width);
    const height = Number(v.Height);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) return undefined;
    return { width, height };
  } catch {
    return undefined;
  }
}
