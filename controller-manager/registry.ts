// The list of controllers this controller-manager runs, in start order. Each entry lives in its own
// folder (controller-manager/<name>/) and exports a ControllerDescriptor. Add new ones here.
import type { ControllerDescriptor } from './context.js';

export const CONTROLLERS: ControllerDescriptor[] = [
];
