// Owns "make this container's image available" as upstream's kubelet image manager: pull policies
// (Always, IfNotPresent, Never; `latest` defaults to Always), pull-secret credentials, ErrImagePull /
// ImagePullBackOff / ErrImageNeverPull, and the Pulling/Pulled/BackOff/Failed events with upstream's texts.
import type Docker from 'dockerode';
import type { Container, Pod, Secret } from '../../api/types.js';
import { imageTag } from '../../api/defaults/index.js';
import type { EventRecorder, KubeObject } from '../../client/index.js';
import { credentialsFor, inspectImage, pullImage, type ImageInfo } from '../runtime/images.js';
import { goDurationPrecise, KeyedBackoff } from './backoff.js';
import type { WaitingReason } from './status.js';

export interface ImagePullerOptions {
  docker: Docker;
  recorder: EventRecorder;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  backoff: KeyedBackoff;
}

export type ImageResult = { ok: true; info: ImageInfo } | { ok: false; waiting: WaitingReason };

export function pullPolicyOf(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  return imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
}

export class ImagePuller {
  private readonly lastError = new Map<string, string>();

  constructor(private readonly o: ImagePullerOptions) {}

  async ensure(pod: Pod, ref: KubeObject, c: Container): Promise<ImageResult> {
    const image = c.image ?? '';
    const rec = this.o.recorder;
    if (!image.trim()) {
      return { ok: false, waiting: { reason: 'InvalidImageName', message: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format` } };
    }
    const policy = pullPolicyOf(c);
    let present: ImageInfo | undefined;
    try {
      present = await inspectImage(this.o.docker, image);
    } catch (err) {
      return { ok: false, waiting: { reason: 'ErrImageInspect', message: `Failed to inspect image "${image}": ${(err as Error).message}` } };
    }
    if (policy === 'Never' && !present) {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      rec.event(ref, 'Warning', 'ErrImageNeverPull', message);
      return { ok: false, waiting: { reason: 'ErrImageNeverPull', message } };
    }
    if (present && policy !== 'Always') {
      rec.event(ref, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return { ok: true, info: present };
    }
    const key = `${pod.metadata?.uid}/${image}`;
    if (this.o.backoff.inBackoffSinceUpdate(key)) {
      const message = `Back-off pulling image "${image}"`;
      rec.event(ref, 'Normal', 'BackOff', message);
      const last = this.lastError.get(key);
      return { ok: false, waiting: { reason: 'ImagePullBackOff', message: last ? `${message}: ErrImagePull: ${last}` : message } };
    }
    rec.event(ref, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = Date.now();
    try {
      await this.pull(pod, image);
      const info = await inspectImage(this.o.docker, image);
      if (!info) throw new Error(`image "${image}" is missing after the pull`);
      const took = goDurationPrecise(Date.now() - started);
      rec.event(ref, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${info.size} bytes.`);
      this.o.backoff.reset(key);
      this.lastError.delete(key);
      return { ok: true, info };
    } catch (err) {
      const msg = (err as Error).message;
      this.o.backoff.next(key, Date.now());
      this.lastError.set(key, msg);
      rec.event(ref, 'Warning', 'Failed', `Failed to pull image "${image}": ${msg}`);
      rec.event(ref, 'Warning', 'Failed', 'Error: ErrImagePull');
      return { ok: false, waiting: { reason: 'ErrImagePull', message: msg } };
    }
  }

  /** When an image in backoff may be tried again (for the worker's requeue). */
  retryAt(pod: Pod, c: Container): number | undefined {
    return this.o.backoff.updatedRetryAt(`${pod.metadata?.uid}/${c.image ?? ''}`);
  }

  forgetPod(uid: string): void {
    this.o.backoff.forgetPrefix(`${uid}/`);
    for (const k of this.lastError.keys()) if (k.startsWith(`${uid}/`)) this.lastError.delete(k);
  }

  private async pull(pod: Pod, image: string): Promise<void> {
    const secrets: Secret[] = [];
    for (const ref of pod.spec?.imagePullSecrets ?? []) {
      if (!ref.name) continue;
      const s = await this.o.getSecret(pod.metadata?.namespace ?? 'default', ref.name).catch(() => undefined);
      if (s) secrets.push(s);
    }
    const creds = credentialsFor(image, secrets);
    if (creds.length === 0) return pullImage(this.o.docker, image);
    let lastErr: unknown;
    for (const auth of creds) {
      try {
        return await pullImage(this.o.docker, image, auth);
      } catch (err) {
        lastErr = err;
      }
    }
    throw lastErr;
  }
}
