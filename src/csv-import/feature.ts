import { Router } from 'express';
import type { AppFeature, FeatureContext } from '../features.js';
/**
 * The signed error-report link (`GET /csv/reports/<token>`): the token is an authenticated
 * encryption of {workspace, import, expiry}, so the link names no ids and cannot be forged or
 * pointed at another workspace; it expires after 7 days.
 */
export const csvImportFeature: AppFeature = {
  name: 'csv-import',
  async create(ctx: FeatureContext) {
    if (!ctx.servesApi) return {};
    const router = Router();
    router.get('/csv/reports/:token', (req, res, next) => {
      void (async () => {
        const ref = ctx.services.csv.verifyReportToken(String(req.params.token));
        if (!ref)
          return void res.status(404).type('text/plain').send('This report link is invalid or has expired.');
        const report = await ctx.services.csv.errorReport(ref.workspaceId, ref.importId);
        if (!report) return void res.status(404).type('text/plain').send('No error report for this import.');
        res.type('text/csv; charset=utf-8').attachment(report.filename).send(report.content);
      })().catch(next);
    });
    return { routers: [router] };
  },
};
