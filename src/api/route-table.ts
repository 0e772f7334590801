import type { Router } from 'express';

/** One route of an Express application: method and full path pattern (`/api/v1/alerts/:id`). */
export interface RouteEntry {
  method: string;
  path: string;
}

interface LayerLike {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

const join = (a: string, b: string) => (a + (b === '/' ? '' : b)).replace(/\/{2,}/g, '/') || '/';

/**
 * Walks an Express 5 router's layers (nested routers included) and lists every route, so tests
 * can cover each route of API v1 without a hand-kept list: a new route is covered by default.
 */
export function routeTable(router: Pick<Router, 'stack'> | { stack: unknown[] }, prefix = ''): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const layer of router.stack as LayerLike[]) {
    const raw = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
    if (layer.route && typeof layer.route.path === 'string') {
      for (const [m, on] of Object.entries(layer.route.methods))
        if (on && m !== '_all') out.push({ method: m.toUpperCase(), path: join(prefix, layer.route.path) });
    } else if (Array.isArray(layer.handle?.stack)) {
      out.push(...routeTable({ stack: layer.handle.stack }, join(prefix, raw)));
    }
  }
  return out;
}
