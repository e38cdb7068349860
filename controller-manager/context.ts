// The one thing every controller of the controller-manager is given: the client, the shared
// informers, an event recorder per component name, a logger, the compiled options and the stop
// signal. Controllers read the world only through `informers` and write only through `client`.
import type { Logger } from 'pino';
import type { Client, EventRecorder } from '../client/index.js';
import type { InformerFactory } from './informer-factory.js';
import type { ControllerManagerOptions } from './options.js';

export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  /** The event recorder for a component, e.g. `replicaset-controller` (created once, shared). */
  recorder(component: string): EventRecorder;
  logger: Logger;
  options: ControllerManagerOptions;
  signal: AbortSignal;
}

/**
 * One controller: `start` registers its informer handlers and returns the promise of its workers,
 * which resolves after `ctx.signal` aborts. It must only register handlers before the factory
 * starts, and only reconcile after `ctx.informers.waitForSync()`.
 */
export interface ControllerDescriptor {
  /** The name of `--controllers` as upstream (`replicaset`, `deployment`, `garbage-collector`, ...). */
  name: string;
  /** Off unless named in --controllers (upstream's disabled-by-default controllers); default false. */
  disabledByDefault?: boolean;
  start(ctx: ControllerContext): Promise<void>;
}
