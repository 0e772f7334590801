import { ConnectorError } from '../runtime/errors.js';
import type { HttpResponse, PlatformContext } from '../types.js';

/** HubSpot's error body: {status:"error", message, category:"MISSING_SCOPES"|…, errors?}. */
export function expectOk(res: HttpResponse, what: string): Record<string, unknown> {
  if (res.status >= 200 && res.status < 300) {
    return res.body && typeof res.body === 'object' ? (res.body as Record<string, unknown>) : {};
  }
  const b = (res.body ?? {}) as { message?: unknown; category?: unknown };
  const msg =
    res.status === 401
      ? 'HubSpot answered 401 — the private app token (accessToken) is invalid, expired or revoked (rotated, or the app deleted). Copy the current token from Settings → Integrations → Private Apps and update the connector.'
      : res.status === 403
        ? `HubSpot answered 403 — the private app token (accessToken) lacks a scope${b.category === 'MISSING_SCOPES' ? ' (MISSING_SCOPES)' : ''}. Add "tickets" (and crm.objects.contacts.read, crm.objects.companies.read) in the app's Scopes tab.`
        : res.status === 429
          ? 'HubSpot kept answering 429 (rate limited) after retries; the next sync continues from the saved position.'
          : `HubSpot answered ${res.status}${typeof b.message === 'string' ? `: ${b.message.slice(0, 300)}` : ''}.`;
  const code = res.status === 401 ? 'auth' : res.status === 403 ? 'permission' : 'bad_response';
  throw new ConnectorError(
    `${what}: ${msg}`,
    code,
    res.status === 401 || res.status === 403 ? 'accessToken' : null,
  );
}

export interface Portal {
  portalId: string | null;
  uiDomain: string | null;
}

/** The account's id and UI host (app.hubspot.com / app-eu1.hubspot.com) for links back to tickets. */
export async function readPortal(ctx: PlatformContext): Promise<Portal> {
  const res = await ctx.http.request({ method: 'GET', url: '/account-info/v3/details' });
  if (res.status < 200 || res.status >= 300) return { portalId: null, uiDomain: null };
  const b = res.body as { portalId?: unknown; uiDomain?: unknown };
  return {
    portalId: b.portalId != null ? String(b.portalId) : null,
    uiDomain: typeof b.uiDomain === 'string' ? b.uiDomain : null,
  };
}

/** Stage id → label over every ticket pipeline. Empty when the pipelines cannot be read. */
export async function readStages(ctx: PlatformContext): Promise<Record<string, string>> {
  const res = await ctx.http.request({ method: 'GET', url: '/crm/v3/pipelines/tickets' });
  if (res.status < 200 || res.status >= 300) return {};
  const out: Record<string, string> = {};
  for (const p of (res.body as { results?: { stages?: { id: string; label: string }[] }[] })?.results ?? []) {
    for (const s of p.stages ?? []) out[s.id] = s.label;
  }
  return out;
}
