/**
 * The money-moving operations of the API, each a {@link PostingRequest} to
 * the ledger with its own authorization: customers move money out of their
 * own accounts; only internal services create and settle holds.
 */
import { z } from 'zod';
import { requireService, requireUser, type Caller } from '../../../../platform/caller.ts';
import { BadUserInputError, NotFoundError } from '../../../../platform/errors.ts';
import { parseInput } from '../../../../platform/validation.ts';
import type { Account, LedgerTransaction, TransactionKind } from '../entities/index.ts';
import type { AccountService } from './account-service.ts';
import type { Ledger } from './ledger.ts';
import { type PostingRequest } from './ledger.ts';

const description = z
  .string()
  .trim()
  .max(200, '"description" must be at most 200 characters.')
  .nullish()
  .transform((v) => (v ? v : null));
const common = { amount: z.string(), idempotencyKey: z.string(), description };
const singleAccount = z.object({ accountId: z.string(), ...common });
const transferSchema = z.object({ fromAccountId: z.string(), toAccountId: z.string(), ...common });
const holdSchema = transferSchema.extend({ kind: z.string() });

/** Kinds a hold may have: the sagas of billing and lending. */
const HOLD_KINDS: readonly TransactionKind[] = ['BILL_PAYMENT', 'LOAN_DISBURSEMENT', 'LOAN_REPAYMENT'];

export class Payments {
  readonly #caller: Caller;
  readonly #accounts: AccountService;
  readonly #ledger: Ledger;

  constructor(caller: Caller, accounts: AccountService, ledger: Ledger) {
    this.#caller = caller;
    this.#accounts = accounts;
    this.#ledger = ledger;
  }

  async deposit(input: unknown): Promise<LedgerTransaction> {
    requireUser(this.#caller);
    const data = parseInput(singleAccount, input);
    const account = await this.#accounts.get(data.accountId, 'accountId');
    const cash = await this.#accounts.cashAccount(account.currency);
    return this.#ledger.post({
      operation: 'deposit',
      kind: 'DEPOSIT',
      fromAccountId: cash.id,
      toAccountId: account.id,
      amount: data.amount,
      description: data.description,
      idempotencyKey: data.idempotencyKey,
      pending: false,
      authorize: (_from, to) => this.#requireOwn(to, 'accountId'),
    });
  }

  async withdraw(input: unknown): Promise<LedgerTransaction> {
    requireUser(this.#caller);
    const data = parseInput(singleAccount, input);
    const account = await this.#accounts.get(data.accountId, 'accountId');
    const cash = await this.#accounts.cashAccount(account.currency);
    return this.#ledger.post({
      operation: 'withdraw',
      kind: 'WITHDRAWAL',
      fromAccountId: account.id,
      toAccountId: cash.id,
      amount: data.amount,
      description: data.description,
      idempotencyKey: data.idempotencyKey,
      pending: false,
      authorize: (from) => this.#requireOwn(from, 'accountId'),
    });
  }

  async transfer(input: unknown): Promise<LedgerTransaction> {
    requireUser(this.#caller);
    const data = parseInput(transferSchema, input);
    return this.#ledger.post({
      operation: 'transfer',
      kind: 'TRANSFER',
      ...data,
      pending: false,
      authorize: (from, to) => {
        this.#requireOwn(from, 'fromAccountId');
        if (to.type === 'SYSTEM') throw new NotFoundError('Account', { field: 'toAccountId' });
      },
    });
  }

  /** Services only: reserves funds for a saga step. */
  async createHold(input: unknown): Promise<LedgerTransaction> {
    requireService(this.#caller);
    const data = parseInput(holdSchema, input);
    if (!HOLD_KINDS.includes(data.kind as TransactionKind)) {
      throw new BadUserInputError(`A hold is one of ${HOLD_KINDS.join(', ')}.`, 'kind');
    }
    const request: PostingRequest = {
      operation: 'createHold',
      kind: data.kind as TransactionKind,
      fromAccountId: data.fromAccountId,
      toAccountId: data.toAccountId,
      amount: data.amount,
      description: data.description,
      idempotencyKey: data.idempotencyKey,
      pending: true,
      authorize: () => undefined,
    };
    return this.#ledger.post(request);
  }

  async postHold(id: string): Promise<LedgerTransaction> {
    requireService(this.#caller);
    return this.#ledger.postHold(id);
  }

  async voidHold(id: string): Promise<LedgerTransaction> {
    requireService(this.#caller);
    return this.#ledger.voidHold(id);
  }

  /** Money moves out of (or, for deposits, into) the caller's own account only; others' accounts are NOT_FOUND. */
  #requireOwn(account: Account, field: string): void {
    if (account.type === 'SYSTEM' || this.#caller.kind !== 'user' || account.ownerId !== this.#caller.userId) {
      throw new NotFoundError('Account', { field });
    }
  }
}
