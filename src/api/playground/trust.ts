import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from '../../http/kit.js';

/**
 * Who may use the playground. It acts as any person of the workspace without signing in, so in
 * `FINCELO_PLAYGROUND=local` (the default) a request must:
 *  1. come from this machine (the socket's address is loopback);
 *  2. carry no proxy header — a reverse proxy or dev tunnel on the same host connects from
 *     loopback too, so without this rule everyone it serves would look local
 *     (FINCELO_PLAYGROUND_BEHIND_PROXY=on lifts it, for a proxy you put there on purpose);
 *  3. prove it saw this start's secret token: the start log prints the playground URL with
 *     `?token=…`; opening it swaps the token for an HttpOnly, SameSite=Strict cookie and drops it
 *     from the address bar. A page another site opens cannot send the cookie (SameSite), and a
 *     visitor who reaches the port some other way has no token.
 * `FINCELO_PLAYGROUND=public` is the documented opt-out ("anyone who can reach the port").
 */
export interface PlaygroundTrust {
  /** The per-start token (printed once, inside the playground URL). */
  token: string;
  middleware(req: Request, res: Response, next: NextFunction): void;
}

/** Headers a proxy adds (RFC 7239 Forwarded, the de-facto X-Forwarded-*, Via from RFC 9110 §7.6.3). */
export const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'via',
] as const;

const COOKIE_PREFIX = 'fincelo_playground_';

const digest = (v: string) => createHash('sha256').update(v).digest();

function isLoopback(req: Request): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a.startsWith('::ffff:127.') || a.startsWith('127.');
}

function cookieValue(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

function refuse(req: Request, res: Response, status: number, message: string) {
  if (req.method === 'GET' && !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html') {
    const esc = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    res
      .status(status)
      .type('html')
      .send(
        `<!doctype html><meta charset="utf-8"><title>Fincelo playground</title>` +
          `<p style="font:16px system-ui;max-width:40em;margin:3em auto">${esc}</p>`,
      );
    return;
  }
  sendError(res, status, message);
}

export function createPlaygroundTrust(o: {
  exposure: 'local' | 'public' | 'off';
  behindProxy: boolean;
  /** Fixed token (tests); a random one per start otherwise. */
  token?: string;
}): PlaygroundTrust {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const wanted = digest(token);
  const matches = (v: string | null) => v !== null && timingSafeEqual(digest(v), wanted);
  return {
    token,
    middleware(req, res, next) {
      if (o.exposure !== 'local') return next();
      if (!isLoopback(req))
        return refuse(
          req,
          res,
          403,
          'The playground only answers requests from this machine (FINCELO_PLAYGROUND=local). To use it from another machine, forward the port over SSH: see the README.',
        );
      if (!o.behindProxy) {
        const h = FORWARDING_HEADERS.find((name) => req.headers[name] !== undefined);
        if (h)
          return refuse(
            req,
            res,
            403,
            `The playground refuses requests that came through a proxy (${h} header). Use an SSH tunnel, or set FINCELO_PLAYGROUND_BEHIND_PROXY=on if the proxy is yours.`,
          );
      }
      // The cookie is per port: two servers on one machine (cookies ignore ports) keep theirs apart.
      const name = `${COOKIE_PREFIX}${req.socket.localPort ?? ''}`;
      const fromQuery = typeof req.query.token === 'string' ? req.query.token : null;
      if (fromQuery !== null && matches(fromQuery)) {
        res.cookie(name, token, {
          httpOnly: true,
          sameSite: 'strict',
          path: req.baseUrl || '/',
          secure: req.secure,
        });
        if (req.method === 'GET' && (req.path === '/' || req.path === '/index.html')) {
          // Take the token out of the address bar (and of history, bookmarks and screenshots).
          const rest = new URL(req.originalUrl, 'http://localhost').searchParams;
          rest.delete('token');
          const q = rest.toString();
          return res.redirect(303, `${req.baseUrl}/${q ? `?${q}` : ''}`);
        }
        return next();
      }
      if (matches(cookieValue(req, name))) return next();
      return refuse(
        req,
        res,
        401,
        'Open the playground with the link printed in the start log ("Fincelo is ready … /playground/?token=…"). The token changes at every start.',
      );
    },
  };
}
