/**
 * Sign-up, sign-in and sessions.
 *
 * A session is a family of refresh tokens: each is opaque, stored only as its
 * SHA-256, used once, and replaced on use. Presenting a used token again
 * means it leaked: the whole family is revoked. Failed sign-ins are counted
 * per email in the database; past the limit, sign-in for that email is locked
 * for a while whether or not an account exists.
 *
 * A user with a second factor signs in in two steps: the first factor (a
 * password, an identity provider) answers MFA_REQUIRED with a short-lived
 * challenge, and `completeLogin` with the second factor opens the session.
 * Wrong second factors count toward the same lock. The access token records
 * how the user authenticated (`amr`, `acr`) and its session (`sid`).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { z } from 'zod';
import { issueAccessToken } from '../../../../platform/access-token.ts';
import { requireRole, requireUser, type Caller, type Role } from '../../../../platform/caller.ts';
import type { Config } from '../../../../platform/config.ts';
import { BadUserInputError, MfaRequiredError, UnauthenticatedError } from '../../../../platform/errors.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { parseId, parseInput } from '../../../../platform/validation.ts';
import { LoginChallenge, RefreshToken, Session, User } from '../entities/index.ts';
import type { AuditLog } from './audit-log.ts';
import type { Passkeys } from './passkeys.ts';
import type { SecondFactorProof, SecondFactors } from './second-factors.ts';
import type { Sessions } from './sessions.ts';
import { emailKeyOf, type SignInThrottle } from './sign-in-throttle.ts';
import { recordSecurityChanged, recordUserRegistered } from './user-events.ts';
import { PASSWORD_RULE, passwordProblem, type PasswordHasher } from './passwords.ts';

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: User;
}

const SELF_SERVICE_ROLES: readonly Role[] = ['CUSTOMER', 'BUSINESS_OWNER', 'BANKER'];
const STAFF_ROLES: readonly Role[] = ['RISK_OFFICER', 'ADMIN'];

const INVALID_CREDENTIALS = 'Invalid email or password.';
/** Wrong answers one sign-in challenge takes before it must start again. */
const MAX_CHALLENGE_ATTEMPTS = 5;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, 'The email address is too long.')
  .pipe(z.email('Enter a valid email address, like name@example.com.'));
const name = z
  .string()
  .trim()
  .min(1, 'The name must not be empty.')
  .max(200, 'The name must be at most 200 characters.');

const registerSchema = z.object({
  email,
  password: z.string(),
  name,
  role: z.string(),
  businessName: optionalText(200),
  registrationNumber: optionalText(100),
  industry: optionalText(100),
  institution: optionalText(200),
  title: optionalText(200),
  bio: optionalText(2000),
});

const staffSchema = z.object({ email, password: z.string(), name, role: z.string() });

