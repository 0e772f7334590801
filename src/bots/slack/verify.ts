import type { RequestHandler } from 'express';

/** Slack: "If the timestamp is more than five minutes from local time, it could be a replay attack". */
export const MAX_SKEW_SECONDS = 5 * 60;

/**
 * Request authenticity for /slack/events. Bolt's ExpressReceiver verifies the signature
 * (`v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>`, constant-time compare) and rejects
 * timestamps more than 5 minutes *old* (ExpressReceiver.js verifyRequestSignature), answering 401.
 * Slack's rule is five minutes either way (docs.slack.dev/authentication/verifying-requests-from-slack),
 * so this guard, mounted in front of Bolt, also refuses timestamps from the future and missing ones.
 */
export function rejectStaleSlackRequests(now: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (!Number.isFinite(ts) || Math.abs(now() / 1000 - ts) > MAX_SKEW_SECONDS) {
      res.status(401).send();
      return;
    }
    next();
  };
}
