/**
 * The configured identity providers and their OpenID Connect client
 * configurations (openid-client 6), discovered once per process and kept a
 * day; a failed discovery is kept 5 seconds, then the provider is asked again.
 *
 * Also turns what openid-client throws into the bank's catalogued errors: a
 * provider that cannot be reached is SERVICE_UNAVAILABLE, an answer that does
 * not verify (state, nonce, issuer, audience, signature, expiry, a refused
 * code) is UNAUTHENTICATED with a `reason`.
 */
import * as client from 'openid-client';
import type { Config } from '../../../../platform/config.ts';
import { BankError, ErrorCode, UnauthenticatedError } from '../../../../platform/errors.ts';
import type { Logger } from '../../../../platform/logger.ts';
import type { OidcProviderConfig } from '../../../../platform/oidc-config.ts';

/** Seconds openid-client waits for the provider on each request. */
const PROVIDER_TIMEOUT_SECONDS = 10;
/** A discovered configuration is used this long, then discovered again (endpoints and keys may move). */
const DISCOVERY_KEPT_MS = 24 * 3_600_000;
/** A failed discovery is answered from memory this long (SERVICE_UNAVAILABLE) before the provider is asked again. */
const DISCOVERY_FAILURE_KEPT_MS = 5_000;

/** Why a provider's answer was refused: `extensions.reason` of the UNAUTHENTICATED error. */
export type ProviderRefusal = 'PROVIDER_REFUSED' | 'PROVIDER_REJECTED_CODE' | 'ID_TOKEN_INVALID';

/** Network errors below fetch (undici puts them in `cause`). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** openid-client codes meaning the provider did not answer usefully (down, timing out, an error page). */
const UNAVAILABLE_CODES = new Set([
  'OAUTH_TIMEOUT',
  'OAUTH_ABORT',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_RESPONSE_IS_NOT_JSON',
]);

/** OAuth error codes by which a provider says it cannot serve the request now. */
const PROVIDER_DOWN_ERRORS = new Set(['server_error', 'temporarily_unavailable']);

/**
 * True when `error` (or one of its causes) is a failure to reach the provider.
 * Read by shape, not `instanceof`: fetch's errors may come from another realm.
 */
function isUnreachable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, name, message, cause } = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_CODES.has(code))) return true;
    if (name === 'TypeError' && message === 'fetch failed') return true;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    e = cause;
  }
  return false;
}

/** A short code for logs: the error's own code or name, never its message (which may quote a response). */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const { code, name } = error as { code?: unknown; name?: unknown };
  return typeof code === 'string' ? code : typeof name === 'string' ? name : 'unknown';
}

export function providerUnavailable(provider: string): BankError {
  return new BankError(
    ErrorCode.SERVICE_UNAVAILABLE,
    `The identity provider "${provider}" cannot be reached right now. Nothing was done: try again later.`,
    { provider },
  );
}

/** The catalogued error for what openid-client threw, and what to log about it (never tokens or secrets). */
export function classifyProviderError(
  error: unknown,
  provider: string,
): { error: BankError; reason: ProviderRefusal | 'PROVIDER_UNAVAILABLE'; detail: string } {
  if (error instanceof BankError) {
    const unavailable = error.code === ErrorCode.SERVICE_UNAVAILABLE;
    return { error, reason: unavailable ? 'PROVIDER_UNAVAILABLE' : 'ID_TOKEN_INVALID', detail: error.code };
  }
  if (isUnreachable(error)) {
    return { error: providerUnavailable(provider), reason: 'PROVIDER_UNAVAILABLE', detail: errorCode(error) };
  }
  // The provider says it is down (RFC 6749 server_error, temporarily_unavailable; a 5xx with an error body).
  const saysDown =
    (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) &&
    (PROVIDER_DOWN_ERRORS.has(error.error) || (error instanceof client.ResponseBodyError && error.status >= 500));
  if (saysDown) {
    return { error: providerUnavailable(provider), reason: 'PROVIDER_UNAVAILABLE', detail: error.error };
  }
  if (error instanceof client.AuthorizationResponseError) {
    // The provider redirected back with `error=...` (the user cancelled, or the provider refused).
    const code = /^[a-z_]{1,64}$/.test(error.error) ? error.error : 'error';
    return {
      error: new UnauthenticatedError(`The identity provider did not sign you in (${code}). Start again.`, {
        reason: 'PROVIDER_REFUSED',
        provider,
      }),
      reason: 'PROVIDER_REFUSED',
      detail: code,
    };
  }
  if (error instanceof client.ResponseBodyError) {
    // The token endpoint refused the code: used, expired, issued to another client, wrong PKCE verifier.
    return {
      error: new UnauthenticatedError('The identity provider refused the sign-in code. Start again.', {
        reason: 'PROVIDER_REJECTED_CODE',
        provider,
      }),
      reason: 'PROVIDER_REJECTED_CODE',
      detail: `${error.status} ${/^[a-z_]{1,64}$/.test(error.error) ? error.error : 'error'}`,
    };
  }
  // Anything else the client library refused to accept: state, nonce, issuer, audience, signature, expiry,
  // a malformed answer. (Only the exchange with the provider runs under this classification.)
  return {
    error: new UnauthenticatedError("The identity provider's answer could not be verified. Start again.", {
      reason: 'ID_TOKEN_INVALID',
      provider,
    }),
    reason: 'ID_TOKEN_INVALID',
    detail: errorCode(error),
  };
}

