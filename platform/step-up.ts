/**
 * Step-up for payments: strong customer authentication "dynamically linked"
 * to the amount and the payee (PSD2 RTS art. 5).
 *
 * A payment service (banking's `transfer`, billing's `payBill`) asks for a
 * second factor when the amount is over STEP_UP_THRESHOLD, when the payee is
 * new to the payer, or within STEP_UP_AFTER_SECURITY_CHANGE_HOURS of a change
 * of the payer's password, roles or factors (identity's
 * `identity.user.security_changed` events, kept in each service's
 * `security_changes` table). It refuses with STEP_UP_REQUIRED carrying a
 * challenge id: the SHA-256 of exactly this operation (payer, idempotency
 * key, amount, currency, source, destination). The client confirms it with
 * identity's `confirmStepUp` (a code, or a passkey whose WebAuthn challenge
 * is the challenge id) and gets a proof: a short-lived ES256 JWT signed with
 * identity's key, naming the payer and the challenge id. Retried with the
 * same idempotency key and the proof, the payment recomputes the challenge
 * id from what it is asked to do and checks the proof names it: a proof for
 * one payment authorizes no other amount, payee or key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { Config } from './config.ts';
import { StepUpRequiredError } from './errors.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { DomainEvent, EventBus, Unsubscribe } from './event-bus.ts';
import { privateKeyObject, publicKeyObject } from './key-objects.ts';
import type { Logger } from './logger.ts';
import { currencyDecimals, fromMinorUnits, parseDecimal, type Currency } from './money.ts';
import { sqlParams, type EntityManager, type MikroORM, type SqlProbe } from './orm.ts';

/** One payment, as its challenge binds it. */
export interface PaymentOperation {
  /** A transfer, a bill payment, or a scheduled bill payment (authorized when scheduled). */
  kind: 'TRANSFER' | 'BILL_PAYMENT' | 'BILL_SCHEDULE';
  payerId: string;
  idempotencyKey: string;
  /** Minor units. */
  amount: bigint;
  currency: Currency;
  /** The account the money leaves. */
  source: string;
  /** The account (transfer) or biller (bill payment) it goes to. */
  destination: string;
}

/** Why a payment needs a second factor. */
export type StepUpReason = 'AMOUNT_OVER_THRESHOLD' | 'NEW_PAYEE' | 'RECENT_SECURITY_CHANGE';

