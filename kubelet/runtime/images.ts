// Owns images on the node: whether one is present, pulling one (with credentials from
// imagePullSecrets), and the registry key matching of upstream's credential provider. Never removes images.
import type Docker from 'dockerode';
import type { Secret } from '../../api/types.js';

export interface ImageInfo {
  id: string;
  /** `repo@sha256:...` when the image came from a registry. */
  repoDigests: string[];
  size: number;
}

export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  serveraddress: string;
}

/** The image with `:latest` appended when it names neither a tag nor a digest (docker's normalisation). */
export function normalizeImage(image: string): string {
  if (image.includes('@')) return image;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image : `${image}:latest`;
}

/** The registry host of an image reference (`docker.io` for Docker Hub names). */
export function registryOf(image: string): string {
  const first = image.split('/')[0]!;
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

function hostOfKey(key: string): string {
  let k = key.replace(/^https?:\/\//, '');
  k = k.split('/')[0]!;
  if (k === 'index.docker.io' || k === 'registry-1.docker.io') return 'docker.io';
  return k;
}

/** Credentials of dockerconfigjson / dockercfg secrets that match the image's registry, in secret order. */
export function credentialsFor(image: string, secrets: Secret[]): RegistryAuth[] {
  const registry = registryOf(image);
  const out: RegistryAuth[] = [];
  for (const secret of secrets) {
    let auths: Record<string, { username?: string; password?: string; auth?: string }> | undefined;
    try {
      if (secret.type === 'kubernetes.io/dockerconfigjson' && secret.data?.['.dockerconfigjson']) {
        auths = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8')).auths;
      } else if (secret.type === 'kubernetes.io/dockercfg' && secret.data?.['.dockercfg']) {
        auths = JSON.parse(Buffer.from(secret.data['.dockercfg'], 'base64').toString('utf8'));
      }
    } catch {
      continue; // upstream ignores unreadable pull secrets
    }
    for (const [key, entry] of Object.entries(auths ?? {})) {
      if (hostOfKey(key) !== registry) continue;
      let { username, password } = entry;
      if ((!username || !password) && entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i > 0) {
          username = decoded.slice(0, i);
          password = decoded.slice(i + 1);
        }
      }
      out.push({ username, password, serveraddress: key });
    }
  }
  return out;
}

export async function inspectImage(docker: Docker, image: string): Promise<ImageInfo | undefined> {
  try {
    const info = await docker.getImage(normalizeImage(image)).inspect();
    return { id: info.Id, repoDigests: info.RepoDigests ?? [], size: info.Size };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/** Pulls the image; rejects with the registry's error text (as docker prints it). */
export async function pullImage(docker: Docker, image: string, auth?: RegistryAuth): Promise<void> {
  const ref = normalizeImage(image);
  const stream = await docker.pull(ref, auth ? { authconfig: auth } : {});
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
        if (err) return reject(err);
        const failed = output?.find((o) => o.error || o.errorDetail);
        if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error));
        resolve();
      },
    );
  });
}

/** The imageID a container status reports: `docker-pullable://repo@sha256:..` when pulled, else `docker://sha256:..`. */
export function imageIdForStatus(info: ImageInfo | undefined, imageId: string): string {
  if (info?.repoDigests.length) return `docker-pullable://${info.repoDigests[0]}`;
  return `docker://${imageId}`;
}
