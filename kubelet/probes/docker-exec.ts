// Runs a command in a running container through Docker exec and collects its output and exit code,
// with a deadline: on timeout the exec'd process (only that pid, which this module started) is killed.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

export interface ExecResult {
  exitCode: number;
  /** stdout followed by stderr, as upstream's RunInContainer returns them (capped). */
  output: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const MAX_OUTPUT = 10 * 1024;

export async function execInContainer(docker: Docker, containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let size = 0;
  const collect = (into: Buffer[]) => {
    const pt = new PassThrough();
    pt.on('data', (chunk: Buffer) => {
      if (size >= MAX_OUTPUT) return;
      const part = chunk.subarray(0, MAX_OUTPUT - size);
      size += part.length;
      into.push(part);
    });
    return pt;
  };
  docker.modem.demuxStream(stream, collect(stdout), collect(stderr));
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<boolean>((resolve) => {
    stream.on('end', () => resolve(false));
    stream.on('close', () => resolve(false));
    stream.on('error', () => resolve(false));
    if (timeoutMs > 0) timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const timedOut = await finished;
  if (timer) clearTimeout(timer);
  if (timedOut) {
    stream.destroy();
    try {
      const info = await exec.inspect();
      if (info.Running && info.Pid > 0) process.kill(info.Pid, 'SIGKILL');
    } catch {
      // The process ended between the deadline and the kill; nothing to clean up.
    }
    return { exitCode: -1, output: '', stdout: '', stderr: '', timedOut: true };
  }
  // The stream can end a moment before Docker records the exit code.
  let info = await exec.inspect();
  for (let i = 0; i < 50 && info.Running; i++) {
    await new Promise((r) => setTimeout(r, 10));
    info = await exec.inspect();
  }
  const out = Buffer.concat(stdout).toString('utf8');
  const err = Buffer.concat(stderr).toString('utf8');
  return { exitCode: info.ExitCode ?? -1, output: out + err, stdout: out, stderr: err, timedOut: false };
}
