import type { Alert, AlertType, Channel, Customer, Person, Role } from '../engine/types.js';

/** Database rows → engine types (shared by the engine store and the other repositories). */
export type Row = Record<string, unknown>;
export const date = (v: unknown): Date | null =>
  v == null ? null : v instanceof Date ? v : new Date(String(v));

export function toPerson(r: Row): Person {
  return {
    id: r.id as string,
    workspaceId: r.workspace_id as string,
    externalId: r.external_id as string,
    name: r.name as string,
    email: (r.email as string | null) ?? null,
    role: r.role as Role,
    isAdmin: Boolean(r.is_admin) || r.role === 'admin',
    managerId: (r.manager_id as string | null) ?? null,
    timezone: (r.timezone as string) ?? 'UTC',
    preferredChannel: (r.preferred_channel as Channel | null) ?? null,
    identities: (r.identities as Person['identities']) ?? {},
    fallbackChannel: (r.fallback_channel as Channel | null) ?? null,
    fallbackAfter: (r.fallback_after as string | null) ?? null,
    workingHours: (r.working_hours as string | null) ?? null,
    quietWindows: (r.quiet_windows as Person['quietWindows']) ?? [],
  };
}

export function toCustomer(r: Row): Customer {
  return {
    id: r.id as string,
    workspaceId: r.workspace_id as string,
    externalId: r.external_id as string,
    name: r.name as string,
    tier: r.tier as Customer['tier'],
    csmId: (r.csm_id as string | null) ?? null,
    arr: r.arr == null ? null : Number(r.arr),
    domains: (r.domains as string[]) ?? [],
  };
}

export function toAlert(r: Row): Alert {
  return {
    id: r.id as string,
    workspaceId: r.workspace_id as string,
    customerId: (r.customer_id as string | null) ?? null,
    type: r.type as AlertType,
    dedupKey: r.dedup_key as string,
    status: r.status as Alert['status'],
    assigneeId: (r.assignee_id as string | null) ?? null,
    facts: (r.facts as Record<string, unknown>) ?? {},
    escalation: r.escalation as Alert['escalation'],
    step: Number(r.step),
    token: Number(r.token),
    version: Number(r.version),
    chainStartedAt: date(r.chain_started_at)!,
    pausedAt: date(r.paused_at),
    pausedTotalMs: Number(r.paused_total_ms ?? 0),
    nextActionAt: date(r.next_action_at),
    nextActionKind: (r.next_action_kind as Alert['nextActionKind']) ?? null,
    waitingFor: (r.waiting_for as Alert['waitingFor']) ?? null,
    resolvedAt: date(r.resolved_at),
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
  };
}
