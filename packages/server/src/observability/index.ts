// Metrics (Prometheus), logs (pino) of the Tributary server.
export type { LoggerOptions } from './logger.js';
export { createLogger } from './logger.js';
export { createPrometheusMetrics } from './prometheus-metrics.js';
export type { ServerMetrics, ServerMetricsOptions } from './server-metrics.js';
export { createServerMetrics, FSYNC_BUCKETS, HTTP_BUCKETS, logMetrics } from './server-metrics.js';
