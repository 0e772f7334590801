/**
 * The chat trust boundary (issue 15 item 2, the first piece of issue 14's "chat core"): every
 * inbound chat event is mapped to exactly ONE workspace before anyone is looked up, and the person
 * behind the platform user is then looked up inside that workspace only. Every channel calls this
 * one function (through ChatServices.resolveActor) instead of carrying its own copy.
 *
 * The workspace comes from, in order:
 *   1. a workspace the deployment pins for the channel (Slack token mode's SLACK_WORKSPACE_ID);
 *   2. the channel's own tenant key bound in chat_installations (Slack team / enterprise id, Teams
 *      tenant id, Google Chat space, WhatsApp phone-number id) — the first key that is bound wins;
 *   3. the deployment's only workspace;
 *   4. the workspaces in which this platform user (by identity or by verified email) is
 *      known: exactly one → that one; more than one → `ambiguous`, and the channel answers with
 *      AMBIGUOUS_WORKSPACE instead of guessing (a consultant may legitimately be in two companies,
 *      and a workspace admin must not be able to pull someone else's user into theirs).
 *
 * Inside the workspace the identity is unique (migration 0004_chat_trust), so the lookup names at
 * most one person. A person found by email gets the platform identity remembered on their row.
 */
import type pg from 'pg';
import type { Channel, Person } from '../engine/index.js';
import { toPerson } from '../store/engine-store.js';
import {
  selectChatInstallationsWorkspaceIdByChannelExternalId,
  selectPeopleByWorkspaceId,
  selectPeopleByWorkspaceId2,
  selectPeopleDISTINCTWorkspaceId,
  selectPeopleDISTINCTWorkspaceIdByUuidWorkspaceId,
  selectWorkspacesId,
  updatePeopleByIdWorkspaceId,
} from '../store/chat-tenancy.js';

/** One platform identity of a user: `identities.<channel>.<key> = value`. */
export interface ChatIdentity {
  key: string;
  value: string;
}

export interface InboundActorQuery {
  channel: Channel;
  /** A workspace the deployment pins for this channel; skips tenant resolution. */
  pinnedWorkspaceId?: string | null;
  /** chat_installations external ids of this event's tenant, most specific first. */
  tenantKeys?: (string | null | undefined)[];
  /** The user's identities on the platform (WhatsApp: number and business-scoped user id). */
  identities: ChatIdentity[];
  /** The user's email, asked for only when the identities are not known (may call an API). */
  email?: (() => Promise<string | null>) | string | null;
  /** May the deployment's only workspace be used when no tenant key is bound (default true). */
  allowSole?: boolean;
}

export type InboundActor =
  | { kind: 'resolved'; workspaceId: string; person: Person | null; via: WorkspaceVia }
  /** No workspace could be determined (unknown user on a multi-workspace deployment). */
  | { kind: 'unknown' }
  /** The user is known in several workspaces and nothing in the event says which one. */
  | { kind: 'ambiguous'; workspaces: number };

export type WorkspaceVia = 'pinned' | 'tenant' | 'sole' | 'identity' | 'email';

export const AMBIGUOUS_WORKSPACE =
  'Your chat account belongs to people in more than one Fincelo workspace, and this conversation does not say which one, so I will not guess. Ask your Fincelo admins to keep you in one workspace only, or to connect this chat to its workspace.';

export async function resolveInboundActor(pool: pg.Pool, q: InboundActorQuery): Promise<InboundActor> {
  const ids = q.identities.filter((i) => i.value);
  let emailValue: string | null | undefined;
  const email = async () => {
    if (emailValue === undefined)
      emailValue = typeof q.email === 'function' ? await q.email() : (q.email ?? null);
    return emailValue ? emailValue.toLowerCase() : null;
  };

  let workspaceId: string | null = q.pinnedWorkspaceId ?? null;
  let via: WorkspaceVia = 'pinned';
  if (!workspaceId) {
    for (const key of q.tenantKeys ?? []) {
      if (!key) continue;
      const r = await selectChatInstallationsWorkspaceIdByChannelExternalId(pool, [q.channel, key]);
      if (r.rows[0]) {
        workspaceId = r.rows[0].workspace_id as string;
        via = 'tenant';
        break;
      }
    }
  }
  if (!workspaceId && q.allowSole !== false) {
    const r = (await selectWorkspacesId(pool)).rows;
    if (r.length === 1) {
      workspaceId = r[0].id as string;
      via = 'sole';
    }
  }
  if (!workspaceId) {
    // The user decides, when they are known in one workspace and one only — by identity or by
    // email: a workspace that merely claims someone's chat identity does not outvote the one that
    // has them by their verified email.
    const byId = await workspacesOf(pool, q.channel, ids, null);
    if (byId.length > 1) return { kind: 'ambiguous', workspaces: byId.length };
    const e = await email();
    const byEmail = e
      ? (await selectPeopleDISTINCTWorkspaceId(pool, [e])).rows.map((r) => r.workspace_id as string)
      : [];
    const all = [...new Set([...byId, ...byEmail])];
    if (all.length > 1) return { kind: 'ambiguous', workspaces: all.length };
    if (all.length === 0) return { kind: 'unknown' };
    workspaceId = all[0]!;
    via = byId.length ? 'identity' : 'email';
  }
  const person = await personInWorkspace(pool, workspaceId, q.channel, ids, email);
  return { kind: 'resolved', workspaceId, person, via };
}

/** Distinct workspaces in which one of the identities names a person. */
async function workspacesOf(
  pool: pg.Pool,
  channel: Channel,
  ids: ChatIdentity[],
  workspaceId: string | null,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await selectPeopleDISTINCTWorkspaceIdByUuidWorkspaceId(pool, [
    channel,
    JSON.stringify(ids),
    workspaceId,
  ]);
  return r.rows.map((x) => x.workspace_id as string);
}

/**
 * The person of one workspace behind the identities (unique per workspace), else the one person
 * of that workspace with the email; the identities found missing are remembered on the row.
 */
async function personInWorkspace(
  pool: pg.Pool,
  workspaceId: string,
  channel: Channel,
  ids: ChatIdentity[],
  email: () => Promise<string | null>,
): Promise<Person | null> {
  let row: Record<string, unknown> | undefined;
  if (ids.length) {
    const rows = (await selectPeopleByWorkspaceId(pool, [channel, JSON.stringify(ids), workspaceId])).rows;
    // Two people of one workspace behind one user (the number on one, the BSUID on another):
    // nobody is guessed; an admin has to fix the directory.
    if (rows.length > 1) return null;
    row = rows[0];
  }
  if (!row) {
    const e = await email();
    if (!e) return null;
    const rows = (await selectPeopleByWorkspaceId2(pool, [workspaceId, e])).rows;
    if (rows.length !== 1) return null;
    row = rows[0];
  }
  const found = row!;
  const known = ((found.identities as Record<string, Record<string, string>>) ?? {})[channel] ?? {};
  const missing = ids.filter((i) => known[i.key] !== i.value);
  if (missing.length === 0) return toPerson(found);
  const add = Object.fromEntries(missing.map((i) => [i.key, i.value]));
  try {
    const updated = (
      await updatePeopleByIdWorkspaceId(pool, [found.id, channel, JSON.stringify(add), workspaceId])
    ).rows[0];
    return toPerson(updated ?? found);
  } catch (err) {
    // Another person of the workspace already holds that identity (unique index): keep the match,
    // do not move the identity over.
    if ((err as { code?: string }).code === '23505') return toPerson(found);
    throw err;
  }
}
