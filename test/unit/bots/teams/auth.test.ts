import { describe, expect, it } from '@jest/globals';
import { teamsAuthConfig, TeamsConfigError } from '../../../../src/bots/teams/auth.js';
import { teamsModule } from '../../../../src/bots/teams/index.js';
import { loadConfig } from '../../../../src/bots/registry.js';

const creds = {
  MICROSOFT_APP_ID: '3f2b6a1c-7d4e-4f80-9a1b-2c3d4e5f6071',
  MICROSOFT_APP_PASSWORD: 'secret-value',
  MICROSOFT_APP_TENANT_ID: '6e1f3c54-9b0a-4d5e-8f21-0c7a1b2d3e4f',
};

describe('Teams configuration', () => {
  it('is enabled by an app id, or explicitly without one for local development', () => {
    expect(teamsModule.configured(loadConfig({}))).toBe(false);
    expect(teamsModule.configured(loadConfig(creds))).toBe(true);
    expect(teamsModule.configured(loadConfig({ TEAMS_ANONYMOUS: 'on' }))).toBe(true);
  });

  it('maps MICROSOFT_* to the SDK connection (MicrosoftAppId/Password/TenantId = clientId/clientSecret/tenantId)', () => {
    const auth = teamsAuthConfig(
      loadConfig({ ...creds, MICROSOFT_APP_AUTHORITY: 'https://login.microsoftonline.us' }),
    );
    const expected = {
      clientId: creds.MICROSOFT_APP_ID,
      clientSecret: creds.MICROSOFT_APP_PASSWORD,
      tenantId: creds.MICROSOFT_APP_TENANT_ID,
      authorityEndpoint: 'https://login.microsoftonline.us',
      validateIssuer: true,
    };
    expect(auth).toMatchObject(expected);
    expect(auth.connections?.get('serviceConnection')).toMatchObject(expected);
    expect(auth.connectionsMap).toEqual([{ serviceUrl: '*', connection: 'serviceConnection' }]);
  });

  it('names what is missing from single-tenant credentials', () => {
    expect(() => teamsAuthConfig(loadConfig({ MICROSOFT_APP_ID: creds.MICROSOFT_APP_ID }))).toThrow(
      /MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID are not/,
    );
  });

  it('runs anonymously only outside production', () => {
    const config = loadConfig({ TEAMS_ANONYMOUS: 'on' });
    expect(teamsAuthConfig(config, { NODE_ENV: 'development' }).clientId).toBeUndefined();
    expect(() => teamsAuthConfig(config, { NODE_ENV: 'production' })).toThrow(TeamsConfigError);
  });

  it('accepts only an https authority', () => {
    expect(() => loadConfig({ MICROSOFT_APP_AUTHORITY: 'http://127.0.0.1:9999' })).toThrow(
      /MICROSOFT_APP_AUTHORITY must be an https/,
    );
  });
});
