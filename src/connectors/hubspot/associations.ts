import type { PlatformContext } from '../types.js';
import type { TicketParties } from './map.js';

/**
 * Search results carry no associations, so a page's requester emails and companies are read in
 * four batch calls (v4 associations batch read, then v3 batch read of contacts and companies)
 * instead of one call per ticket. A missing scope or a failed call leaves the parties empty:
 * the ticket is still stored, matched later by whatever else it has.
 */
export async function readParties(
  ctx: PlatformContext,
  ticketIds: string[],
): Promise<Map<string, TicketParties>> {
  const out = new Map<string, TicketParties>();
  if (!ticketIds.length) return out;
  // Sequential on purpose: HubSpot's limits are per portal and the runtime paces one request at a time.
  const contactOf = await firstAssociated(ctx, 'contacts', ticketIds);
  const companyOf = await firstAssociated(ctx, 'companies', ticketIds);
  const emails = await readObjects(ctx, 'contacts', [...new Set(contactOf.values())], ['email']);
  const companies = await readObjects(ctx, 'companies', [...new Set(companyOf.values())], ['name', 'domain']);
  for (const id of ticketIds) {
    const c = contactOf.get(id);
    const co = companyOf.get(id);
    out.set(id, {
      email: c ? (emails.get(c)?.email ?? null) : null,
      company: co ? { id: co, name: companies.get(co)?.name ?? null } : null,
    });
  }
  return out;
}

/** ticket id → the lowest associated object id (a stable choice when a ticket has several). */
async function firstAssociated(
  ctx: PlatformContext,
  to: 'contacts' | 'companies',
  ids: string[],
): Promise<Map<string, string>> {
  const res = await ctx.http.request({
    method: 'POST',
    url: `/crm/v4/associations/tickets/${to}/batch/read`,
    body: { inputs: ids.map((id) => ({ id })) },
  });
  const map = new Map<string, string>();
  // 207 Multi-Status: some inputs had no associations; the others are still in `results`.
  if (res.status !== 200 && res.status !== 207) return map;
  for (const r of (res.body as { results?: { from?: { id?: unknown }; to?: { toObjectId?: unknown }[] }[] })
    ?.results ?? []) {
    const from = r.from?.id != null ? String(r.from.id) : null;
    const targets = (r.to ?? []).map((t) => String(t.toObjectId)).filter((t) => /^\d+$/.test(t));
    if (from && targets.length) map.set(from, targets.sort((a, b) => Number(a) - Number(b))[0]!);
  }
  return map;
}

async function readObjects(
  ctx: PlatformContext,
  type: 'contacts' | 'companies',
  ids: string[],
  properties: string[],
): Promise<Map<string, Record<string, string | null>>> {
  const map = new Map<string, Record<string, string | null>>();
  // Batch read takes at most 100 inputs.
  for (let i = 0; i < ids.length; i += 100) {
    const res = await ctx.http.request({
      method: 'POST',
      url: `/crm/v3/objects/${type}/batch/read`,
      body: { properties, inputs: ids.slice(i, i + 100).map((id) => ({ id })) },
    });
    if (res.status !== 200 && res.status !== 207) continue;
    for (const r of (res.body as { results?: { id: string; properties?: Record<string, string | null> }[] })
      ?.results ?? []) {
      map.set(String(r.id), r.properties ?? {});
    }
  }
  return map;
}
