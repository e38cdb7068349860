// Splits Docker's multiplexed attach/logs stream (8-byte header: stream type, 3 zero bytes, length)
// into stdout and stderr payloads. Pure and incremental; used only when the container has no TTY.

export type DockerStream = 'stdout' | 'stderr';

export class DockerFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the complete frames they finish, in order. */
  push(chunk: Buffer): { stream: DockerStream; data: Buffer }[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: { stream: DockerStream; data: Buffer }[] = [];
    while (this.pending.length >= 8) {
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + length) break;
      const type = this.pending[0];
      const data = this.pending.subarray(8, 8 + length);
      this.pending = this.pending.subarray(8 + length);
      // 0 (stdin echo) never comes back from a non-TTY exec; treat anything not stderr as stdout.
      frames.push({ stream: type === 2 ? 'stderr' : 'stdout', data });
    }
    return frames;
  }
}
