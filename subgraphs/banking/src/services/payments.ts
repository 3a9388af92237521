/**
 * The money-moving operations of the API, each a {@link PostingRequest} to
 * the ledger with its own authorization: customers move money out of their
 * own accounts; only internal services create and settle holds, each between
 * one customer's account and one of the bank's SYSTEM accounts. A loan
 * payout's hold may name who else may view where it went (view-grants.ts),
 * recorded in the hold's database transaction.
 */
import { z } from 'zod';
import { requireService, requireUser, type Caller } from '../../../../platform/caller.ts';
import { BadUserInputError, NotFoundError } from '../../../../platform/errors.ts';
import { parseInput } from '../../../../platform/validation.ts';
import { sqlParams, type EntityManager } from '../../../../platform/orm.ts';
import type { StepUpPolicy } from '../../../../platform/step-up.ts';
import type { AccountData, TransactionKind } from '../entities/index.ts';
import type { AccountService, SystemPurpose } from './account-service.ts';
import { Ledger, type Posting, type PostedTransaction, type PostingRequest } from './ledger.ts';
import { recordViewGrants, viewersInput } from './view-grants.ts';

/** Has `payerId` never sent a posted transfer to `accountId` from one of their accounts? */
async function neverPaid(em: EntityManager, payerId: string, accountId: string): Promise<boolean> {
  const rows = await sqlParams<{ paid: boolean }>(
    em,
    `select exists (
       select 1 from transactions t join accounts a on a.id = t.from_account_id
       where t.to_account_id = ? and a.owner_id = ? and t.kind = 'TRANSFER' and t.status = 'POSTED'
     ) as paid`,
    [accountId, payerId],
  );
  return !rows[0]?.paid;
}

const description = z
  .string()
  .trim()
  .max(200, '"description" must be at most 200 characters.')
  .nullish()
  .transform((v) => (v ? v : null));
const common = { amount: z.string(), idempotencyKey: z.string(), description };
const singleAccount = z.object({ accountId: z.string(), ...common });
const transferSchema = z.object({
  fromAccountId: z.string(),
  toAccountId: z.string(),
  stepUpProof: z.string().max(4096, '"stepUpProof" is not a proof.').nullish(),
  ...common,
});

/** The SYSTEM accounts a service may name in a hold (the `SystemAccount` enum of the schema). */
const HOLD_SYSTEM_ACCOUNTS = ['LOANS', 'BILL_SETTLEMENT'] as const satisfies readonly SystemPurpose[];
type HoldSystemAccount = (typeof HOLD_SYSTEM_ACCOUNTS)[number];
const holdSchema = z.object({
  fromAccountId: z.string().nullish(),
  fromSystem: z.enum(HOLD_SYSTEM_ACCOUNTS).nullish(),
  toAccountId: z.string().nullish(),
  toSystem: z.enum(HOLD_SYSTEM_ACCOUNTS).nullish(),
  customerId: z.string(),
  kind: z.string(),
  viewers: viewersInput,
  ...common,
});

type HoldKind = 'BILL_PAYMENT' | 'LOAN_DISBURSEMENT' | 'LOAN_REPAYMENT';

/**
 * Kinds a hold may have (the sagas of billing and lending), each with its
 * one direction: which side is the system account, and which one.
 */
const HOLD_DIRECTIONS: Readonly<Record<HoldKind, { systemSide: 'from' | 'to'; system: HoldSystemAccount }>> = {
  LOAN_DISBURSEMENT: { systemSide: 'from', system: 'LOANS' },
  LOAN_REPAYMENT: { systemSide: 'to', system: 'LOANS' },
  BILL_PAYMENT: { systemSide: 'to', system: 'BILL_SETTLEMENT' },
};
const HOLD_KINDS = Object.keys(HOLD_DIRECTIONS) as HoldKind[];

function isHoldKind(kind: string): kind is HoldKind {
  return (HOLD_KINDS as string[]).includes(kind);
}

/** One side of a hold as the input names it: a customer account or a system account. */
type HoldSide = { kind: 'customer'; accountId: string; field: string } | { kind: 'system'; system: HoldSystemAccount };

/** Exactly one of `<side>AccountId` and `<side>System`; BAD_USER_INPUT on `<side>AccountId` otherwise. */
function holdSide(
  side: 'from' | 'to',
  accountId: string | null | undefined,
  system: HoldSystemAccount | null | undefined,
): HoldSide {
  const field = `${side}AccountId`;
  const hasAccount = accountId !== null && accountId !== undefined;
  const hasSystem = system !== null && system !== undefined;
  if (hasAccount === hasSystem) {
    throw new BadUserInputError(`Give exactly one of "${field}" and "${side}System".`, field);
  }
  return hasAccount ? { kind: 'customer', accountId, field } : { kind: 'system', system: system as HoldSystemAccount };
}

/** The one hold kind that may name viewers: a payout into the customer's account. */
const VIEWABLE_HOLD_KIND: HoldKind = 'LOAN_DISBURSEMENT';

export class Payments {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #accounts: AccountService;
  readonly #ledger: Ledger;
  readonly #stepUp: StepUpPolicy;

  /** `onPosted`: told what each new posting of this request wrote, once committed (see {@link Posting}). */
  constructor(
    em: EntityManager,
    caller: Caller,
    accounts: AccountService,
    stepUp: StepUpPolicy,
    onPosted?: (posting: Posting) => void,
  ) {
    this.#em = em;
    this.#caller = caller;
    this.#accounts = accounts;
    this.#ledger = new Ledger(em, caller, { onPosted });
    this.#stepUp = stepUp;
  }

