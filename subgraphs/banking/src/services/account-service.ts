/**
 * Accounts: opening, reading, freezing, alerts.
 *
 * Who sees an account, on every path (root fields, nested fields,
 * `_entities`): its owner and ADMINs (and internal services) see all of it;
 * someone a payout grant names (view-grants.ts: a loan's banker, risk
 * officers) sees its identifying fields, and its money is FORBIDDEN to them
 * ({@link AccountService.requireFullView}); to anyone else it does not exist.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type DataLoader from 'dataloader';
import { rowLoader, selectEntities } from '../../../../platform/loaders.ts';
import { z } from 'zod';
import { hasRole, requireRole, requireService, requireUser, type Caller } from '../../../../platform/caller.ts';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../../../platform/errors.ts';
import { CURRENCIES, toMinorUnits, InvalidAmountError, type Currency } from '../../../../platform/money.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { recordEvent } from '../../../../platform/outbox.ts';
import { isUuid, parseId, parseInput } from '../../../../platform/validation.ts';
import {
  Account,
  type AccountData,
  type AccountType,
  type AccountViewGrant,
  type LedgerTransaction,
} from '../entities/index.ts';
import { grantsToCaller } from './view-grants.ts';

/**
 * What each per-currency SYSTEM account is for (`systemPurpose`):
 * - CASH: money entering and leaving the bank (deposits come from it, withdrawals go to it);
 * - LOANS: the bank's loan portfolio (loan disbursements leave it, repayments enter it);
 * - BILL_SETTLEMENT: bill payments enter it, on their way to the billers.
 * SYSTEM accounts belong to nobody, may go below zero and are never exposed to users.
 */
export const SYSTEM_PURPOSES = ['CASH', 'LOANS', 'BILL_SETTLEMENT'] as const;
export type SystemPurpose = (typeof SYSTEM_PURPOSES)[number];

const openSchema = z.object({
  type: z.enum(['CHECKING', 'SAVINGS', 'BUSINESS']),
  currency: z.enum(Object.keys(CURRENCIES) as [Currency, ...Currency[]]),
  nickname: z
    .string()
    .trim()
    .max(60, 'The nickname must be at most 60 characters.')
    .nullish()
    .transform((v) => (v ? v : null)),
});

