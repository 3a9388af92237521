/**
 * A payment saga over one banking hold, for services that take a
 * customer's money for something they record themselves (a loan repayment
 * in lending, a bill payment in billing):
 *
 *   0. the service has recorded the payment PENDING (its intent, with the id
 *      the hold is keyed by);
 *   1. reserve: a hold on the customer's account, keyed by the payment, so a
 *      repeat returns the same hold;
 *   2. record: under the service's own lock, apply the payment (or find it no
 *      longer fits: the hold is voided and the payment FAILED);
 *   3. post the hold (posting twice returns the same transaction);
 *   4. the payment COMPLETED.
 *
 * Every step is idempotent, so an interrupted run (a crash, banking down) is
 * finished by running it again (the service's recovery job). A definite
 * refusal at step 1 (insufficient funds, a frozen account) makes the payment
 * FAILED: nothing moved, nothing applied. The outcome is exactly one of:
 * COMPLETED with one posted debit, or FAILED with no debit (its hold, if
 * any, voided).
 */
import type { BankingClient, CreateHoldRequest } from './banking-client.ts';
import { voidUnlessPosted } from './banking-client.ts';
import { BankError, ErrorCode, type ErrorDetails } from './errors.ts';
import type { Logger } from './logger.ts';
import { isDefiniteRefusal, ServiceCallError } from './service-client.ts';

/** What the saga needs to know of a payment's record. */
export interface HoldPaymentState {
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  holdId: string | null;
  applied: boolean;
}

/** The saga's view of a payment row that keeps `status`, `holdId` and `appliedAt` (null when it is gone). */
export function paymentState(
  row: { status: HoldPaymentState['status']; holdId?: string | null; appliedAt?: Date | null } | null,
): HoldPaymentState | null {
  return row ? { status: row.status, holdId: row.holdId ?? null, applied: (row.appliedAt ?? null) !== null } : null;
}

/** A refusal of the step the client asked for, after the saga compensated: answered with `code`. */
export class PaymentRefused extends BankError {
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
    this.name = 'PaymentRefused';
  }
}

/** The service's side of one payment. */
export interface HoldPaymentSteps {
  /** For logs: "repayment", "bill payment". */
  what: string;
  id: string;
  /** The payment's record as it is now (fresh), or null when it is gone. */
  load(): Promise<HoldPaymentState | null>;
  /** The hold to reserve (keyed by the payment). */
  hold: CreateHoldRequest;
  /**
   * Step 2, in one local transaction under the service's lock: records
   * `holdId` and applies the payment; returns a refusal instead when it no
   * longer fits (for example more than is still owed).
   */
  apply(holdId: string): Promise<true | PaymentRefused>;
  /** Marks the payment FAILED (only while PENDING and not applied). */
  fail(code: string, reason: string): Promise<void>;
  /** Step 4: marks the payment COMPLETED. */
  complete(holdId: string): Promise<void>;
  /**
   * Undoes step 2 and marks the payment FAILED, for a hold that banking
   * voided after the payment was applied (never done by the saga itself: an
   * operator's act). Without it, such a payment stays PENDING and is logged.
   */
  revert?(code: string, reason: string): Promise<void>;
  /** Maps a field named by banking (fromAccountId...) to the client's input. */
  fieldOf?(bankingField: string): string | undefined;
}

/**
 * Runs (or resumes) a PENDING payment. Resolves with its status as it ends
 * (COMPLETED, or PENDING after a transient failure, to be resumed later);
 * throws {@link PaymentRefused} after making it FAILED on a definite refusal.
 */
