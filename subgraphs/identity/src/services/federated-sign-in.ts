/**
 * Sign-in with an identity provider: the OpenID Connect authorization code
 * flow with PKCE (openid-client 6).
 *
 * `begin` stores the state, nonce and PKCE verifier of a new attempt (table
 * `oidc_sign_ins`, valid OIDC_SIGN_IN_TTL_SECONDS, used once) and returns the
 * provider's authorization URL with an opaque sign-in id. `complete` takes that
 * id and the URL the provider redirected back to, spends the attempt, checks
 * the state, exchanges the code with the stored verifier and lets openid-client
 * validate the ID token (issuer, audience, signature, nonce, expiry).
 *
 * Users are matched on the provider account (issuer, `sub`) in
 * `federated_identities`, never on the email alone: an unknown provider
 * account whose email belongs to a bank user is refused (EMAIL_IN_USE), and
 * that user links the provider after signing in with their password
 * (`beginLink`/`completeLink`). An unknown account with a verified email
 * becomes a CUSTOMER without a password, unless OIDC_CREATE_USERS=false.
 * The bank's own session comes from {@link AuthService.signedInWith}.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import * as client from 'openid-client';
import { z } from 'zod';
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import type { Config } from '../../../../platform/config.ts';
import type { BankError } from '../../../../platform/errors.ts';
import {
  BadUserInputError,
  ForbiddenError,
  UnauthenticatedError,
  type ErrorDetails,
} from '../../../../platform/errors.ts';
import type { Logger } from '../../../../platform/logger.ts';
import type { OidcProviderConfig } from '../../../../platform/oidc-config.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { isUuid } from '../../../../platform/validation.ts';
import { FederatedIdentity, OidcSignIn, User, type OidcSignInPurpose } from '../entities/index.ts';
import type { AuditLog } from './audit-log.ts';
import type { AuthPayload, AuthService } from './auth-service.ts';
import { classifyProviderError, oidcProvidersFor, type OidcProviders } from './oidc-providers.ts';
import { NO_PASSWORD } from './passwords.ts';
import { recordUserRegistered } from './user-events.ts';

/** What the bank asks the provider for: the account id, email and name. */
const SCOPE = 'openid email profile';
const CALLBACK_MAX_LENGTH = 4096;
/** Spent and expired attempts are kept this long after expiry (to tell "expired" from "unknown"), then deleted. */
const KEEP_EXPIRED_MS = 24 * 3_600_000;

/** Why a sign-in was refused: `extensions.reason` of the UNAUTHENTICATED error, and the audit detail. */
export type RefusalReason =
  | 'SIGN_IN_EXPIRED'
  | 'STATE_MISMATCH'
  | 'PROVIDER_REFUSED'
  | 'PROVIDER_REJECTED_CODE'
  | 'PROVIDER_UNAVAILABLE'
  | 'ID_TOKEN_INVALID'
  | 'EMAIL_NOT_VERIFIED'
  | 'EMAIL_IN_USE'
  | 'ACCOUNT_NOT_LINKED'
  | 'ALREADY_LINKED';

export interface IdentityProviderRedirect {
  signInId: string;
  authorizationUrl: string;
  expiresAt: Date;
}

