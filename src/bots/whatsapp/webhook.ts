import express, { Router } from 'express';
import type { Logger } from '../../log.js';
import { parseWebhook, type WaInbound, type WaStatus } from './parse.js';
import { validSignature, verifyChallenge } from './verify.js';

/**
 * GET|POST /whatsapp/webhook. The POST body is read raw: the signature covers the exact bytes, so
 * it is checked before JSON parsing, and a bad or missing signature gets 401 with no effect.
 * Meta retries deliveries that are not answered 200; processing is idempotent (message ids are
 * remembered), so an error answers 500 and the retry is safe.
 */
export function whatsappRouter(o: {
  appSecret: string;
  verifyToken: string;
  phoneNumberId: string;
  log: Logger;
  handle(batch: { messages: WaInbound[]; statuses: WaStatus[] }): Promise<void>;
}): Router {
  const r = Router();
  r.get('/whatsapp/webhook', (req, res) => {
    const v = verifyChallenge(o.verifyToken, req.query as Record<string, unknown>);
    if (v.ok) res.status(200).type('text/plain').send(v.challenge);
    else res.sendStatus(403);
  });
  r.post('/whatsapp/webhook', express.raw({ type: () => true, limit: '3mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!validSignature(o.appSecret, raw, req.get('x-hub-signature-256'))) {
      o.log.warn('whatsapp: webhook with a missing or bad X-Hub-Signature-256 refused');
      return void res.sendStatus(401);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return void res.status(400).json({ error: 'body is not JSON' });
    }
    const parsed = parseWebhook(body);
    // One app can serve several numbers; act only on ours.
    const mine = <T extends { phoneNumberId: string }>(x: T) =>
      !x.phoneNumberId || x.phoneNumberId === o.phoneNumberId;
    try {
      await o.handle({ messages: parsed.messages.filter(mine), statuses: parsed.statuses.filter(mine) });
      res.sendStatus(200);
    } catch (err) {
      o.log.error({ err: (err as Error).message }, 'whatsapp: webhook processing failed; Meta will retry');
      res.sendStatus(500);
    }
  });
  return r;
}
