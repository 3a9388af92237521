/**
 * Payout views: leave for people other than an account's owner to see where
 * one transaction paid out. A bank's lending officer sees the account a loan
 * is paid into, but not the borrower's money; so when lending creates a
 * loan's disbursement hold it names who may view it (the application's
 * banker, every risk officer) and banking records that with the hold, in the
 * same database transaction (payments.ts `createHold`).
 *
 * A grantee sees the account's identifying fields and the granted
 * transaction; everything about the account's money is FORBIDDEN to them
 * (AccountService `requireFullView`). Anyone else still gets nothing.
 */
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import type { Caller } from '../../../../platform/caller.ts';
import { selectEntities } from '../../../../platform/loaders.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { idInput } from '../../../../platform/validation.ts';
import { AccountViewGrant, LedgerTransaction, VIEWER_ROLES, type ViewerRole } from '../entities/index.ts';

/** At most this many users named in one hold's viewers. */
const MAX_VIEWER_USERS = 10;

/** The `viewers` of a CreateHoldInput (absent: nobody else may view). */
export const viewersInput = z
  .object({
    userIds: z
      .array(idInput('viewers.userIds'))
      .max(MAX_VIEWER_USERS, `At most ${MAX_VIEWER_USERS} users may be named.`)
      .nullish()
      .transform((ids) => [...new Set(ids ?? [])]),
    roles: z
      .array(z.enum(VIEWER_ROLES))
      .nullish()
      .transform((roles) => [...new Set(roles ?? [])]),
    reference: z
      .string()
      .trim()
      .min(1, '"viewers.reference" must not be empty.')
      .max(100, '"viewers.reference" must be at most 100 characters.'),
  })
  .nullish();

/** Who a hold names as its viewers, parsed. */
export interface HoldViewers {
  userIds: string[];
  roles: ViewerRole[];
  reference: string;
}

const isViewerRole = (role: string): role is ViewerRole => (VIEWER_ROLES as readonly string[]).includes(role);

/**
 * The grants in force to the caller of one request (to them by id, or to
 * one of their roles), by account: every account asked for in one tick is
 * read with one query (and, when there are grants, one more for their
 * transactions). Only signed-in users hold grants. A grant whose hold was
 * voided shows nothing: no money went there (a refused payout, undone).
 */
export function grantsToCaller(em: EntityManager, caller: Caller): DataLoader<string, AccountViewGrant[]> {
  return new DataLoader<string, AccountViewGrant[]>(async (accountIds) => {
    if (caller.kind !== 'user') return accountIds.map(() => []);
    const roles = caller.roles.filter(isViewerRole);
    const rows = await selectEntities(
      em,
      AccountViewGrant,
      'where account_id = any(?) and (grantee_user_id = ? or grantee_role = any(?))',
      [[...accountIds], caller.userId, roles],
    );
    const voided = await voidedAmong(
      em,
      rows.map((row) => row.transactionId),
    );
    const byAccount = new Map<string, AccountViewGrant[]>(accountIds.map((id) => [id, []]));
    for (const row of rows) if (!voided.has(row.transactionId)) byAccount.get(row.accountId)?.push(row);
    return accountIds.map((id) => byAccount.get(id) ?? []);
  });
}

/** Which of the transactions `ids` were voided (none read when there are no ids). */
async function voidedAmong(em: EntityManager, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const voided = await selectEntities(em, LedgerTransaction, "where id = any(?) and status = 'VOIDED'", [
    [...new Set(ids)],
  ]);
  return new Set(voided.map((tx) => tx.id));
}

/**
 * In the hold's database transaction: records `viewers` of the customer
 * account `accountId` and the hold `tx`. Once per hold: a repeated
 * createHold (the same idempotency key, serialized by the ledger's lock on
 * it) finds the first grants and records nothing.
 */
export async function recordViewGrants(
  em: EntityManager,
  tx: LedgerTransaction,
  accountId: string,
  viewers: HoldViewers,
): Promise<void> {
  if ((await em.count(AccountViewGrant, { transactionId: tx.id })) > 0) return;
  const createdAt = new Date();
  const common = { accountId, transactionId: tx.id, purpose: tx.kind, reference: viewers.reference, createdAt };
  for (const granteeUserId of viewers.userIds) {
    em.create(AccountViewGrant, { id: randomUUID(), ...common, granteeUserId, granteeRole: null });
  }
  for (const granteeRole of viewers.roles) {
    em.create(AccountViewGrant, { id: randomUUID(), ...common, granteeUserId: null, granteeRole });
  }
}