export async function runHoldPayment(
  banking: BankingClient,
  logger: Logger,
  steps: HoldPaymentSteps,
): Promise<'COMPLETED' | 'PENDING' | 'FAILED' | 'GONE'> {
  const state = await steps.load();
  if (!state) return 'GONE';
  if (state.status !== 'PENDING') return state.status;
  let holdId = state.holdId;
  let applied = state.applied;
  try {
    if (holdId === null || !applied) {
      holdId = (await banking.createHold(steps.hold)).id;
      if (!applied) {
        const outcome = await steps.apply(holdId);
        if (outcome !== true) {
          await voidUnlessPosted(banking, holdId);
          await steps.fail(outcome.code, outcome.message);
          throw outcome;
        }
        applied = true;
      }
    }
    const posted = await postOrHoldAgain(banking, steps, holdId);
    if (posted === null) return 'FAILED';
    await steps.complete(posted);
    return 'COMPLETED';
  } catch (error) {
    if (error instanceof PaymentRefused) throw error;
    if (isDefiniteRefusal(error) && !applied && holdId === null) {
      // Refused at the hold: nothing moved, nothing applied.
      await steps.fail(error.code, error.message);
      const field = typeof error.extensions.field === 'string' ? steps.fieldOf?.(error.extensions.field) : undefined;
      const available = error.extensions.available;
      throw new PaymentRefused(error.code, error.message, {
        ...(field ? { field } : {}),
        ...(typeof available === 'string' ? { available } : {}),
      });
    }
    if (
      isDefiniteRefusal(error) &&
      applied &&
      error.code === ErrorCode.INVALID_STATE_TRANSITION &&
      error.extensions.status === 'VOIDED' &&
      steps.revert
    ) {
      // The money never moved: what was recorded is undone.
      await steps.revert(error.code, 'The payment was cancelled by the bank before it was settled.');
      return 'FAILED';
    }
    if (error instanceof ServiceCallError) {
      if (error.transient) {
        logger.warn({ id: steps.id, code: error.code }, `${steps.what}: banking unavailable, will resume`);
      } else {
        // Applied, but banking refused to post its hold: the service never voids an applied payment's hold.
        logger.error({ id: steps.id, code: error.code }, `${steps.what}: applied but banking refused to post its hold`);
      }
      return 'PENDING';
    }
    throw error;
  }
}

/**
 * Step 3. Banking answers NOT_FOUND for a hold the payment names when its
 * database was restored from before the hold was made (README, "Disaster
 * recovery"): step 1 is made again under the same key, then posted. When
 * banking refuses it now (the money is no longer there), the applied payment
 * is undone (`revert`) and null returned. Returns the posted hold's id.
 */
async function postOrHoldAgain(
  banking: BankingClient,
  steps: HoldPaymentSteps,
  holdId: string,
): Promise<string | null> {
  try {
    await banking.postHold(holdId);
    return holdId;
  } catch (error) {
    if (!(isDefiniteRefusal(error) && error.code === ErrorCode.NOT_FOUND)) throw error;
  }
  let again;
  try {
    again = await banking.createHold(steps.hold);
  } catch (error) {
    if (!isDefiniteRefusal(error) || !steps.revert) throw error;
    await steps.revert(
      error.code,
      `The payment was lost when the bank's databases were restored and could not be taken again: ${error.message}`,
    );
    return null;
  }
  await banking.postHold(again.id);
  return again.id;
}

/**
 * How far back, in a service's own history, {@link reconcileSettled} looks:
 * from its newest settled payment. `npm run backup` takes the databases'
 * snapshots milliseconds apart (platform/backup.ts); an hour also covers
 * backups of single databases taken minutes apart.
 */
export const RECONCILE_WINDOW_MS = 60 * 60 * 1000;

/** A payment the service considers settled, and the hold it made (or would make) in banking. */
export interface SettledPayment {
  what: string;
  id: string;
  status: 'COMPLETED' | 'FAILED';
  holdId: string | null;
  /** The saga's step 1, exactly as it ran (same key, same request): banking answers with the hold it has. */
  hold: CreateHoldRequest;
  /** Records the hold that now carries a COMPLETED payment, when it is not the one recorded. */
  rebind(holdId: string): Promise<void>;
  /**
   * Undoes a COMPLETED payment that banking no longer has and refuses to take
   * again (the account is gone or short): what the payment applied is
   * reverted and it becomes FAILED with the reason. Without it, the case is
   * only logged for an operator.
   */
  undo?(code: string, reason: string): Promise<void>;
}

