import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for one process (`GET /metrics`). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fincelo_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'fincelo_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    alertsRaised: new Counter({
      name: 'fincelo_alerts_raised_total',
      help: 'Alerts created, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'fincelo_deliveries_total',
      help: 'Chat deliveries by channel and outcome',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    escalationLag: new Histogram({
      name: 'fincelo_escalation_lag_seconds',
      help: 'Delay between an escalation step falling due and it running',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    ready: new Gauge({ name: 'fincelo_ready', help: '1 when the process is ready', registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
