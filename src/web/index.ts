/** The status page: view-model, HTML, JSON API and event stream (see docs/status-page.md). */
export { createStatusService, type StatusService, type StatusServiceOptions } from './service.js';
export { buildStatus, type StatusInput } from './model.js';
export { STATUS_SCHEMA, type StatusV1 } from './schema.js';
export type { DnsTarget } from './dns-observer.js';