/** The claims the bank uses, from the ID token and, for what it lacks, the UserInfo endpoint. */
interface ProviderAccount {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

const emailClaim = z.string().trim().toLowerCase().max(320).pipe(z.email());

function refusal(reason: RefusalReason, message: string, details: ErrorDetails = {}): UnauthenticatedError {
  return new UnauthenticatedError(message, { reason, ...details });
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class FederatedSignIn {
  readonly #em: EntityManager;
  readonly #config: Config;
  readonly #caller: Caller;
  readonly #audit: AuditLog;
  readonly #auth: AuthService;
  readonly #logger: Logger;
  readonly #providers: OidcProviders;

  constructor(deps: {
    em: EntityManager;
    config: Config;
    caller: Caller;
    audit: AuditLog;
    auth: AuthService;
    logger: Logger;
  }) {
    this.#em = deps.em;
    this.#config = deps.config;
    this.#caller = deps.caller;
    this.#audit = deps.audit;
    this.#auth = deps.auth;
    this.#logger = deps.logger;
    this.#providers = oidcProvidersFor(deps.config);
  }

  /** Names of the configured providers (none: the feature is off). */
  providerNames(): string[] {
    return this.#providers.names();
  }

  /** The provider accounts linked to the signed-in user, oldest first. */
  async linked(): Promise<FederatedIdentity[]> {
    const user = requireUser(this.#caller);
    return this.#em.find(FederatedIdentity, { userId: user.userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** Starts a sign-in (anyone). */
  begin(providerName: string): Promise<IdentityProviderRedirect> {
    return this.#begin(providerName, 'SIGN_IN', null);
  }

  /** Starts linking a provider account to the signed-in user. */
  beginLink(providerName: string): Promise<IdentityProviderRedirect> {
    const user = requireUser(this.#caller);
    return this.#begin(providerName, 'LINK', user.userId);
  }

  /** Completes a sign-in: the bank's tokens for the linked (or newly created) user. */
  async complete(signInId: string, callbackUrl: string): Promise<AuthPayload> {
    const { provider, account } = await this.#exchange(signInId, callbackUrl, 'SIGN_IN');
    const user = await this.#userFor(provider, account);
    return this.#auth.signedInWith(user, 'fed');
  }

  /** Completes a link started by the signed-in user. */
  async completeLink(signInId: string, callbackUrl: string): Promise<FederatedIdentity> {
    requireUser(this.#caller);
    const { attempt, provider, account } = await this.#exchange(signInId, callbackUrl, 'LINK');
    const userId = attempt.userId as string;
    const existing = await this.#em.findOne(FederatedIdentity, { issuer: provider.issuer, subject: account.subject });
    if (existing?.userId === userId) return existing;
    if (existing) {
      await this.#refuse('LINK', provider, 'ALREADY_LINKED', userId);
      throw new ForbiddenError(`This ${provider.name} account is already linked to another bank user.`, {
        reason: 'ALREADY_LINKED',
      });
    }
    try {
      return await this.#em.transactional(async (em) => {
        const identity = this.#newIdentity(em, userId, provider, account, null);
        this.#audit.record(em, {
          type: 'FEDERATED_IDENTITY_LINKED',
          userId,
          actorId: userId,
          details: { provider: provider.name },
        });
        return identity;
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // Linked by someone else in the meantime.
      const winner = await this.#em.fork().findOne(FederatedIdentity, {
        issuer: provider.issuer,
        subject: account.subject,
      });
      if (winner?.userId === userId) return winner;
      await this.#refuse('LINK', provider, 'ALREADY_LINKED', userId);
      throw new ForbiddenError(`This ${provider.name} account is already linked to another bank user.`, {
        reason: 'ALREADY_LINKED',
      });
    }
  }

  #provider(name: string): OidcProviderConfig {
    if (!this.#providers.enabled) {
      throw new BadUserInputError('Sign-in with an identity provider is not available at this bank.', 'provider', {
        reason: 'IDENTITY_PROVIDERS_DISABLED',
      });
    }
    const provider = typeof name === 'string' ? this.#providers.get(name) : undefined;
    if (!provider) {
      throw new BadUserInputError(
        `Unknown identity provider. Use one of: ${this.#providers.names().join(', ')}.`,
        'provider',
      );
    }
    return provider;
  }

  async #begin(
    providerName: string,
    purpose: OidcSignInPurpose,
    userId: string | null,
  ): Promise<IdentityProviderRedirect> {
    const provider = this.#provider(providerName);
    const configuration = await this.#providers.configuration(provider, this.#logger);
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(configuration, {
      redirect_uri: provider.redirectUri,
      scope: SCOPE,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const expiresAt = new Date(Date.now() + this.#config.oidc.signInTtlSeconds * 1000);
    const signInId = randomUUID();
    await this.#em.transactional(async (em) => {
      await em.nativeDelete(OidcSignIn, { expiresAt: { $lt: new Date(Date.now() - KEEP_EXPIRED_MS) } });
      em.create(OidcSignIn, {
        id: signInId,
        purpose,
        provider: provider.name,
        issuer: provider.issuer,
        state,
        nonce,
        codeVerifier,
        userId,
        expiresAt,
        usedAt: null,
      });
    });
    return { signInId, authorizationUrl: authorizationUrl.href, expiresAt };
  }

  /**
   * Spends the attempt `signInId` and exchanges the code of `callbackUrl`:
   * every failure after the attempt is spent is audited and refused; the
   * caller starts again.
   */
  async #exchange(
    signInId: string,
    callbackUrl: string,
    purpose: OidcSignInPurpose,
  ): Promise<{ attempt: OidcSignIn; provider: OidcProviderConfig; account: ProviderAccount }> {
    if (!isUuid(signInId)) {
      throw new BadUserInputError('"signInId" must be the id the sign-in (or link) began with.', 'signInId');
    }
    const callback = this.#parseCallback(callbackUrl);
    const attempt = await this.#em.findOne(OidcSignIn, { id: signInId });
    const expired = refusal(
      'SIGN_IN_EXPIRED',
      'This sign-in is unknown, expired or already used. Start the sign-in again.',
    );
    // A link is completed only by the user who started it; to anyone else it does not exist.
    const startedByCaller =
      purpose === 'SIGN_IN' || (this.#caller.kind === 'user' && attempt?.userId === this.#caller.userId);
    if (!attempt || attempt.purpose !== purpose || !startedByCaller) throw expired;
    if (attempt.usedAt || attempt.expiresAt.getTime() <= Date.now()) throw expired;
    const provider = this.#providers.get(attempt.provider);
    // The provider was removed or moved to another issuer since: the attempt cannot be checked.
    if (!provider || provider.issuer !== attempt.issuer) throw expired;
    if (!this.#matchesRedirectUri(callback, provider)) {
      throw new BadUserInputError(
        'The callback URL must be the redirect URI the identity provider sent the browser back to.',
        'callbackUrl',
      );
    }
    // Single use, even under concurrent completions: only one update finds it unused.
    const spent = await this.#em.nativeUpdate(OidcSignIn, { id: attempt.id, usedAt: null }, { usedAt: new Date() });
    if (spent !== 1) throw expired;

    const state = callback.searchParams.get('state');
    if (state === null || !sameText(state, attempt.state)) {
      await this.#refuse(purpose, provider, 'STATE_MISMATCH', attempt.userId ?? null);
      throw refusal('STATE_MISMATCH', 'The sign-in answer does not belong to this sign-in. Start again.');
    }
    try {
      const configuration = await this.#providers.configuration(provider, this.#logger);
      const tokens = await client.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      const account = await this.#account(configuration, tokens);
      return { attempt, provider, account };
    } catch (error) {
      const classified = classifyProviderError(error, provider.name);
      this.#logger.warn(
        { provider: provider.name, reason: classified.reason, code: classified.detail },
        'identity provider sign-in failed',
      );
      await this.#refuse(purpose, provider, classified.reason, attempt.userId ?? null);
      throw classified.error;
    }
  }

