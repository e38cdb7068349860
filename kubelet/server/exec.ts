// Runs /exec/{ns}/{pod}/{container} over a WebSocket speaking v5/v4.channel.k8s.io: a Docker exec
// on the pod's running container, stdin/stdout/stderr/resize on their channels, and the exit code as
// a Status on the error channel. Never runs anything in a container outside this node's pods.
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { DockerFrameReader } from './docker-frames.js';
import type { ContainerInstance } from './pod-containers.js';
import {
  CLOSE, ERROR, PROTOCOL_V5, RESIZE, STDERR, STDIN, STDOUT,
  exitStatus, frame, internalErrorStatus, parseResize, type ChannelStatus, type ExecRequest,
} from './stream-protocol.js';

export interface PreparedExec {
  exec: Docker.Exec;
  stream: Duplex;
}

/** Creates and starts the Docker exec before the WebSocket is accepted, so failures are HTTP errors. */
export async function prepareExec(docker: Docker, instance: ContainerInstance, request: ExecRequest): Promise<PreparedExec> {
  const exec = await docker.getContainer(instance.id).exec({
    Cmd: request.command,
    AttachStdin: request.stdin,
    AttachStdout: request.stdout,
    AttachStderr: request.stderr,
    Tty: request.tty,
  });
  const stream = (await exec.start({ hijack: true, stdin: request.stdin, Tty: request.tty })) as unknown as Duplex;
  return { exec, stream };
}

/**
 * Waits until Docker reports the exec finished (its output may close before the process ends) and
 * returns its exit code; undefined once nobody is waiting any more.
 */
async function exitCodeOf(exec: Docker.Exec, wanted: () => boolean): Promise<number | undefined> {
  for (let delay = 10; wanted(); delay = Math.min(delay * 2, 500)) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
    await new Promise((r) => setTimeout(r, delay));
  }
  return undefined;
}

/** Bridges one accepted WebSocket and one started exec until the command ends or the client leaves. */
export function bridgeExec(ws: WebSocket, prepared: PreparedExec, request: ExecRequest, logger: Logger): Promise<void> {
  const { exec, stream } = prepared;
  const send = (channel: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN) ws.send(frame(channel, data), { binary: true });
  };
  const frames = request.tty ? undefined : new DockerFrameReader();
  stream.on('data', (chunk: Buffer) => {
    if (!frames) return send(STDOUT, chunk);
    for (const f of frames.push(chunk)) send(f.stream === 'stderr' ? STDERR : STDOUT, f.data);
  });

  ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
    const data = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    if (data.length === 0) return;
    const channel = data[0];
    const body = data.subarray(1);
    if (channel === STDIN) {
      if (request.stdin && !stream.writableEnded) stream.write(body);
    } else if (channel === RESIZE) {
      const size = parseResize(body);
      if (size && request.tty) exec.resize({ w: size.width, h: size.height }).catch((err: Error) => logger.debug({ err: err.message }, 'exec resize failed'));
    } else if (channel === CLOSE && ws.protocol === PROTOCOL_V5 && body[0] === STDIN) {
      if (!stream.writableEnded) stream.end();
    }
  });

  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = async (clientLeft: boolean) => {
      if (finished) return;
      finished = true;
      if (clientLeft) {
        stream.destroy();
        return resolve();
      }
      let status: ChannelStatus;
      try {
        const code = await exitCodeOf(exec, () => ws.readyState === ws.OPEN);
        if (code === undefined) return resolve();
        status = exitStatus(code, request.command);
      } catch (err) {
        status = internalErrorStatus((err as Error).message);
      }
      send(ERROR, JSON.stringify(status));
      if (ws.readyState === ws.OPEN) ws.close(1000);
      resolve();
    };
    stream.on('end', () => void finish(false));
    stream.on('close', () => void finish(false));
    stream.on('error', (err) => {
      logger.debug({ err: err.message }, 'exec stream failed');
      void finish(false);
    });
    ws.on('close', () => void finish(true));
  });
}
