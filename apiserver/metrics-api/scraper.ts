// Scrapes every node's kubelet /stats/summary over the apiserver's kubelet-client TLS identity, at the
// metric resolution (metrics-server's --metric-resolution, 15 s), into a UsageStore. Starts on the
// first Metrics API request and stops with the app; never writes to storage.

import https from 'node:https';
import type { Logger } from 'pino';
import type { Node } from '../../api/types.js';
import { joinHostPort, kubeletEndpoint, type KubeletTls } from '../proxy/kubelet-connection.js';
import type { ResourceStore } from '../registry/store.js';
import { decodeSummary, type NodeBatch, type Summary } from './points.js';
import { UsageStore } from './usage-store.js';

/** metrics-server's defaults. */
export const DEFAULT_METRIC_RESOLUTION_MS = 15_000;
export const DEFAULT_KUBELET_REQUEST_TIMEOUT_MS = 10_000;
/** The first answer needs two samples for a rate; the second is taken this soon after the first. */
const FIRST_WINDOW_MS = 1_000;
const MAX_SUMMARY_BYTES = 32 * 1024 * 1024;

export interface ScraperOptions {
  nodes: ResourceStore;
  kubeletTls: KubeletTls;
  logger: Logger;
  resolutionMs?: number;
  requestTimeoutMs?: number;
}

export function fetchSummary(node: Node, tls: KubeletTls, timeoutMs: number): Promise<Summary> {
  const endpoint = kubeletEndpoint(node);
  const url = `https://${joinHostPort(endpoint)}/stats/summary?only_cpu_and_memory=true`;
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method: 'GET', cert: tls.cert, key: tls.key, ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized,
      agent: false, timeout: timeoutMs, headers: { Accept: 'application/json' },
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_SUMMARY_BYTES) req.destroy(new Error('summary too large'));
        else chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`request failed, status: ${res.statusCode}: ${body.slice(0, 200)}`));
        try {
          resolve(JSON.parse(body) as Summary);
        } catch (err) {
          reject(new Error(`decoding summary: ${(err as Error).message}`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export class MetricsScraper {
  readonly usage = new UsageStore();
  private timer?: NodeJS.Timeout;
  private started?: Promise<void>;
  private stopped = false;
  private readonly resolutionMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: ScraperOptions) {
    this.resolutionMs = options.resolutionMs ?? DEFAULT_METRIC_RESOLUTION_MS;
    this.timeoutMs = options.requestTimeoutMs ?? Math.min(DEFAULT_KUBELET_REQUEST_TIMEOUT_MS, this.resolutionMs);
  }

  /** Starts scraping if it has not started; resolves once two samples (a first rate) are in. */
  ensureStarted(): Promise<void> {
    this.started ??= (async () => {
      await this.scrapeOnce();
      await new Promise((resolve) => setTimeout(resolve, Math.min(FIRST_WINDOW_MS, this.resolutionMs)).unref());
      await this.scrapeOnce();
      this.schedule();
    })().catch((err: unknown) => {
      this.started = undefined;
      throw err;
    });
    return this.started;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.scrapeOnce()
        .catch((err: unknown) => this.options.logger.warn({ err: (err as Error).message }, 'metrics scrape failed'))
        .finally(() => this.schedule());
    }, this.resolutionMs);
    this.timer.unref();
  }

  async scrapeOnce(): Promise<void> {
    if (this.stopped) return;
    const { items } = await this.options.nodes.list(undefined, {});
    const batches = await Promise.all(
      (items as Node[]).map(async (node): Promise<NodeBatch | undefined> => {
        const name = node.metadata?.name ?? '';
        try {
          return decodeSummary(name, await fetchSummary(node, this.options.kubeletTls, this.timeoutMs));
        } catch (err) {
          this.options.logger.debug({ node: name, err: (err as Error).message }, 'failed to scrape node');
          return undefined;
        }
      }),
    );
    this.usage.store(batches.filter((b): b is NodeBatch => b !== undefined));
  }
}
