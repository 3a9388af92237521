/**
 * Sign-up, sign-in and sessions.
 *
 * A session is a family of refresh tokens: each is opaque, stored only as its
 * SHA-256, used once, and replaced on use. Presenting a used token again
 * means it leaked: the whole family is revoked. Failed sign-ins are counted
 * per email in the database; past the limit, sign-in for that email is locked
 * for a while whether or not an account exists.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { z } from 'zod';
import { issueAccessToken } from '../../../../platform/access-token.ts';
import { requireRole, type Caller, type Role } from '../../../../platform/caller.ts';
import type { Config } from '../../../../platform/config.ts';
import { BadUserInputError, RateLimitedError, UnauthenticatedError } from '../../../../platform/errors.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { parseInput } from '../../../../platform/validation.ts';
import { RefreshToken, User } from '../entities/index.ts';
import type { AuditLog } from './audit-log.ts';
import { recordUserRegistered } from './user-events.ts';
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

/** SHA-256 (hex) used to key secrets we must find again but never store: refresh tokens, emails in the throttle. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export class AuthService {
  readonly #em: EntityManager;
  readonly #config: Config;
  readonly #hasher: PasswordHasher;
  readonly #audit: AuditLog;
  readonly #caller: Caller;

  constructor(deps: { em: EntityManager; config: Config; hasher: PasswordHasher; audit: AuditLog; caller: Caller }) {
    this.#em = deps.em;
    this.#config = deps.config;
    this.#hasher = deps.hasher;
    this.#audit = deps.audit;
    this.#caller = deps.caller;
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
    const emailKey = sha256(address);
    await this.#refuseWhileLocked(emailKey);

    const user = await this.#em.findOne(User, { email: address });
    const valid = user
      ? await this.#hasher.verify(user.passwordHash, password)
      : await this.#hasher.verifyNothing(password);
    if (!user || !valid) {
      await this.#recordFailure(emailKey, user?.id ?? null);
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    return this.#em.transactional(async (em) => {
      await em
        .getConnection()
        .execute('delete from login_throttle where email_key = ?', [emailKey], 'run', em.getTransactionContext());
      this.#audit.record(em, { type: 'LOGIN_SUCCEEDED', userId: user.id });
      return this.#openSession(em, user, randomUUID());
    });
  }

  /** Rotates a refresh token: the old one is spent, a new pair is issued in the same family. */
  async refresh(token: string): Promise<AuthPayload> {
    const tokenHash = sha256(token);
    const outcome = await this.#em.transactional(async (em) => {
      const row = await em.findOne(RefreshToken, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row || row.revokedAt) return { kind: 'invalid' as const };
      if (row.usedAt) {
        const revoked = await this.#revokeFamily(em, row.familyId);
        this.#audit.record(em, {
          type: 'REFRESH_TOKEN_REUSED',
          userId: row.userId,
          details: { familyId: row.familyId, tokensRevoked: revoked },
        });
        return { kind: 'reused' as const };
      }
      if (row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' as const };
      const user = await em.findOne(User, { id: row.userId });
      if (!user) return { kind: 'invalid' as const };
      row.usedAt = new Date();
      return { kind: 'ok' as const, payload: await this.#openSession(em, user, row.familyId) };
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
      const revoked = await this.#revokeFamily(em, row.familyId);
      if (revoked === 0) return false;
      this.#audit.record(em, { type: 'LOGGED_OUT', userId: row.userId, details: { familyId: row.familyId } });
      return true;
    });
  }

  /**
   * Signs in `user`, whose first factor another service checked (an identity
   * provider: `method` "fed"): records the sign-in and opens a session.
   */
  async signedInWith(user: User, method: 'pwd' | 'fed'): Promise<AuthPayload> {
    return this.#em.transactional(async (em) => {
      this.#audit.record(em, { type: 'LOGIN_SUCCEEDED', userId: user.id, details: { method } });
      return this.#openSession(em, user, randomUUID());
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
        return this.#openSession(em, user, randomUUID());
      });
    } catch (error) {
      throw this.#duplicateEmailOr(error);
    }
  }

  /** Issues an access token and a new refresh token of `familyId`, inside `em`'s transaction. */
  async #openSession(em: EntityManager, user: User, familyId: string): Promise<AuthPayload> {
    // An erased user has no sessions, whatever the way in (their password no longer verifies anyway).
    if (user.erasedAt) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    const refreshToken = randomBytes(32).toString('base64url');
    const ttlMs = this.#config.auth.refreshTokenTtlDays * 86_400_000;
    em.create(RefreshToken, {
      id: randomUUID(),
      tokenHash: sha256(refreshToken),
      familyId,
      userId: user.id,
      expiresAt: new Date(Date.now() + ttlMs),
      usedAt: null,
      revokedAt: null,
    });
    await em.flush();
    const privateKey = this.#config.keys.jwtPrivateKey as string;
    const access = issueAccessToken(
      privateKey,
      { userId: user.id, roles: user.roles },
      this.#config.auth.accessTokenTtlSeconds,
    );
    return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, user };
  }

  async #revokeFamily(em: EntityManager, familyId: string): Promise<number> {
    return em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: new Date() });
  }

  async #refuseWhileLocked(emailKey: string): Promise<void> {
    const rows = await this.#em
      .getConnection()
      .execute<{ seconds: number }[]>(
        `select ceil(extract(epoch from locked_until - now()))::int as seconds from login_throttle where email_key = ? and locked_until > now()`,
        [emailKey],
      );
    const seconds = rows[0]?.seconds;
    if (seconds !== undefined) {
      throw new RateLimitedError(
        `Too many failed sign-in attempts for this email. Try again in ${seconds} seconds.`,
        seconds,
      );
    }
  }

  /**
   * Counts a failure atomically (an upsert, so concurrent failures all count)
   * and locks the email once the limit is reached.
   */
  async #recordFailure(emailKey: string, userId: string | null): Promise<void> {
    const { loginMaxFailures, loginLockSeconds } = this.#config.auth;
    await this.#em.transactional(async (em) => {
      // A failure that raced past the lock check while another one set the lock leaves the lock as it is.
      const rows = await em.getConnection().execute<{ failures: number; already_locked: boolean }[]>(
        `insert into login_throttle (email_key, failures, locked_until, updated_at) values (?, 1, null, now())
         on conflict (email_key) do update set
           failures = case
             when login_throttle.locked_until is null then login_throttle.failures + 1
             when login_throttle.locked_until <= now() then 1
             else login_throttle.failures
           end,
           locked_until = case when login_throttle.locked_until > now() then login_throttle.locked_until end,
           updated_at = now()
         returning failures, locked_until is not null as already_locked`,
        [emailKey],
        'all',
        em.getTransactionContext(),
      );
      const failures = rows[0]?.failures ?? 1;
      const locked = !rows[0]?.already_locked && failures >= loginMaxFailures;
      if (locked) {
        await em
          .getConnection()
          .execute(
            `update login_throttle set failures = 0, locked_until = now() + make_interval(secs => ?) where email_key = ?`,
            [loginLockSeconds, emailKey],
            'run',
            em.getTransactionContext(),
          );
      }
      this.#audit.record(em, { type: 'LOGIN_FAILED', userId, details: { failures, knownAccount: userId !== null } });
      if (locked) this.#audit.record(em, { type: 'LOGIN_LOCKED', userId, details: { lockSeconds: loginLockSeconds } });
    });
  }
}
