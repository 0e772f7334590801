/**
 * Verifies the bearer token Google Chat puts on every request to the app's HTTP endpoint
 * (developers.google.com/workspace/chat/verify-requests-from-chat). Which token arrives depends on
 * the "Authentication audience" chosen in the Chat API configuration:
 *
 *   endpoint_url   — a Google-signed OIDC ID token (issuer accounts.google.com) whose audience is the
 *                    endpoint URL and whose email is chat@system.gserviceaccount.com (or, for an app
 *                    converted to a Workspace add-on, service-<project number>@gcp-sa-gsuiteaddons…);
 *                    signed by Google's OAuth certificates (oauth2/v1/certs).
 *   project_number — a JWT issued by chat@system.gserviceaccount.com whose audience is the Cloud
 *                    project number, signed by that service account's x509 certificates.
 *
 * Both certificate sets are JSON maps {kid: PEM certificate}; google-auth-library checks signature,
 * expiry, audience and issuer (OAuth2Client.verifySignedJwtWithCertsAsync). The certificates URL
 * is configurable so tests serve their own, signed with a test key.
 */
import { OAuth2Client } from 'google-auth-library';

export type AudienceType = 'endpoint_url' | 'project_number';

export const CHAT_ISSUER = 'chat@system.gserviceaccount.com';
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
/**
 * The Workspace add-on service agent of a project. Only our own project's agent is accepted: any
 * add-on can be pointed at our URL, and Google would sign its token with our URL as audience.
 */
const addonAgent = (projectNumber: string) =>
  `service-${projectNumber}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com`;

export const DEFAULT_CERTS_URL: Record<AudienceType, string> = {
  endpoint_url: 'https://www.googleapis.com/oauth2/v1/certs',
  project_number: `https://www.googleapis.com/service_accounts/v1/metadata/x509/${CHAT_ISSUER}`,
};

export interface VerifierOptions {
  audienceType: AudienceType;
  /** The endpoint URL or the project number, exactly as entered in the Chat API configuration. */
  audience: string;
  /** The Cloud project number: accepts its Workspace add-on service agent's ID tokens too. */
  addonProjectNumber?: string;
  /** Where the signing certificates are fetched (default: Google's for the audience type). */
  certsUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
}

/** A request that did not carry a valid Google Chat token; the reason is for logs only. */
export class UnauthorizedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export interface VerifiedCaller {
  issuer: string;
  email: string | null;
}

export function createChatVerifier(o: VerifierOptions) {
  const certsUrl = o.certsUrl ?? DEFAULT_CERTS_URL[o.audienceType];
  const doFetch = o.fetch ?? fetch;
  const now = o.now ?? Date.now;
  const client = new OAuth2Client();
  let cached: { certs: Record<string, string>; until: number } | null = null;

  async function certs(force = false): Promise<Record<string, string>> {
    if (!force && cached && cached.until > now()) return cached.certs;
    const res = await doFetch(certsUrl);
    if (!res.ok) throw new Error(`fetching Google Chat signing certificates: HTTP ${res.status}`);
    const body = (await res.json()) as Record<string, string>;
    // Google rotates keys and says how long a set is valid in Cache-Control max-age.
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1] ?? 300);
    cached = { certs: body, until: now() + Math.min(maxAge, 86_400) * 1000 };
    return body;
  }

  async function check(token: string, set: Record<string, string>): Promise<VerifiedCaller> {
    const issuers = o.audienceType === 'project_number' ? [CHAT_ISSUER] : GOOGLE_ISSUERS;
    const ticket = await client.verifySignedJwtWithCertsAsync(token, set, o.audience, issuers);
    const payload = ticket.getPayload();
    if (!payload) throw new UnauthorizedError('token has no payload');
    if (o.audienceType === 'endpoint_url') {
      const email = payload.email ?? '';
      const addon = o.addonProjectNumber ? addonAgent(o.addonProjectNumber) : null;
      if (!payload.email_verified || (email !== CHAT_ISSUER && email !== addon))
        throw new UnauthorizedError(`ID token is not from Google Chat (email ${email || 'missing'})`);
      return { issuer: payload.iss, email };
    }
    return { issuer: payload.iss, email: payload.email ?? null };
  }

  return {
    /** Resolves with the caller, or throws UnauthorizedError. */
    async verify(authorization: string | undefined): Promise<VerifiedCaller> {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!m) throw new UnauthorizedError('no bearer token');
      const token = m[1]!;
      try {
        return await check(token, await certs());
      } catch (err) {
        if (err instanceof UnauthorizedError) throw err;
        // A key id we do not know may be a rotation since the last fetch: refetch once.
        if (/No pem found for envelope/i.test((err as Error).message)) {
          try {
            return await check(token, await certs(true));
          } catch (again) {
            throw new UnauthorizedError((again as Error).message);
          }
        }
        throw new UnauthorizedError((err as Error).message);
      }
    },
  };
}

export type ChatVerifier = ReturnType<typeof createChatVerifier>;