/** The challenge id of `operation`: base64url of the SHA-256 of its fields in a fixed order. */
export function paymentChallengeId(operation: PaymentOperation): string {
  const fields = [
    'bank-payment-v1',
    operation.kind,
    operation.payerId,
    operation.idempotencyKey,
    operation.amount.toString(),
    operation.currency,
    operation.source,
    operation.destination,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
}

const PROOF_ISSUER = 'bank-identity';
const PROOF_AUDIENCE = 'bank-step-up';
const CHALLENGE_ID = /^[A-Za-z0-9_-]{43}$/;

/** Is `value` shaped like a challenge id (43 base64url characters)? */
export function isChallengeId(value: string): boolean {
  return CHALLENGE_ID.test(value);
}

/** Identity: signs a proof that `userId` confirmed `challengeId` with a second factor (`amr`). */
export function issueStepUpProof(
  privateKey: string,
  grant: { userId: string; challengeId: string; amr: readonly string[] },
  ttlSeconds: number,
): { proof: string; expiresAt: Date } {
  const iat = Math.floor(Date.now() / 1000);
  const proof = jwt.sign({ chl: grant.challengeId, amr: [...grant.amr], iat }, privateKeyObject(privateKey), {
    algorithm: 'ES256',
    issuer: PROOF_ISSUER,
    audience: PROOF_AUDIENCE,
    subject: grant.userId,
    expiresIn: ttlSeconds,
    jwtid: randomUUID(),
  });
  return { proof, expiresAt: new Date((iat + ttlSeconds) * 1000) };
}

/** Does `proof` say that `userId` confirmed `challengeId`, and is it still valid? */
export function stepUpProofConfirms(publicKey: string, proof: string, userId: string, challengeId: string): boolean {
  try {
    const claims = jwt.verify(proof, publicKeyObject(publicKey), {
      algorithms: ['ES256'],
      issuer: PROOF_ISSUER,
      audience: PROOF_AUDIENCE,
      subject: userId,
    });
    return typeof claims === 'object' && claims.chl === challengeId;
  } catch {
    return false;
  }
}

/** The last security change of each user a payment service knows of. */
export const SecurityChangeSchema = defineEntity({
  name: 'SecurityChange',
  tableName: 'security_changes',
  properties: {
    userId: p.uuid().primary(),
    changedAt: p.datetime(),
  },
});
export class SecurityChange extends SecurityChangeSchema.class {}
SecurityChangeSchema.setClass(SecurityChange);

/** Identity's event of a change to a user's password, factors or sessions. */
const SECURITY_CHANGED = 'identity.user.security_changed';

const securityEvent = z.object({
  payload: z.object({ userId: z.uuid(), at: z.iso.datetime({ offset: true }) }),
});

/** Keeps `security_changes` from identity's events, from consumer group `group` (a late, older event changes nothing). */
export function startSecurityChangesConsumer(options: {
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
  group: string;
}): Promise<Unsubscribe> {
  return options.bus.consume(
    options.group,
    async (event: DomainEvent) => {
      const parsed = securityEvent.safeParse(event);
      if (!parsed.success) {
        options.logger.error({ eventId: event.id }, 'security changes: malformed event, skipped');
        return;
      }
      await options.orm.em
        .fork()
        .getConnection()
        .execute(
          `insert into security_changes (user_id, changed_at) values (?, ?)
           on conflict (user_id) do update set changed_at = greatest(security_changes.changed_at, excluded.changed_at)`,
          [parsed.data.payload.userId, new Date(parsed.data.payload.at)],
        );
    },
    { types: [SECURITY_CHANGED] },
  );
}

/** `threshold` (a decimal string) in minor units of `currency`, digits past its precision dropped. */
function thresholdIn(threshold: string, currency: Currency): bigint {
  const { integerDigits, fractionDigits } = parseDecimal(threshold);
  const decimals = currencyDecimals(currency);
  return BigInt(integerDigits + fractionDigits.padEnd(decimals, '0').slice(0, decimals));
}

/**
 * The step-up rule of one payment service. `check` runs inside the payment's
 * database transaction, after every other check, so a customer confirms only
 * a payment that can go through; it throws STEP_UP_REQUIRED (nothing is
 * written) or returns.
 */
export class StepUpPolicy {
  readonly #config: Config;
  readonly #metrics: ServiceMetrics | undefined;

  /** `metrics`: the payment service's, counting each STEP_UP_REQUIRED (`bank_step_ups_total{outcome="required"}`). */
  constructor(config: Config, metrics?: ServiceMetrics) {
    this.#config = config;
    this.#metrics = metrics;
  }

  /**
   * Whether `payerId` changed their password, roles or factors within the
   * rule's hours, as a boolean SQL expression on this service's
   * `security_changes` (a primary-key probe), for a payment to read along
   * with its own first statement and pass to {@link check}; undefined when
   * the rule does not look.
   */
  recentChangeProbe(payerId: string): SqlProbe | undefined {
    const rule = this.#config.stepUp;
    if (!rule.enabled || rule.afterSecurityChangeHours <= 0) return undefined;
    const since = new Date(Date.now() - rule.afterSecurityChangeHours * 3_600_000);
    return {
      sql: 'exists (select 1 from security_changes where user_id = ? and changed_at > ?)',
      params: [payerId, since],
    };
  }

  /**
   * @param isNewPayee whether the payer has never paid `destination` (asked only when needed)
   * @param proof the `stepUpProof` the client sent, if any
   * @param recentChange the value of {@link recentChangeProbe} for the payer, read in the payment's
   *   transaction; without it, read here
   */
  async check(
    em: EntityManager,
    operation: PaymentOperation,
    proof: string | null | undefined,
    isNewPayee: () => Promise<boolean>,
    recentChange?: boolean,
  ): Promise<void> {
    const rule = this.#config.stepUp;
    if (!rule.enabled) return;
    const challengeId = paymentChallengeId(operation);
    const publicKey = this.#config.keys.jwtPublicKey;
    if (proof && publicKey && stepUpProofConfirms(publicKey, proof, operation.payerId, challengeId)) return;
    const reasons: StepUpReason[] = [];
    if (operation.amount > thresholdIn(rule.threshold, operation.currency)) reasons.push('AMOUNT_OVER_THRESHOLD');
    const probe = this.recentChangeProbe(operation.payerId);
    if (probe) {
      let recent = recentChange;
      if (recent === undefined) {
        // In the payment's transaction: this runs on every payment to another customer that did not read it already.
        const [row] = await sqlParams<{ recent: boolean }>(em, `select ${probe.sql} as recent`, probe.params);
        recent = row?.recent === true;
      }
      if (recent) reasons.push('RECENT_SECURITY_CHANGE');
    }
    if (rule.newPayee && (await isNewPayee())) reasons.push('NEW_PAYEE');
    if (reasons.length === 0) return;
    this.#metrics?.get('stepUps').labels('required').inc();
    throw new StepUpRequiredError(
      proof
        ? 'The step-up proof is not for this payment, or has expired: confirm this challenge with confirmStepUp and retry with the same idempotency key.'
        : 'This payment needs your second factor: confirm the challenge with confirmStepUp, then retry with the same idempotency key and the proof.',
      {
        challengeId,
        reasons,
        amount: fromMinorUnits(operation.amount, operation.currency),
        currency: operation.currency,
        source: operation.source,
        destination: operation.destination,
        proofRejected: Boolean(proof),
      },
    );
  }
}
