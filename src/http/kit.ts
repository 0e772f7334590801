import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { InputError } from '../engine/index.js';
import { LIMITS, uuid } from './validation.js';

/**
 * The HTTP toolkit every router shares (API v1, connector routes, the playground, local admin):
 * the one JSON error shape, zod parsing that names each bad field, and async route wrapping.
 */

/** A request that passed the API-key check: every query is scoped to `workspaceId`. */
export type Authed = Request & { workspaceId: string };

/** JSON error in the API's one shape. */
export function sendError(
  res: Response,
  status: number,
  error: string,
  details: Record<string, unknown> = {},
): void {
  res.status(status).json({ error, details });
}

export function zodDetails(err: z.ZodError, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of err.issues) {
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    // An unknown key is named itself, not its parent object.
    if (i.code === 'unrecognized_keys')
      for (const k of i.keys) out[[path, k].filter(Boolean).join('.')] = i.message;
    else out[path || '(body)'] = i.message;
  }
  return out;
}

/**
 * Accepts one object or an array of them. Chosen by the body's shape rather than a zod union,
 * whose failure would only say "Invalid input" instead of naming the field.
 */
export const oneOrMany = <T extends z.ZodType>(s: T): Parser<z.output<T> | z.output<T>[]> => ({
  safeParse: (body: unknown) =>
    (Array.isArray(body)
      ? z
          .array(s)
          .min(1, 'send at least one item')
          .max(LIMITS.batchItems, 'send at most 10,000 items per request')
          .safeParse(body)
      : s.safeParse(body)) as ReturnType<Parser<z.output<T> | z.output<T>[]>['safeParse']>,
});

export const asyncRoute =
  (fn: (req: Authed, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    fn(req as Authed, res).catch(next);
  };

export interface Parser<O> {
  safeParse(body: unknown): { success: true; data: O } | { success: false; error: z.ZodError };
}

export function parse<O>(schema: Parser<O>, body: unknown): O {
  const r = schema.safeParse(body);
  if (!r.success)
    throw new InputError('The request body is not valid; see details for each field.', zodDetails(r.error));
  return r.data;
}

/** Validates a query string (`?limit=0` → 400 naming `limit`). */
export function parseQuery<O>(schema: Parser<O>, query: unknown): O {
  const r = schema.safeParse(query);
  if (!r.success)
    throw new InputError(
      'The query string is not valid; see details for each parameter.',
      zodDetails(r.error),
    );
  return r.data;
}

/**
 * Router param guard: a path id that is not a UUID is a 400 naming it, before any query (a
 * 36-character non-UUID used to reach PostgreSQL's uuid cast and answer 500).
 */
export const uuidParam =
  (name = 'id') =>
  (_req: Request, res: Response, next: NextFunction, value: string): void => {
    if (uuid.safeParse(value).success) return next();
    sendError(res, 400, `The ${name} in the path must be a UUID.`, {
      [name]: 'must be a UUID such as 3f2a1c4e-8b7d-4e21-9a0b-5c6d7e8f9a01',
    });
  };
