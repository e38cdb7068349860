// The errors volume set-up reports: a VolumeError's message is the text of upstream's FailedMount
// event (`MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found`).

export type VolumeErrorReason = 'FailedMount';

export class VolumeError extends Error {
  readonly reason: VolumeErrorReason;
  readonly volumeName: string | undefined;
  /** Further volumes of the same pod that failed too (each its own FailedMount event). */
  others: VolumeError[] = [];
  constructor(message: string, options: { reason?: VolumeErrorReason; volumeName?: string } = {}) {
    super(message);
    this.name = 'VolumeError';
    this.reason = options.reason ?? 'FailedMount';
    this.volumeName = options.volumeName;
  }

  /** The FailedMount text for a volume whose SetUp failed with cause. */
  static setUpFailed(volumeName: string, cause: unknown): VolumeError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new VolumeError(`MountVolume.SetUp failed for volume "${volumeName}" : ${detail}`, { volumeName });
  }
}

/** utilerrors.NewAggregate's message: one error as itself, several as `[a, b]`. */
export function aggregate(errors: Error[]): Error | undefined {
  if (errors.length === 0) return undefined;
  if (errors.length === 1) return errors[0];
  return new Error(`[${errors.map((e) => e.message).join(', ')}]`);
}
