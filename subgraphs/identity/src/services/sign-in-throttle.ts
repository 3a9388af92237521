/**
 * The sign-in lock: failed first and second factors are counted per email
 * (its SHA-256) in the database; past LOGIN_MAX_FAILURES, sign-in for that
 * email is locked for LOGIN_LOCK_SECONDS whether or not an account exists.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../../../../platform/config.ts';
import { RateLimitedError } from '../../../../platform/errors.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import type { AuditEventType } from '../entities/index.ts';
import type { AuditLog } from './audit-log.ts';

/** The key failures of an email (lower-cased, as stored) are counted under: its SHA-256, never the address. */
export function emailKeyOf(address: string): string {
  return createHash('sha256').update(address).digest('hex');
}

export class SignInThrottle {
  readonly #em: EntityManager;
  readonly #config: Config;
  readonly #audit: AuditLog;

  constructor(deps: { em: EntityManager; config: Config; audit: AuditLog }) {
    this.#em = deps.em;
    this.#config = deps.config;
    this.#audit = deps.audit;
  }

  /**
   * RATE_LIMITED while `emailKey` is locked; `signIn`: the refusal is of a
   * sign-in (`bank_sign_in_failures_total{reason="locked"}`).
   */
  async refuseWhileLocked(emailKey: string, signIn = false): Promise<void> {
    const rows = await this.#em
      .getConnection()
      .execute<{ seconds: number }[]>(
        `select ceil(extract(epoch from locked_until - now()))::int as seconds from login_throttle where email_key = ? and locked_until > now()`,
        [emailKey],
      );
    const seconds = rows[0]?.seconds;
    if (seconds !== undefined) {
      if (signIn) metricsOf('identity').get('signInFailures').labels('locked').inc();
      throw new RateLimitedError(
        `Too many failed sign-in attempts for this email. Try again in ${seconds} seconds.`,
        seconds,
      );
    }
  }

  /** Forgets the failures of `emailKey` (a successful sign-in), in `em`'s transaction. */
  async clear(em: EntityManager, emailKey: string): Promise<void> {
    await em
      .getConnection()
      .execute('delete from login_throttle where email_key = ?', [emailKey], 'run', em.getTransactionContext());
  }

  /**
   * Counts a failure atomically (an upsert, so concurrent failures all count)
   * and locks the email once the limit is reached; audited as `auditType`.
   */
  async recordFailure(
    emailKey: string,
    userId: string | null,
    auditType: AuditEventType = 'LOGIN_FAILED',
  ): Promise<void> {
    const { loginMaxFailures, loginLockSeconds } = this.#config.auth;
    const lockedNow = await this.#em.transactional(async (em) => {
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
      this.#audit.record(em, { type: auditType, userId, details: { failures, knownAccount: userId !== null } });
      if (locked) this.#audit.record(em, { type: 'LOGIN_LOCKED', userId, details: { lockSeconds: loginLockSeconds } });
      return locked;
    });
    countFailure(auditType, lockedNow);
  }
}

/** The failure as the metrics count it (after its transaction committed). */
function countFailure(auditType: AuditEventType, locked: boolean): void {
  const metrics = metricsOf('identity');
  if (auditType === 'LOGIN_FAILED') metrics.get('signInFailures').labels('password').inc();
  else if (auditType === 'MFA_CHALLENGE_FAILED') metrics.get('signInFailures').labels('second_factor').inc();
  else if (auditType === 'STEP_UP_FAILED') metrics.get('stepUps').labels('refused').inc();
  if (locked) metrics.get('signInLocks').inc();
}