  async deposit(input: unknown): Promise<PostedTransaction> {
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

  async withdraw(input: unknown): Promise<PostedTransaction> {
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

  /**
   * Moves money from one of the caller's accounts to any customer account.
   * To another customer's account it may need a second factor first
   * (STEP_UP_REQUIRED; platform/step-up.ts): over the threshold, to an
   * account the caller never paid, or soon after a security change. Between
   * the caller's own accounts it never does (PSD2's exemption).
   */
  async transfer(input: unknown): Promise<PostedTransaction> {
    const caller = requireUser(this.#caller);
    const { stepUpProof, ...data } = parseInput(transferSchema, input);
    return this.#ledger.post({
      operation: 'transfer',
      kind: 'TRANSFER',
      ...data,
      pending: false,
      authorize: (from, to) => {
        this.#requireOwn(from, 'fromAccountId');
        if (to.type === 'SYSTEM') throw new NotFoundError('Account', { field: 'toAccountId' });
      },
      // Read with the key's claim, before the payee is known: a primary-key probe, cheaper than a round trip.
      probe: this.#stepUp.recentChangeProbe(caller.userId),
      confirm: async (em, from, to, amount, currency, recentChange) => {
        if (to.ownerId === caller.userId) return;
        const operation = {
          kind: 'TRANSFER' as const,
          payerId: caller.userId,
          idempotencyKey: data.idempotencyKey,
          amount,
          currency,
          source: from.id,
          destination: to.id,
        };
        await this.#stepUp.check(em, operation, stepUpProof, () => neverPaid(em, caller.userId, to.id), recentChange);
      },
    });
  }

  /**
   * Services only: reserves funds for a saga step, between one account of
   * `customerId` and the system account of that account's currency, in the
   * direction the kind requires. Everything is checked before anything is
   * written. A LOAN_DISBURSEMENT may name `viewers`, recorded once, with
   * the hold (in its database transaction).
   */
  async createHold(input: unknown): Promise<PostedTransaction> {
    requireService(this.#caller);
    const data = parseInput(holdSchema, input);
    const from = holdSide('from', data.fromAccountId, data.fromSystem);
    const to = holdSide('to', data.toAccountId, data.toSystem);
    let systemSide: 'from' | 'to';
    let system: HoldSystemAccount;
    let customer: { accountId: string; field: string };
    if (from.kind === 'system' && to.kind === 'customer') {
      [systemSide, system, customer] = ['from', from.system, to];
    } else if (from.kind === 'customer' && to.kind === 'system') {
      [systemSide, system, customer] = ['to', to.system, from];
    } else {
      throw new BadUserInputError(
        'A hold is between one customer account and one system account.',
        to.kind === 'customer' ? 'toAccountId' : 'toSystem',
      );
    }
    const kind = data.kind;
    if (!isHoldKind(kind)) {
      throw new BadUserInputError(`A hold is one of ${HOLD_KINDS.join(', ')}.`, 'kind');
    }
    const direction = HOLD_DIRECTIONS[kind];
    if (direction.systemSide !== systemSide || direction.system !== system) {
      const way =
        direction.systemSide === 'from' ? `${direction.system} to the customer` : `the customer to ${direction.system}`;
      throw new BadUserInputError(`A ${kind} hold goes from ${way}.`, 'kind');
    }
    const viewers = data.viewers ?? null;
    if (viewers !== null && kind !== VIEWABLE_HOLD_KIND) {
      throw new BadUserInputError(`Only a ${VIEWABLE_HOLD_KIND} hold may name viewers.`, 'viewers');
    }
    const account = await this.#accounts.customerAccount(customer.accountId, data.customerId, customer.field);
    const systemAccount = await this.#accounts.systemAccount(system, account.currency);
    const request: PostingRequest = {
      operation: 'createHold',
      kind: kind satisfies TransactionKind,
      fromAccountId: systemSide === 'from' ? systemAccount.id : account.id,
      toAccountId: systemSide === 'to' ? systemAccount.id : account.id,
      amount: data.amount,
      description: data.description,
      idempotencyKey: data.idempotencyKey,
      pending: true,
      // Checked again on the locked rows: the customer side is still the customer's own account.
      authorize: (lockedFrom, lockedTo) => {
        const locked = systemSide === 'from' ? lockedTo : lockedFrom;
        if (locked.type === 'SYSTEM' || locked.ownerId !== data.customerId) {
          throw new NotFoundError('Account', { field: customer.field });
        }
      },
    };
    if (viewers === null) return this.#ledger.post(request);
    // The ledger's transaction nests in this one (a savepoint): the hold and its grants commit together.
    return this.#em.transactional(async (em) => {
      // No `onPosted`: this commit is a savepoint, and the view is read once the whole commits.
      const tx = await new Ledger(em, this.#caller).post(request);
      await recordViewGrants(em, tx, account.id, viewers);
      return tx;
    });
  }

  async postHold(id: string): Promise<PostedTransaction> {
    requireService(this.#caller);
    return this.#ledger.postHold(id);
  }

  async voidHold(id: string): Promise<PostedTransaction> {
    requireService(this.#caller);
    return this.#ledger.voidHold(id);
  }

  /** Money moves out of (or, for deposits, into) the caller's own account only; others' accounts are NOT_FOUND. */
  #requireOwn(account: AccountData, field: string): void {
    if (account.type === 'SYSTEM' || this.#caller.kind !== 'user' || account.ownerId !== this.#caller.userId) {
      throw new NotFoundError('Account', { field });
    }
  }
}
