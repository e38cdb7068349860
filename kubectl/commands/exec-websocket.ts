// The client side of exec over WebSocket (v5.channel.k8s.io, falling back to v4): opens the upgrade
// with the kubeconfig's credentials, pumps stdin/stdout/stderr/resize and turns the error channel's
// Status into an exit code, as client-go's remotecommand websocket executor does.
import WebSocket from 'ws';
import { StatusError } from '../../api/errors.js';
import type { ClientConfig } from '../../client/index.js';
import { statusErrorFrom } from '../../client/index.js';
import { CliError } from '../errors.js';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;
export const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export interface ExecStreams {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Current terminal size and a way to hear about changes (tty only). */
  size?: () => { width: number; height: number } | undefined;
  onResize?: (listener: () => void) => () => void;
}

/** The exit of a remote command: 0, its non-zero exit code, or a failure message. */
export type ExecResult = { code: number } | { error: string };

interface ChannelStatus {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** client-go's errorDecoderV4. */
export function resultOf(raw: string): ExecResult {
  if (raw === '') return { code: 0 };
  let status: ChannelStatus;
  try {
    status = JSON.parse(raw) as ChannelStatus;
  } catch (err) {
    return { error: `error stream protocol error: ${(err as Error).message} in ${JSON.stringify(raw)}` };
  }
  if (status.status === 'Success') return { code: 0 };
  if (status.status !== 'Failure') return { error: 'error stream protocol error: unknown error' };
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    if (!cause) return { error: 'error stream protocol error: no ExitCode cause given' };
    const code = Number(cause.message);
    if (!Number.isInteger(code) || code < 0 || code > 255) return { error: `error stream protocol error: invalid exit code value ${JSON.stringify(cause.message)}` };
    return { code };
  }
  return { error: status.message ?? '' };
}

function websocketURL(config: ClientConfig, path: string, query: URLSearchParams): string {
  const base = new URL(config.server);
  base.protocol = base.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${base.origin}${base.pathname.replace(/\/$/, '')}${path}?${query.toString()}`;
}

/** Runs one exec/attach session to its end. */
export function streamExec(config: ClientConfig, path: string, query: URLSearchParams, streams: ExecStreams): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'User-Agent': config.userAgent };
    if (config.token) headers.Authorization = `Bearer ${config.token}`;
    const options: WebSocket.ClientOptions & { servername?: string } = {
      ca: config.ca,
      cert: config.cert,
      key: config.key,
      servername: config.tlsServerName,
      headers,
      perMessageDeflate: false,
    };
    const ws = new WebSocket(websocketURL(config, path, query), PROTOCOLS, options);
    let errorText = '';
    let settled = false;
    const cleanups: (() => void)[] = [];
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      for (const c of cleanups) c();
      fn();
    };

    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').trim();
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        if (parsed && typeof parsed === 'object' && (parsed as { kind?: string }).kind === 'Status') {
          done(() => reject(statusErrorFrom(parsed as never, res.statusCode ?? 500)));
        } else {
          done(() => reject(new CliError(`unable to upgrade connection: ${body || `${res.statusCode} ${res.statusMessage}`}`)));
        }
      });
    });
    ws.on('error', (err) => done(() => reject(err instanceof StatusError || err instanceof CliError ? err : new CliError(err.message))));

    ws.on('open', () => {
      const v5 = ws.protocol === PROTOCOLS[0];
      const send = (channel: number, data: Buffer) => ws.send(Buffer.concat([Buffer.from([channel]), data]));
      if (streams.size) {
        const sendSize = () => {
          const size = streams.size!();
          if (size) send(RESIZE, Buffer.from(JSON.stringify({ Width: size.width, Height: size.height })));
        };
        sendSize();
        if (streams.onResize) cleanups.push(streams.onResize(sendSize));
      }
      if (streams.stdin) {
        const input = streams.stdin;
        const onData = (chunk: Buffer | string) => send(STDIN, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
        const onEnd = () => {
          if (v5 && ws.readyState === ws.OPEN) send(CLOSE, Buffer.from([STDIN]));
        };
        input.on('data', onData);
        input.on('end', onEnd);
        cleanups.push(() => {
          input.off('data', onData);
          input.off('end', onEnd);
          (input as NodeJS.ReadStream).pause?.();
        });
      }
    });
    ws.on('message', (raw: Buffer) => {
      if (raw.length === 0) return;
      const body = raw.subarray(1);
      switch (raw[0]) {
        case STDOUT:
          streams.stdout.write(body);
          break;
        case STDERR:
          streams.stderr.write(body);
          break;
        case ERROR:
          errorText += body.toString('utf8');
          break;
      }
    });
    ws.on('close', () => done(() => resolve(resultOf(errorText))));
  });
}
