import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one process (`GET /metrics`).
 *
 * `fincelo_alerts_raised_total{type}` is read from the alerts table when scraped (given `alertCounts`, a store query):
 * counting rows rather than engine calls means every process role (Slack, worker, API) reports
 * the alerts raised anywhere, from any path (usage, invoices, the collections scan, tickets), and
 * the figure survives restarts. Deleting a workspace lowers it, which rate() reads as a reset.
 */
export function createMetrics(opts: { alertCounts?: () => Promise<{ type: string; n: number }[]> } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fincelo_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'fincelo_http_requests_total',
      help: 'HTTP requests by method, route pattern (e.g. /api/v1/alerts/:id) and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    alertsRaised: new Counter({
      name: 'fincelo_alerts_raised_total',
      help: 'Alerts created, by type',
      labelNames: ['type'] as const,
      registers: [registry],
      ...(opts.alertCounts
        ? {
            async collect(this: Counter<'type'>) {
              const rows = await opts.alertCounts!();
              this.reset();
              for (const r of rows) this.inc({ type: r.type }, r.n);
            },
          }
        : {}),
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
