import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { CloudAdapter, TurnContext } from '@microsoft/agents-hosting';

type SdkRequest = Parameters<CloudAdapter['process']>[0];
type SdkResponse = Parameters<CloudAdapter['process']>[1];

/**
 * POST /api/messages — the Bot Framework messaging endpoint configured on the Azure Bot. The SDK
 * checks the JWT Azure Bot Service signs each request with (anonymous only without an app id),
 * then runs the turn; invoke answers are written as the HTTP response.
 */
export function teamsRouter(adapter: CloudAdapter, logic: (context: TurnContext) => Promise<void>): Router {
  const r = Router();
  r.post(
    '/api/messages',
    express.json({ limit: '1mb' }),
    (req: Request, res: Response, next: NextFunction) => {
      const sreq = req as unknown as SdkRequest;
      const sres = res as unknown as SdkResponse;
      adapter
        .authorizeRequest(sreq, sres, () => {
          adapter.process(sreq, sres, logic).catch(next);
        })
        .catch(next);
    },
  );
  return r;
}
