/**
 * A real OpenID Provider for tests: `oidc-provider` (a certified
 * implementation) on a loopback port, with static clients that must use PKCE
 * and test accounts the test may change between sign-ins.
 *
 * There is no browser: {@link TestOidcProvider.authorize} follows the
 * authorization URL's redirects with fetch, keeping the provider's cookies,
 * and answers the login prompt through a test-only interaction route
 * (`provider.interactionFinished` for the account the test names). Consent is
 * granted in advance (`loadExistingGrant`). It stops at the redirect to the
 * client's redirect URI and returns that URL, as a browser would land on it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
}

export interface TestOidcProvider {
  issuer: string;
  /** The bank's client at this provider. */
  bank: TestClient;
  /** Another client of the same provider, with the same redirect URI. */
  other: TestClient;
  /** Where the provider sends the browser back (the bank's redirect URI). */
  redirectUri: string;
  /** Accounts by `sub`; change them to change what the provider says next time. */
  accounts: Map<string, TestAccount>;
  /**
   * Follows `authorizationUrl` as a browser would, signing in as `sub` (or
   * cancelling, with `cancel`), and returns the redirect URI URL the
   * provider sent the browser back to.
   */
  authorize(authorizationUrl: string, sub: string, options?: { cancel?: boolean }): Promise<string>;
  close(): Promise<void>;
}

const SCOPE = 'openid email profile';

export async function startTestOidcProvider(
  redirectUri = 'http://localhost:3000/auth/callback',
): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestAccount>();
  const bank = { clientId: 'bank-app', clientSecret: 'bank-app-client-secret-0123456789' };
  const other = { clientId: 'other-app', clientSecret: 'other-app-client-secret-0123456789' };

  // The provider needs its issuer (and so the port) before it exists: the server hands requests to it once it does.
  const handler: { handle?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server: Server = createServer((req, res) => handler.handle?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // The provider keeps its state in memory (fine for a test); it warns about that once, on construction.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const provider = new Provider(issuer, {
    clients: [bank, other].map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    })),
    pkce: { required: () => true },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
    // Consent is given in advance: the test is about the bank, not the provider's consent page.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope(SCOPE);
      await grant.save();
      return grant;
    },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...accounts.get(sub) }) };
    },
  });
  warn.mockRestore();
  const callback = provider.callback();
  handler.handle = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (!url.pathname.startsWith('/interaction/')) {
      callback(req, res);
      return;
    }
    // Test-only interaction: sign in as ?login=<sub>, or cancel with ?cancel=1.
    const finish = url.searchParams.get('cancel')
      ? { error: 'access_denied', error_description: 'The user cancelled.' }
      : { login: { accountId: url.searchParams.get('login') ?? '' } };
    provider.interactionFinished(req, res, finish, { mergeWithLastSubmission: false }).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };

  async function authorize(authorizationUrl: string, sub: string, options: { cancel?: boolean } = {}) {
    const cookies = new Map<string, string>();
    let next = authorizationUrl;
    for (let hop = 0; hop < 10; hop++) {
      if (next.startsWith(redirectUri)) return next;
      const target = new URL(next);
      if (target.pathname.startsWith('/interaction/')) {
        target.searchParams.set('login', sub);
        if (options.cancel) target.searchParams.set('cancel', '1');
      }
      const response = await fetch(target, {
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const header of response.headers.getSetCookie()) {
        const pair = header.split(';')[0] ?? '';
        const at = pair.indexOf('=');
        const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
        if (value) cookies.set(name, value);
        else cookies.delete(name);
      }
      const location = response.headers.get('location');
      if (!location)
        throw new Error(`the provider answered ${response.status} at ${target.pathname}: ${await response.text()}`);
      next = new URL(location, target).href;
    }
    throw new Error('too many redirects');
  }

  return {
    issuer,
    bank,
    other,
    redirectUri,
    accounts,
    authorize,
    /** Stops the provider (again: nothing), dropping the connections clients keep open. */
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A loopback URL where nothing listens: an identity provider that cannot be reached. */
export async function unreachableIssuer(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
