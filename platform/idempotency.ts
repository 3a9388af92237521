/**
 * Client idempotency keys of money-moving mutations kept by a service in its
 * own table (lending's repayments and offers, billing's payments): the key's
 * rule, the hash of what a request means, and the two refusals (the same key
 * for another request; the same key while the first is still being written).
 */
import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { z } from 'zod';
import { BankError, ErrorCode } from './errors.ts';
import type { EntityManager } from './orm.ts';

/** A client's key: 1 to 100 characters. */
export const idempotencyKeyInput = z
  .string()
  .min(1, '"idempotencyKey" must be 1 to 100 characters.')
  .max(100, '"idempotencyKey" must be 1 to 100 characters.');

/** The hash of what a request means (its operation and normalized inputs), stored beside its key. */
export const requestHashOf = (meaning: unknown): string =>
  createHash('sha256').update(JSON.stringify(meaning)).digest('hex');

/** IDEMPOTENCY_KEY_REUSED unless a retry means what the first request meant. */
export function requireSameRequest(stored: string | null | undefined, hash: string): void {
  if (stored !== hash) {
    throw new BankError(
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      'This idempotency key was already used for a different request.',
      {
        field: 'idempotencyKey',
      },
    );
  }
}

/**
 * Flushes the row that records a new keyed request; a concurrent request with
 * the same key that got there first (the unique key) is IDEMPOTENCY_IN_PROGRESS.
 */
export async function flushKeyedRequest(em: EntityManager): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new BankError(
        ErrorCode.IDEMPOTENCY_IN_PROGRESS,
        'A request with this idempotency key is still being processed; retry in a moment.',
      );
    }
    throw error;
  }
}
