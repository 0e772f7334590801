import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../../log.js';
import { BadEventError, parseChatEvent } from './events.js';
import { handleChatEvent, type GchatHandlerDeps } from './handler.js';
import { UnauthorizedError, type ChatVerifier } from './verify.js';

/**
 * POST /gchat/events — the app's HTTP endpoint in the Chat API configuration. The bearer token is
 * verified before the body is even parsed: an unauthenticated request gets 401 and has no effect
 * (developers.google.com/workspace/chat/verify-requests-from-chat).
 */
export function gchatRouter(verifier: ChatVerifier, deps: GchatHandlerDeps, log: Logger): Router {
  const r = Router();
  r.post(
    '/gchat/events',
    (req: Request, res: Response, next: NextFunction) => {
      verifier.verify(req.headers.authorization).then(
        () => next(),
        (err: unknown) => {
          if (!(err instanceof UnauthorizedError)) return next(err);
          log.warn({ reason: err.message }, 'gchat: rejected a request without a valid Google Chat token');
          res.status(401).json({ error: 'unauthorized' });
        },
      );
    },
    express.json({ limit: '1mb' }),
    (req: Request, res: Response, next: NextFunction) => {
      let ev;
      try {
        ev = parseChatEvent(req.body);
      } catch (err) {
        if (err instanceof BadEventError) return void res.status(400).json({ error: err.message });
        return next(err);
      }
      handleChatEvent(deps, ev).then((out) => res.json(out), next);
    },
  );
  return r;
}