/** A 12-digit account number; unique by constraint (a clash, one in 10^12, fails the request). */
function newAccountNumber(): string {
  return Array.from({ length: 12 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join('');
}

export class AccountService {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  /** Every account lookup of one request in one query. */
  readonly loader: DataLoader<string, Account | null>;
  /** The payout grants to the caller, by account: one query per batch of accounts. */
  readonly #grants: DataLoader<string, AccountViewGrant[]>;

  constructor(em: EntityManager, caller: Caller) {
    this.#em = em;
    this.#caller = caller;
    this.loader = rowLoader(this.#em, Account, 'id');
    this.#grants = grantsToCaller(this.#em, caller);
  }

  /** May the caller see all of this account? Its owner and ADMINs (and internal services). */
  canSee(account: Pick<AccountData, 'ownerId'>): boolean {
    const caller = this.#caller;
    if (caller.kind === 'service') return true;
    if (caller.kind !== 'user') return false;
    return account.ownerId === caller.userId || hasRole(caller, 'ADMIN');
  }

  /**
   * May the caller see this account at all: all of it ({@link canSee}), or
   * its identifying fields through a payout grant? Never a SYSTEM account.
   */
  async mayView(account: Account): Promise<boolean> {
    if (account.type === 'SYSTEM') return false;
    if (this.canSee(account)) return true;
    return (await this.#grants.load(account.id)).length > 0;
  }

  /**
   * Throws FORBIDDEN unless the caller may see all of `account` (its owner,
   * ADMINs): for what a payout grant does not show (`what`: its balance, its
   * transactions...). An account reaches the caller only if they may view
   * it, so anyone refused here holds a grant and knows it exists.
   */
  requireFullView(account: Account, what: string): void {
    if (!this.canSee(account)) {
      throw new ForbiddenError(`Only the account's owner may see its ${what}; you may see where a payment went.`);
    }
  }

  /**
   * Is `tx` a transaction the caller was granted to see (a payout into an
   * account a grant names, for that transaction)? `accounts` are its
   * accounts (null for a side that is no account); their grants to the
   * caller are read in one batch with the other lookups of the request.
   */
  async isGranted(tx: Pick<LedgerTransaction, 'id'>, accounts: readonly (AccountData | null)[]): Promise<boolean> {
    const viewable = accounts.filter((a): a is AccountData => a !== null && a.type !== 'SYSTEM');
    const grants = await Promise.all(viewable.map((a) => this.#grants.load(a.id)));
    return grants.some((list) => list.some((grant) => grant.transactionId === tx.id));
  }

  /**
   * The account if the caller may view it ({@link mayView}); NOT_FOUND
   * otherwise (existence is not revealed). What a grantee may not see is
   * refused field by field ({@link requireFullView}).
   */
  async get(id: string, field = 'id'): Promise<Account> {
    requireUserOrService(this.#caller);
    parseId(id, field);
    const account = await this.loader.load(id);
    if (!account || !(await this.mayView(account))) throw new NotFoundError('Account', { field });
    return account;
  }

  /** Like {@link get} but null instead of NOT_FOUND (nullable fields, references). */
  async find(id: string): Promise<Account | null> {
    if (this.#caller.kind === 'anonymous' || !isUuid(id)) return null;
    const account = await this.loader.load(id);
    return account && (await this.mayView(account)) ? account : null;
  }

  /** A user's accounts, oldest first: the user themself or an ADMIN. */
  async listForOwner(ownerId: string): Promise<Account[]> {
    const caller = requireUser(this.#caller);
    if (caller.userId !== ownerId && !hasRole(caller, 'ADMIN')) {
      throw new ForbiddenError('You can only see your own accounts.');
    }
    const accounts = await selectEntities(this.#em, Account, 'where owner_id = ? order by opened_at, id', [ownerId]);
    for (const account of accounts) this.loader.prime(account.id, account);
    return accounts;
  }

  /** Opens an account for the caller. BUSINESS accounts are for BUSINESS_OWNERs. */
  async open(input: unknown): Promise<Account> {
    const caller = requireUser(this.#caller);
    const data = parseInput(openSchema, input);
    if (data.type === 'BUSINESS' && !hasRole(caller, 'BUSINESS_OWNER')) {
      throw new ForbiddenError('BUSINESS accounts are for business owners.', { field: 'type' });
    }
    const account = this.#em.create(Account, {
      id: randomUUID(),
      ownerId: caller.userId,
      type: data.type as AccountType,
      currency: data.currency,
      number: newAccountNumber(),
      nickname: data.nickname,
      status: 'ACTIVE',
      balance: 0n,
      held: 0n,
      lowBalanceThreshold: null,
      systemPurpose: null,
    });
    recordEvent(this.#em, 'banking.account.opened', {
      accountId: account.id,
      ownerId: caller.userId,
      type: data.type,
      currency: data.currency,
    });
    await this.#em.flush();
    return account;
  }

  /** Sets or clears the low-balance threshold of one of the caller's accounts. */
  async setLowBalanceAlert(accountId: string, threshold: string | null | undefined): Promise<Account> {
    const account = await this.get(accountId, 'accountId');
    this.requireFullView(account, 'low-balance alert');
    // The alert is the owner's own preference: an ADMIN sees it, but does not set it for them.
    if (this.#caller.kind !== 'user' || this.#caller.userId !== account.ownerId) {
      throw new ForbiddenError("Only the account's owner sets its low-balance alert.", { field: 'accountId' });
    }
    let minor: bigint | null = null;
    if (threshold !== null && threshold !== undefined) {
      try {
        minor = toMinorUnits(threshold, account.currency as Currency);
      } catch (error) {
        if (error instanceof InvalidAmountError) {
          throw new BadUserInputError(`"threshold" is not a valid ${account.currency} amount.`, 'threshold');
        }
        throw error;
      }
      if (minor < 0n) throw new BadUserInputError('"threshold" must not be negative.', 'threshold');
    }
    account.lowBalanceThreshold = minor;
    await this.#em.flush();
    return account;
  }

  /** ADMIN only: freezes (or unfreezes) an account. */
  async setFrozen(id: string, frozen: boolean): Promise<Account> {
    const admin = requireRole(this.#caller, 'ADMIN');
    const account = await this.get(id);
    if (account.status === 'CLOSED')
      throw new BadUserInputError('A closed account cannot be frozen or unfrozen.', 'id');
    const status = frozen ? 'FROZEN' : 'ACTIVE';
    if (account.status !== status) {
      account.status = status;
      recordEvent(this.#em, frozen ? 'banking.account.frozen' : 'banking.account.unfrozen', {
        accountId: account.id,
        ownerId: account.ownerId,
        by: admin.userId,
      });
      await this.#em.flush();
    }
    return account;
  }

  /** The per-currency CASH system account (deposits come from it, withdrawals go to it). */
  async cashAccount(currency: string): Promise<Account> {
    return this.systemAccount('CASH', currency);
  }

  /** The SYSTEM account of `purpose` in `currency` (created at start-up by {@link ensureSystemAccounts}). */
  async systemAccount(purpose: SystemPurpose, currency: string): Promise<Account> {
    const account = await this.#em.findOne(Account, { type: 'SYSTEM', systemPurpose: purpose, currency });
    if (!account) throw new Error(`no ${purpose} system account for ${currency}`);
    return account;
  }

  /**
   * For internal services: the customer account `id` of the customer
   * `customerId`. NOT_FOUND on `field` when it does not exist, is a SYSTEM
   * account or belongs to someone else; BAD_USER_INPUT for malformed ids.
   */
  async customerAccount(id: string, customerId: string, field: string): Promise<Account> {
    requireService(this.#caller);
    parseId(customerId, 'customerId');
    parseId(id, field);
    const account = await this.loader.load(id);
    if (!account || account.type === 'SYSTEM' || account.ownerId !== customerId) {
      throw new NotFoundError('Account', { field });
    }
    return account;
  }
}

function requireUserOrService(caller: Caller): void {
  if (caller.kind !== 'service') requireUser(caller);
}

/**
 * Creates the system accounts that do not exist yet: one per purpose
 * ({@link SYSTEM_PURPOSES}) and currency (start-up; idempotent, and unique by
 * (systemPurpose, currency)).
 */
export async function ensureSystemAccounts(em: EntityManager): Promise<void> {
  const existing = await em.find(Account, { type: 'SYSTEM', systemPurpose: { $in: [...SYSTEM_PURPOSES] } });
  const have = new Set(existing.map((a) => `${a.systemPurpose ?? ''} ${a.currency}`));
  for (const purpose of SYSTEM_PURPOSES) {
    for (const currency of Object.keys(CURRENCIES)) {
      if (have.has(`${purpose} ${currency}`)) continue;
      em.create(Account, {
        id: randomUUID(),
        ownerId: null,
        type: 'SYSTEM',
        currency,
        number: `9${newAccountNumber().slice(1)}`,
        nickname: `${purpose} ${currency}`,
        status: 'ACTIVE',
        balance: 0n,
        held: 0n,
        lowBalanceThreshold: null,
        systemPurpose: purpose,
      });
    }
  }
  await em.flush();
}