/**
 * What {@link reconcileSettled} found: in agreement (a FAILED payment's hold
 * released counts here: voiding is idempotent, so a first void and a repeat
 * look alike), made to agree, undone, or left to an operator (logged).
 */
export type Reconciliation = 'AGREED' | 'REDRIVEN' | 'UNDONE' | 'UNRESOLVED';

/**
 * A job's run that first reconciles its service's settled payments with
 * banking (a start after a restore), until that once succeeds, then does the
 * job's own work: the runs of billing's jobs and lending's saga recovery.
 */
export function reconcilingFirst(
  what: string,
  reconcile: () => Promise<Partial<Record<Reconciliation, number>>>,
  run: () => Promise<unknown>,
  logger: Logger,
): () => Promise<unknown> {
  let reconciled = false;
  return async () => {
    if (!reconciled) {
      try {
        const outcomes = await reconcile();
        reconciled = true;
        if (Object.keys(outcomes).some((o) => o !== 'AGREED')) logger.warn({ outcomes }, `${what} reconciled`);
      } catch (error) {
        logger.warn({ err: error }, `${what} reconciliation failed, will retry`);
      }
    }
    return run();
  };
}

/**
 * Brings banking in line with a payment its service settled, after the two
 * databases were restored from different moments (banking's backup is taken
 * first, so banking may lag): a COMPLETED payment whose posting banking lacks
 * is taken again under its own idempotency key (banking holds a pending hold:
 * posted; no hold: made and posted), or undone when banking refuses it; a
 * FAILED payment's hold that banking still holds is released. Every call is
 * one the saga itself makes, idempotent: on databases that agree it changes
 * nothing. A transient failure of banking throws (the next run tries again).
 */
export async function reconcileSettled(
  banking: BankingClient,
  logger: Logger,
  payment: SettledPayment,
): Promise<Reconciliation> {
  const context = { id: payment.id };
  if (payment.status === 'FAILED') {
    if (payment.holdId === null) return 'AGREED';
    try {
      const outcome = await voidUnlessPosted(banking, payment.holdId);
      if (outcome === 'POSTED') {
        logger.error(context, `${payment.what}: FAILED but banking posted its hold; an operator must refund it`);
        return 'UNRESOLVED';
      }
      return 'AGREED';
    } catch (error) {
      // Banking never had the hold (its backup is older than the hold): nothing is reserved.
      if (isDefiniteRefusal(error) && error.code === ErrorCode.NOT_FOUND) return 'AGREED';
      throw error;
    }
  }
  let hold;
  try {
    hold = await banking.createHold(payment.hold);
  } catch (error) {
    if (!isDefiniteRefusal(error)) throw error;
    if (!payment.undo) {
      logger.error(
        { ...context, code: error.code },
        `${payment.what}: COMPLETED, banking lost it and refuses it again`,
      );
      return 'UNRESOLVED';
    }
    await payment.undo(
      error.code,
      `The payment was lost when the bank's databases were restored and could not be taken again: ${error.message}`,
    );
    logger.warn({ ...context, code: error.code }, `${payment.what}: lost in a restore, undone`);
    return 'UNDONE';
  }
  if (hold.status === 'VOIDED') {
    logger.error(context, `${payment.what}: COMPLETED but banking voided its hold; an operator must settle it`);
    return 'UNRESOLVED';
  }
  const agreed = hold.status === 'POSTED' && hold.id === payment.holdId;
  if (hold.status === 'PENDING') await banking.postHold(hold.id);
  if (hold.id !== payment.holdId) await payment.rebind(hold.id);
  if (!agreed) logger.warn(context, `${payment.what}: banking lagged its record (a restore), posted again`);
  return agreed ? 'AGREED' : 'REDRIVEN';
}
