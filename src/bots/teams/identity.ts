import type { TurnContext, ConnectorClient } from '@microsoft/agents-hosting';
import type { Person } from '../../engine/index.js';
import type { ChatServices } from '../../chat/services.js';
import { AMBIGUOUS_WORKSPACE } from '../../chat/tenancy.js';
import type { Logger } from '../../log.js';
import {
  baseConversationId,
  conversationKind,
  referenceFromActivity,
  tenantOf,
  type StoredReference,
} from './references.js';
import { findTeamsUser, saveTeamsUser } from './users.js';

/** Who sent an inbound activity, in product terms. */
export interface TeamsActor {
  /** The workspace the Teams tenant is bound to; null when none could be determined. */
  workspaceId: string | null;
  person: Person | null;
  reference: StoredReference;
  /** Set when the user is known in several workspaces and the tenant is not bound: the answer. */
  refusal?: string;
}

export interface IdentityDeps {
  services: ChatServices;
  log: Logger;
  /** Connector client of the current turn (the SDK puts it in the turn state). */
  connector(context: TurnContext): ConnectorClient | undefined;
}

/**
 * Resolves the workspace and the person through the shared chat core (src/chat/tenancy.ts): the
 * Teams tenant's binding, else the deployment's only workspace, else the one workspace the user's
 * AAD object id (or email) is known in — refused when it is known in several, never guessed. The
 * person is matched by AAD object id first, then by email. Activities carry `from.aadObjectId` but
 * no email, so for a user not matched yet the email comes from the roster API
 * (GET /v3/conversations/{id}/members/{userId} → TeamsChannelAccount.email / userPrincipalName).
 * An unbound tenant is bound to the workspace found, so its later events are resolved by tenant.
 */
export async function identify(deps: IdentityDeps, context: TurnContext): Promise<TeamsActor> {
  const a = context.activity;
  const { services } = deps;
  const reference = referenceFromActivity(a);
  const tenantId = tenantOf(a);
  const aad = a.from?.aadObjectId;
  const r = await services.resolveActor({
    channel: 'teams',
    tenantKeys: [tenantId],
    identities: aad ? [{ key: 'aadObjectId', value: aad }] : [],
    email: aad ? () => memberEmail(deps, context) : null,
  });
  if (r.kind === 'ambiguous')
    return { workspaceId: null, person: null, reference, refusal: AMBIGUOUS_WORKSPACE };
  if (r.kind === 'unknown') return { workspaceId: null, person: null, reference };
  if (tenantId && r.via !== 'tenant' && r.via !== 'pinned') {
    await services.saveInstallation('teams', tenantId, r.workspaceId, { tenantId, serviceUrl: a.serviceUrl });
  }
  return { workspaceId: r.workspaceId, person: r.person, reference };
}

async function memberEmail(deps: IdentityDeps, context: TurnContext): Promise<string | null> {
  const a = context.activity;
  const client = deps.connector(context);
  if (!client || !a.from?.id || !a.conversation?.id) return null;
  try {
    const m = (await client.getConversationMember(a.from.id, baseConversationId(a.conversation.id))) as {
      email?: string;
      userPrincipalName?: string;
    };
    return m.email ?? m.userPrincipalName ?? null;
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'teams: could not read the member profile (email)');
    return null;
  }
}

/**
 * Remembers where this user and conversation can be written to: the user's record (Teams id,
 * tenant, service URL, and their 1:1 chat when this is it) and the conversation reference. A 1:1
 * chat is stored for its person (so alerts go there); a channel or group chat is stored without a
 * person, so a person's alerts never land in a shared conversation.
 */
export async function remember(deps: IdentityDeps, context: TurnContext, actor: TeamsActor): Promise<void> {
  const a = context.activity;
  const { services } = deps;
  const { workspaceId, person, reference } = actor;
  if (!workspaceId) return;
  const personal = conversationKind(reference) === 'personal';
  const aad = a.from?.aadObjectId;
  if (aad && a.from?.id && a.serviceUrl) {
    const known = await findTeamsUser(services, aad);
    if (!known || known.workspaceId === workspaceId) {
      await saveTeamsUser(
        services,
        workspaceId,
        {
          userId: a.from.id,
          aadObjectId: aad,
          ...(a.from.name ? { name: a.from.name } : {}),
          ...(tenantOf(a) ? { tenantId: tenantOf(a) } : {}),
          serviceUrl: a.serviceUrl,
          agent: reference.agent,
          ...(personal ? { personal: { conversationId: reference.conversation.id, reference } } : {}),
        },
        known?.user,
      );
    }
  }
  await services.saveConversation({
    workspaceId,
    channel: 'teams',
    externalId: reference.conversation.id,
    personId: personal ? (person?.id ?? null) : null,
    reference: reference as unknown as Record<string, unknown>,
    inbound: true,
  });
}