/** The configured providers of one configuration, with their discovered client configurations. */
export class OidcProviders {
  readonly #byName: ReadonlyMap<string, OidcProviderConfig>;
  readonly #discovered = new Map<string, { pending: Promise<client.Configuration>; until: number }>();

  constructor(providers: readonly OidcProviderConfig[]) {
    this.#byName = new Map(providers.map((p) => [p.name, p]));
  }

  get enabled(): boolean {
    return this.#byName.size > 0;
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  get(name: string): OidcProviderConfig | undefined {
    return this.#byName.get(name);
  }

  /**
   * The client configuration of `provider`, discovering it on first use.
   * Unreachable, or answering with something that is not its discovery
   * document (a configuration problem, logged): SERVICE_UNAVAILABLE.
   */
  async configuration(provider: OidcProviderConfig, logger: Logger): Promise<client.Configuration> {
    const now = Date.now();
    let entry = this.#discovered.get(provider.name);
    if (!entry || entry.until <= now) {
      const pending = discover(provider);
      entry = { pending, until: now + DISCOVERY_KEPT_MS };
      this.#discovered.set(provider.name, entry);
      // A failure is kept a few seconds only: the provider may be back soon, but is not asked on every request.
      const failed = entry;
      pending.catch(() => {
        failed.until = Math.min(failed.until, Date.now() + DISCOVERY_FAILURE_KEPT_MS);
      });
    }
    const { pending } = entry;
    try {
      return await pending;
    } catch (error) {
      logger.warn(
        { provider: provider.name, code: errorCode(error), unreachable: isUnreachable(error) },
        'identity provider discovery failed',
      );
      throw providerUnavailable(provider.name);
    }
  }
}

async function discover(provider: OidcProviderConfig): Promise<client.Configuration> {
  const insecure = new URL(provider.issuer).protocol === 'http:';
  const execute = insecure ? [client.allowInsecureRequests] : [];
  const options = { execute, timeout: PROVIDER_TIMEOUT_SECONDS };
  const basic = await client.discovery(
    new URL(provider.issuer),
    provider.clientId,
    undefined,
    client.ClientSecretBasic(provider.clientSecret),
    options,
  );
  // client_secret_basic is the default (RFC 8414); use client_secret_post for a provider that only takes that.
  const methods = basic.serverMetadata().token_endpoint_auth_methods_supported;
  if (!methods || methods.includes('client_secret_basic') || !methods.includes('client_secret_post')) return basic;
  const post = new client.Configuration(
    basic.serverMetadata(),
    provider.clientId,
    undefined,
    client.ClientSecretPost(provider.clientSecret),
  );
  post.timeout = PROVIDER_TIMEOUT_SECONDS;
  for (const run of execute) run(post);
  return post;
}

/** One registry per configuration, so discovery happens once per process, not once per request. */
const registries = new WeakMap<Config, OidcProviders>();

export function oidcProvidersFor(config: Config): OidcProviders {
  let registry = registries.get(config);
  if (!registry) {
    registry = new OidcProviders(config.oidc.providers);
    registries.set(config, registry);
  }
  return registry;
}
