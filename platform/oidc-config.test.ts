import { inspect } from 'node:util';
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config.ts';

const SECRET = 'client-secret-that-must-never-be-logged';

const google = {
  name: 'google',
  issuer: 'https://accounts.google.com/',
  clientId: 'bank.apps.googleusercontent.com',
  clientSecret: SECRET,
  redirectUri: 'https://app.bank.example/auth/callback',
};

/** The problems of the ConfigError `env` raises. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('identity provider settings', () => {
  it('are off by default, and create users when on', () => {
    const config = loadConfig({});
    expect(config.oidc).toEqual({ providers: [], createUsers: true, signInTtlSeconds: 600 });
    expect(loadConfig({ OIDC_PROVIDERS: ' ' }).oidc.providers).toEqual([]);
  });

  it('read OIDC_PROVIDERS, OIDC_CREATE_USERS and OIDC_SIGN_IN_TTL_SECONDS', () => {
    const config = loadConfig({
      OIDC_PROVIDERS: JSON.stringify([google]),
      OIDC_CREATE_USERS: 'false',
      OIDC_SIGN_IN_TTL_SECONDS: '300',
    });
    expect(config.oidc.createUsers).toBe(false);
    expect(config.oidc.signInTtlSeconds).toBe(300);
    const [provider] = config.oidc.providers;
    // The issuer loses its trailing slash; the secret is there for the code that needs it.
    expect(provider).toMatchObject({
      name: 'google',
      issuer: 'https://accounts.google.com',
      clientId: google.clientId,
    });
    expect(provider!.clientSecret).toBe(SECRET);
    expect(provider!.redirectUri).toBe(google.redirectUri);
  });

  it('take a secret from OIDC_<NAME>_CLIENT_SECRET, which wins over the list', () => {
    const { clientSecret: _secret, ...withoutSecret } = google;
    const list = JSON.stringify([{ ...withoutSecret, name: 'corp-sso' }]);
    expect(
      loadConfig({ OIDC_PROVIDERS: list, OIDC_CORP_SSO_CLIENT_SECRET: 'from-env' }).oidc.providers[0]!.clientSecret,
    ).toBe('from-env');
    expect(problemsOf({ OIDC_PROVIDERS: list })).toEqual([
      'OIDC_PROVIDERS.0.clientSecret: is required (or set OIDC_CORP_SSO_CLIENT_SECRET)',
    ]);
  });

  it('never show the secret in logs, JSON or inspect output', () => {
    const config = loadConfig({ OIDC_PROVIDERS: JSON.stringify([google]) });
    const lines: string[] = [];
    const logger = pino({}, { write: (line: string) => lines.push(line) });
    logger.info({ config }, 'configuration');
    expect(lines.join('')).toContain('accounts.google.com');
    expect(lines.join('')).not.toContain(SECRET);
    expect(JSON.stringify(config)).not.toContain(SECRET);
    expect(inspect(config, { depth: 10 })).not.toContain(SECRET);
    expect(inspect(config.oidc.providers[0])).toContain('[redacted]');
  });

  it('refuse bad lists without quoting their values', () => {
    expect(problemsOf({ OIDC_PROVIDERS: `not json ${SECRET}` })).toEqual([
      'OIDC_PROVIDERS: must be a JSON array of providers',
    ]);
    const problems = problemsOf({
      OIDC_PROVIDERS: JSON.stringify([
        { ...google, name: 'Google!' },
        { ...google, issuer: 'http://idp.example.com' },
        { ...google, redirectUri: 'not a url', clientId: '' },
      ]),
    });
    expect(problems.join('\n')).not.toContain(SECRET);
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      'OIDC_PROVIDERS.0.name',
      'OIDC_PROVIDERS.1.issuer',
      'OIDC_PROVIDERS.2.clientId',
      'OIDC_PROVIDERS.2.redirectUri',
    ]);
    expect(problemsOf({ OIDC_PROVIDERS: JSON.stringify([google, google]) })).toEqual([
      'OIDC_PROVIDERS.1.name: "google" is listed twice',
    ]);
    expect(problemsOf({ OIDC_CREATE_USERS: 'no' })[0]).toMatch(/^OIDC_CREATE_USERS:/);
  });

  it('accept plain http only on a loopback host, and not in production', () => {
    const local = { ...google, issuer: 'http://127.0.0.1:9000', redirectUri: 'http://localhost:3000/cb' };
    expect(loadConfig({ OIDC_PROVIDERS: JSON.stringify([local]) }).oidc.providers).toHaveLength(1);
    const production = problemsOf({ NODE_ENV: 'production', OIDC_PROVIDERS: JSON.stringify([local]) });
    expect(production).toEqual([
      'OIDC_PROVIDERS.0.issuer: must be an https URL',
      'OIDC_PROVIDERS.0.redirectUri: must be an https URL',
    ]);
  });
});