  #parseCallback(callbackUrl: string): URL {
    if (typeof callbackUrl !== 'string' || callbackUrl.length > CALLBACK_MAX_LENGTH || !URL.canParse(callbackUrl)) {
      throw new BadUserInputError(
        '"callbackUrl" must be the full URL the identity provider redirected to.',
        'callbackUrl',
      );
    }
    return new URL(callbackUrl);
  }

  #matchesRedirectUri(callback: URL, provider: OidcProviderConfig): boolean {
    const expected = new URL(provider.redirectUri);
    return callback.origin === expected.origin && callback.pathname === expected.pathname;
  }

  /** The account from the validated ID token, completed from UserInfo when the token carries no email. */
  async #account(
    configuration: client.Configuration,
    tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>,
  ): Promise<ProviderAccount> {
    // `idTokenExpected` made openid-client refuse an answer without one.
    const claims = tokens.claims()!;
    let source: Record<string, unknown> = claims;
    if (claims.email === undefined && configuration.serverMetadata().userinfo_endpoint) {
      // Some providers put only `sub` in the ID token of the code flow; UserInfo (checked to be about the same sub) has the rest.
      const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      source = { ...info, ...claims };
    }
    const verified = source.email_verified === true || source.email_verified === 'true';
    const email = emailClaim.safeParse(source.email);
    const name = typeof source.name === 'string' ? source.name.trim().slice(0, 200) : '';
    const given = [source.given_name, source.family_name].filter((v) => typeof v === 'string').join(' ');
    return {
      subject: claims.sub,
      email: email.success ? email.data : null,
      emailVerified: verified,
      name: name || given.trim().slice(0, 200) || null,
    };
  }

  /** The bank user of a provider account: linked, or created on its first sign-in. */
  async #userFor(provider: OidcProviderConfig, account: ProviderAccount): Promise<User> {
    const linked = await this.#signInLinked(provider, account);
    if (linked) return linked;
    if (!this.#config.oidc.createUsers) {
      await this.#refuse('SIGN_IN', provider, 'ACCOUNT_NOT_LINKED', null);
      throw refusal(
        'ACCOUNT_NOT_LINKED',
        `No bank user is linked to this ${provider.name} account. Sign in with your password and link ${provider.name} first.`,
      );
    }
    if (!account.email || !account.emailVerified) {
      await this.#refuse('SIGN_IN', provider, 'EMAIL_NOT_VERIFIED', null);
      throw refusal(
        'EMAIL_NOT_VERIFIED',
        `${provider.name} did not confirm a verified email address for this account, so no bank user can be created from it.`,
      );
    }
    const email = account.email;
    const taken = await this.#em.findOne(User, { email });
    if (taken) throw await this.#emailInUse(provider, taken.id);
    try {
      return await this.#em.transactional(async (em) => {
        const user = em.create(User, {
          id: randomUUID(),
          email,
          passwordHash: NO_PASSWORD,
          name: account.name ?? email.split('@')[0]!,
          roles: ['CUSTOMER'],
          businessName: null,
          registrationNumber: null,
          industry: null,
          institution: null,
          title: null,
          bio: null,
        });
        this.#newIdentity(em, user.id, provider, account, new Date());
        this.#audit.record(em, {
          type: 'USER_REGISTERED',
          userId: user.id,
          details: { role: 'CUSTOMER', method: 'fed', provider: provider.name },
        });
        this.#audit.record(em, {
          type: 'FEDERATED_IDENTITY_LINKED',
          userId: user.id,
          details: { provider: provider.name, created: true },
        });
        recordUserRegistered(em, user);
        return user;
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // A concurrent first sign-in of the same account won: use its user. Otherwise the email was taken meanwhile.
      const winner = await this.#signInLinked(provider, account, this.#em.fork());
      if (winner) return winner;
      const owner = await this.#em.fork().findOne(User, { email });
      throw await this.#emailInUse(provider, owner?.id ?? null);
    }
  }

  /** The user linked to the account, with the link's last sign-in and email brought up to date. */
  async #signInLinked(
    provider: OidcProviderConfig,
    account: ProviderAccount,
    em: EntityManager = this.#em,
  ): Promise<User | null> {
    const identity = await em.findOne(FederatedIdentity, { issuer: provider.issuer, subject: account.subject });
    if (!identity) return null;
    const user = await em.findOne(User, { id: identity.userId });
    if (!user) return null;
    identity.lastSignInAt = new Date();
    if (account.email) identity.email = account.email;
    await em.flush();
    return user;
  }

  async #emailInUse(provider: OidcProviderConfig, ownerId: string | null): Promise<BankError> {
    await this.#refuse('SIGN_IN', provider, 'EMAIL_IN_USE', ownerId);
    return refusal(
      'EMAIL_IN_USE',
      `A bank user with this email already exists. Sign in with your password, then link ${provider.name} to use it for signing in.`,
    );
  }

  #newIdentity(
    em: EntityManager,
    userId: string,
    provider: OidcProviderConfig,
    account: ProviderAccount,
    lastSignInAt: Date | null,
  ): FederatedIdentity {
    return em.create(FederatedIdentity, {
      id: randomUUID(),
      userId,
      provider: provider.name,
      issuer: provider.issuer,
      subject: account.subject,
      email: account.email,
      lastSignInAt,
    });
  }

  /** Audits a refused sign-in or link in its own transaction (the refusal itself is thrown). */
  async #refuse(
    purpose: OidcSignInPurpose,
    provider: OidcProviderConfig,
    reason: RefusalReason,
    userId: string | null,
  ): Promise<void> {
    await this.#em.fork().transactional(async (em) => {
      this.#audit.record(em, {
        type: 'FEDERATED_SIGN_IN_REFUSED',
        userId,
        details: { provider: provider.name, purpose, reason },
      });
    });
  }
}
