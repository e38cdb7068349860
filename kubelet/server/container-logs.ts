// Serves /containerLogs/{ns}/{pod}/{container}: `docker logs` of the container the pod status names,
// with follow, tailLines, previous, timestamps, sinceSeconds/sinceTime and limitBytes as upstream.
// Reads only; never touches a container without this node's label.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Pod } from '../../api/types.js';
import { parsePodLogOptions, validatePodLogOptions, type PodLogOptions } from '../../api/pod-log-options.js';
import { DockerFrameReader } from './docker-frames.js';
import { KubeletHttpError, logContainer, specContainerNames } from './pod-containers.js';

export interface ContainerLogsRequest {
  namespace: string;
  podName: string;
  containerName: string;
  query: URLSearchParams;
}

/** Docker's `since` (unix seconds) for the options, if any. */
function sinceOf(options: PodLogOptions, nowMs: number): number | undefined {
  if (options.sinceSeconds !== undefined) return Math.floor(nowMs / 1000) - options.sinceSeconds;
  if (options.sinceTime !== undefined) return Math.floor(Date.parse(options.sinceTime) / 1000);
  return undefined;
}

export async function serveContainerLogs(
  docker: Docker,
  nodeName: string,
  pods: () => Pod[],
  request: ContainerLogsRequest,
  res: ServerResponse,
): Promise<void> {
  let options: PodLogOptions;
  try {
    options = parsePodLogOptions(request.query);
  } catch {
    throw new KubeletHttpError(400, '{"message": "Unable to decode query."}');
  }
  if (validatePodLogOptions(options).length > 0) throw new KubeletHttpError(422, '{"message": "Invalid request."}');
  const pod = pods().find((p) => p.metadata?.namespace === request.namespace && p.metadata?.name === request.podName);
  if (!pod) throw new KubeletHttpError(404, `pod ${JSON.stringify(request.podName)} does not exist`);
  if (!specContainerNames(pod).includes(request.containerName)) {
    throw new KubeletHttpError(404, `container ${JSON.stringify(request.containerName)} not found in pod ${JSON.stringify(request.podName)}`);
  }
  const instance = await logContainer(docker, nodeName, pod, request.containerName, options.previous);
  const since = sinceOf(options, Date.now());
  const logOptions = {
    stdout: true,
    stderr: true,
    timestamps: options.timestamps,
    ...(options.tailLines !== undefined ? { tail: options.tailLines } : {}),
    ...(since !== undefined ? { since } : {}),
  };
  const container = docker.getContainer(instance.id);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  let remaining = options.limitBytes ?? Infinity;
  /** Writes within limitBytes; false once the limit is reached. */
  const write = (data: Buffer): boolean => {
    if (remaining <= 0) return false;
    const part = data.length > remaining ? data.subarray(0, remaining) : data;
    remaining -= part.length;
    res.write(part);
    return remaining > 0;
  };
  const frames = instance.tty ? undefined : new DockerFrameReader();
  const feed = (chunk: Buffer): boolean => {
    if (!frames) return write(chunk);
    for (const f of frames.push(chunk)) if (!write(f.data)) return false;
    return true;
  };

  if (!options.follow) {
    const all = (await container.logs({ ...logOptions, follow: false })) as unknown as Buffer;
    feed(Buffer.isBuffer(all) ? all : Buffer.from(String(all)));
    res.end();
    return;
  }
  const stream = (await container.logs({ ...logOptions, follow: true })) as unknown as Readable;
  await new Promise<void>((resolve) => {
    const finish = () => {
      stream.destroy();
      if (!res.writableEnded) res.end();
      resolve();
    };
    stream.on('data', (chunk: Buffer) => {
      if (!feed(chunk)) finish();
    });
    stream.on('end', finish);
    stream.on('error', finish);
    res.on('close', finish);
  });
}