/** SHA-256 (hex) of secrets we must find again but never store: refresh tokens, recovery codes, exports. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export class AuthService {
  readonly #em: EntityManager;
  readonly #config: Config;
  readonly #hasher: PasswordHasher;
  readonly #audit: AuditLog;
  readonly #caller: Caller;
  readonly #factors: SecondFactors;
  readonly #sessions: Sessions;
  readonly #throttle: SignInThrottle;
  readonly #userAgent: string | null;
  readonly #passkeys: Passkeys | null;

  constructor(deps: {
    em: EntityManager;
    config: Config;
    hasher: PasswordHasher;
    audit: AuditLog;
    caller: Caller;
    factors: SecondFactors;
    sessions: Sessions;
    throttle: SignInThrottle;
    userAgent: string | null;
    passkeys?: Passkeys | null;
  }) {
    this.#em = deps.em;
    this.#config = deps.config;
    this.#hasher = deps.hasher;
    this.#audit = deps.audit;
    this.#caller = deps.caller;
    this.#factors = deps.factors;
    this.#sessions = deps.sessions;
    this.#throttle = deps.throttle;
    this.#userAgent = deps.userAgent;
    this.#passkeys = deps.passkeys ?? null;
  }

  /** Signs up a CUSTOMER, BUSINESS_OWNER or BANKER and opens a session. */
  async register(input: unknown): Promise<AuthPayload> {
    const data = parseInput(registerSchema, input);
    const role = data.role as Role;
    if (!SELF_SERVICE_ROLES.includes(role)) {
      throw new BadUserInputError(
        'Sign-up is for CUSTOMER, BUSINESS_OWNER or BANKER; staff users are created by an ADMIN.',
        'role',
      );
    }
    this.#checkPassword(data.password, data.email);
    const isOwner = role === 'BUSINESS_OWNER';
    const isBanker = role === 'BANKER';
    if (isOwner && !data.businessName) {
      throw new BadUserInputError('A BUSINESS_OWNER must give the business name.', 'businessName');
    }
    if (isBanker && !data.institution) {
      throw new BadUserInputError('A BANKER must give their institution.', 'institution');
    }
    const profileFields = {
      businessName: isOwner,
      registrationNumber: isOwner,
      industry: isOwner,
      institution: isBanker,
      title: isBanker,
      bio: isBanker,
    };
    for (const [field, allowed] of Object.entries(profileFields)) {
      if (!allowed && data[field as keyof typeof profileFields]) {
        throw new BadUserInputError(`"${field}" does not apply to the role ${role}.`, field);
      }
    }
    await this.#ensureEmailFree(data.email);
    const passwordHash = await this.#hasher.hash(data.password);

    return this.#createUserAndSession(async (em) => {
      const user = em.create(User, {
        id: randomUUID(),
        email: data.email,
        passwordHash,
        name: data.name,
        roles: [role],
        businessName: isOwner ? data.businessName : null,
        registrationNumber: isOwner ? data.registrationNumber : null,
        industry: isOwner ? data.industry : null,
        institution: isBanker ? data.institution : null,
        title: isBanker ? data.title : null,
        bio: isBanker ? data.bio : null,
      });
      this.#audit.record(em, { type: 'USER_REGISTERED', userId: user.id, details: { role } });
      recordUserRegistered(em, user);
      return user;
    });
  }

  /** ADMIN only: creates a RISK_OFFICER or ADMIN. */
  async createStaffUser(input: unknown): Promise<User> {
    const admin = requireRole(this.#caller, 'ADMIN');
    const data = parseInput(staffSchema, input);
    const role = data.role as Role;
    if (!STAFF_ROLES.includes(role)) {
      throw new BadUserInputError('Staff users are RISK_OFFICER or ADMIN; other roles sign up themselves.', 'role');
    }
    this.#checkPassword(data.password, data.email);
    await this.#ensureEmailFree(data.email);
    const passwordHash = await this.#hasher.hash(data.password);
    try {
      return await this.#insertStaff({ email: data.email, name: data.name, passwordHash, role }, admin.userId);
    } catch (error) {
      throw this.#duplicateEmailOr(error);
    }
  }

  /** Creates the first ADMIN when none exists (start-up). */
  async ensureFirstAdmin(admin: { email: string; password: string }): Promise<'created' | 'exists'> {
    const count = await this.#em
      .getConnection()
      .execute<{ n: string }[]>(`select count(*)::text as n from users where 'ADMIN' = any(roles)`);
    if (count[0]?.n !== '0') return 'exists';
    const normalized = parseInput(email, admin.email);
    const problem = passwordProblem(admin.password, normalized);
    if (problem) throw new Error(`ADMIN_PASSWORD is not acceptable: ${problem}`);
    const passwordHash = await this.#hasher.hash(admin.password);
    try {
      await this.#insertStaff({ email: normalized, name: 'Administrator', passwordHash, role: 'ADMIN' }, null);
    } catch (error) {
      // Another instance created it first.
      if (error instanceof UniqueConstraintViolationException) return 'exists';
      throw error;
    }
    return 'created';
  }

  /** Signs in. Unknown email and wrong password get the same answer and take the same time. */
  async login(rawEmail: string, password: string): Promise<AuthPayload> {
    const address = rawEmail.trim().toLowerCase();
    const emailKey = emailKeyOf(address);
    await this.#throttle.refuseWhileLocked(emailKey, true);

    const user = await this.#em.findOne(User, { email: address });
    const valid = user
      ? await this.#hasher.verify(user.passwordHash, password)
      : await this.#hasher.verifyNothing(password);
    if (!user || !valid) {
      await this.#throttle.recordFailure(emailKey, user?.id ?? null);
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    return this.#firstFactorPassed(user, 'pwd', emailKey);
  }

  /**
   * The second step of a sign-in: a code of the authenticator app, a recovery
   * code or a passkey's answer for the challenge `login` gave.
   */
  async completeLogin(challengeId: string, proof: SecondFactorProof): Promise<AuthPayload> {
    const id = parseId(challengeId, 'challengeId');
    const pending = await this.#em.findOne(LoginChallenge, { id });
    if (pending?.emailKey) await this.#throttle.refuseWhileLocked(pending.emailKey, true);
    const outcome = await this.#em.transactional(async (em) => {
      const challenge = await em.findOne(LoginChallenge, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const live =
        challenge &&
        challenge.completedAt === null &&
        challenge.expiresAt.getTime() > Date.now() &&
        challenge.attempts < MAX_CHALLENGE_ATTEMPTS;
      if (!live) return { kind: 'expired' as const };
      const verified = await this.#factors.verify(em, challenge.userId, proof, challenge.webauthnChallenge);
      if (!verified) {
        challenge.attempts += 1;
        return { kind: 'wrong' as const, emailKey: challenge.emailKey, userId: challenge.userId };
      }
      challenge.completedAt = new Date();
      const user = await em.findOneOrFail(User, { id: challenge.userId });
      if (challenge.emailKey) await this.#throttle.clear(em, challenge.emailKey);
      this.#audit.record(em, {
        type: 'LOGIN_SUCCEEDED',
        userId: user.id,
        details: { method: challenge.firstFactor, secondFactor: verified.method, recoveryCode: verified.recoveryCode },
      });
      const amr = [challenge.firstFactor, verified.method, 'mfa'];
      return { kind: 'ok' as const, payload: await this.#openSession(em, user, this.#newSession(em, user, amr)) };
    });
    if (outcome.kind === 'expired') {
      throw new UnauthenticatedError('This sign-in has expired or was already finished. Sign in again.', {
        reason: 'MFA_CHALLENGE_INVALID',
      });
    }
    if (outcome.kind === 'wrong') {
      if (outcome.emailKey)
        await this.#throttle.recordFailure(outcome.emailKey, outcome.userId, 'MFA_CHALLENGE_FAILED');
      throw new UnauthenticatedError('The second factor is wrong, expired or was already used.', {
        reason: 'SECOND_FACTOR_INVALID',
      });
    }
    return outcome.payload;
  }

  /**
   * Changes the caller's password (the current one is checked, and a wrong
   * one counts toward the sign-in lock) and ends every other session.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<boolean> {
    const { userId } = requireUser(this.#caller);
    const user = await this.#em.findOneOrFail(User, { id: userId });
    const emailKey = emailKeyOf(user.email);
    await this.#throttle.refuseWhileLocked(emailKey);
    if (!(await this.#hasher.verify(user.passwordHash, currentPassword))) {
      await this.#throttle.recordFailure(emailKey, userId);
      throw new UnauthenticatedError('The current password is wrong.', { field: 'currentPassword' });
    }
    const problem = passwordProblem(newPassword, user.email);
    if (problem) throw new BadUserInputError(problem, 'newPassword', { rule: PASSWORD_RULE });
    const passwordHash = await this.#hasher.hash(newPassword);
    return this.#em.transactional(async (em) => {
      await em.nativeUpdate(User, { id: userId }, { passwordHash });
      const sessionsEnded = await this.#sessions.endAllBut(em, userId, this.#sessions.currentId);
      this.#audit.record(em, { type: 'PASSWORD_CHANGED', userId, details: { sessionsEnded } });
      recordSecurityChanged(em, userId, 'PASSWORD_CHANGED');
      return true;
    });
  }

  /** Rotates a refresh token: the old one is spent, a new pair is issued in the same family. */
  async refresh(token: string): Promise<AuthPayload> {
    const tokenHash = sha256(token);
    const outcome = await this.#em.transactional(async (em) => {
      const row = await em.findOne(RefreshToken, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row || row.revokedAt) return { kind: 'invalid' as const };
      if (row.usedAt) {
        await this.#sessions.end(em, row.familyId);
        this.#audit.record(em, {
          type: 'REFRESH_TOKEN_REUSED',
          userId: row.userId,
          details: { familyId: row.familyId },
        });
        return { kind: 'reused' as const };
      }
      if (row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' as const };
      const user = await em.findOne(User, { id: row.userId });
      const session = await em.findOne(Session, { id: row.familyId, revokedAt: null });
      if (!user || !session) return { kind: 'invalid' as const };
      row.usedAt = new Date();
      session.lastUsedAt = new Date();
      return { kind: 'ok' as const, payload: await this.#openSession(em, user, session) };
    });
    if (outcome.kind === 'reused') {
      throw new UnauthenticatedError(
        'This refresh token was already used; the session has been ended for safety. Sign in again.',
        {
          reason: 'REFRESH_TOKEN_REUSED',
        },
      );
    }
    if (outcome.kind === 'invalid') {
      throw new UnauthenticatedError('The refresh token is invalid or expired. Sign in again.', {
        reason: 'REFRESH_TOKEN_INVALID',
      });
    }
    return outcome.payload;
  }

  /** Ends the session of `token`. False when it was unknown or already ended. */
  async logout(token: string): Promise<boolean> {
    return this.#em.transactional(async (em) => {
      const row = await em.findOne(RefreshToken, { tokenHash: sha256(token) });
      if (!row) return false;
      if (!(await this.#sessions.end(em, row.familyId))) return false;
      this.#audit.record(em, { type: 'LOGGED_OUT', userId: row.userId, details: { familyId: row.familyId } });
      return true;
    });
  }

  /**
   * Signs in `user`, whose first factor another service checked (an identity
   * provider: `method` "fed"): records the sign-in and opens a session.
   */
  async signedInWith(user: User, method: 'pwd' | 'fed'): Promise<AuthPayload> {
    return this.#firstFactorPassed(user, method, emailKeyOf(user.email));
  }

  /**
   * The first factor was right: opens the session, or, when the user has a
   * second factor, answers MFA_REQUIRED with a challenge for `completeLogin`
   * (and, for a user with passkeys, the options for `navigator.credentials.get`).
   */
  async #firstFactorPassed(user: User, method: 'pwd' | 'fed', emailKey: string): Promise<AuthPayload> {
    const factors = await this.#factors.kinds(user.id);
    if (factors.length > 0) {
      const passkey = factors.includes('PASSKEY') ? await this.#passkeys?.signInOptions(user.id) : null;
      const challenge = await this.#em.transactional(async (em) =>
        em.create(LoginChallenge, {
          id: randomUUID(),
          userId: user.id,
          firstFactor: method,
          emailKey,
          device: this.#userAgent,
          webauthnChallenge: passkey?.challenge ?? null,
          expiresAt: new Date(Date.now() + this.#config.auth.mfaChallengeTtlSeconds * 1000),
          completedAt: null,
        }),
      );
      throw new MfaRequiredError('Finish signing in with your second factor (completeLogin).', {
        challengeId: challenge.id,
        factors,
        expiresAt: challenge.expiresAt.toISOString(),
        ...(passkey ? { passkeyRequestOptions: passkey.requestOptions } : {}),
      });
    }
    return this.#em.transactional(async (em) => {
      await this.#throttle.clear(em, emailKey);
      this.#audit.record(em, { type: 'LOGIN_SUCCEEDED', userId: user.id, details: { method } });
      return this.#openSession(em, user, this.#newSession(em, user, [method]));
    });
  }

  /** Creates a staff user and its audit event in one transaction; `actorId` is null at bootstrap. */
  async #insertStaff(
    staff: { email: string; name: string; passwordHash: string; role: Role },
    actorId: string | null,
  ): Promise<User> {
    return this.#em.transactional(async (em) => {
      const { role, ...fields } = staff;
      const user = em.create(User, { id: randomUUID(), ...fields, roles: [role] });
      recordUserRegistered(em, user);
      this.#audit.record(em, {
        type: 'STAFF_USER_CREATED',
        userId: user.id,
        actorId,
        details: actorId === null ? { role, bootstrap: true } : { role },
      });
      return user;
    });
  }

  #checkPassword(password: string, address: string): void {
    const problem = passwordProblem(password, address);
    if (problem) throw new BadUserInputError(problem, 'password', { rule: PASSWORD_RULE });
  }

  async #ensureEmailFree(address: string): Promise<void> {
    if ((await this.#em.count(User, { email: address })) > 0) throw this.#duplicateEmail();
  }

  #duplicateEmail(): BadUserInputError {
    return new BadUserInputError('An account with this email already exists. Sign in instead.', 'email');
  }

  #duplicateEmailOr(error: unknown): unknown {
    return error instanceof UniqueConstraintViolationException ? this.#duplicateEmail() : error;
  }

  async #createUserAndSession(create: (em: EntityManager) => Promise<User>): Promise<AuthPayload> {
    try {
      return await this.#em.transactional(async (em) => {
        const user = await create(em);
        return this.#openSession(em, user, this.#newSession(em, user, ['pwd']));
      });
    } catch (error) {
      throw this.#duplicateEmailOr(error);
    }
  }

  /** A new session of `user`, authenticated by `amr`, from this request's device. */
  #newSession(em: EntityManager, user: User, amr: string[]): Session {
    return em.create(Session, { id: randomUUID(), userId: user.id, device: this.#userAgent, amr, revokedAt: null });
  }

  /**
   * Issues an access token and a new refresh token of `session`, inside
   * `em`'s transaction. Staff without a second factor, where the bank
   * requires one, get a token that can only enrol one.
   */
  async #openSession(em: EntityManager, user: User, session: Session): Promise<AuthPayload> {
    // An erased user has no sessions, whatever the way in (their password no longer verifies anyway).
    if (user.erasedAt) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    const refreshToken = randomBytes(32).toString('base64url');
    const ttlMs = this.#config.auth.refreshTokenTtlDays * 86_400_000;
    em.create(RefreshToken, {
      id: randomUUID(),
      tokenHash: sha256(refreshToken),
      familyId: session.id,
      userId: user.id,
      expiresAt: new Date(Date.now() + ttlMs),
      usedAt: null,
      revokedAt: null,
    });
    await em.flush();
    const privateKey = this.#config.keys.jwtPrivateKey as string;
    const isStaff = user.roles.some((r) => STAFF_ROLES.includes(r));
    const enrolmentRequired = isStaff && this.#config.auth.staffMfaRequired && !(await this.#factors.has(user.id, em));
    const access = issueAccessToken(
      privateKey,
      { userId: user.id, roles: user.roles, sessionId: session.id, amr: session.amr, enrolmentRequired },
      this.#config.auth.accessTokenTtlSeconds,
    );
    return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, user };
  }
}
