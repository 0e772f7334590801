/**
 * A connector failure the admin can act on: shown as the connector's `last_error`, in chat, and
 * in API errors. `field` names the credential at fault when there is one.
 */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly code: 'auth' | 'permission' | 'rate_limited' | 'unavailable' | 'bad_response' | 'config',
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}
