import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from '../metrics.js';

/**
 * Counts every HTTP request when its answer is sent, labelled by the matched route pattern
 * (never the raw path, whose ids would make one series per alert) or `unmatched`.
 */
export function countRequests(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.on('finish', () => {
      const pattern = req.route?.path;
      const route =
        typeof pattern === 'string' ? `${req.baseUrl}${pattern === '/' ? '' : pattern}` || '/' : 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
