/**
 * The double-entry ledger: the only code that moves money.
 *
 * Every posting runs in one database transaction that
 * 1. claims the idempotency key (an advisory lock: a concurrent retry of the
 *    same key gets IDEMPOTENCY_IN_PROGRESS; a later one gets the first result),
 * 2. locks the accounts involved with SELECT ... FOR UPDATE in ascending id
 *    order (a fixed order: crossing transfers cannot deadlock),
 * 3. checks status, currency and funds on the locked rows, then whatever
 *    the operation adds (a payment's step-up),
 * 4. writes the transaction, its two entries (summing to zero), the new
 *    balances, the idempotency record and the domain events (outbox), in
 *    one statement,
 * and commits all of it or nothing.
 *
 * A posting works on rows, not on entities of the request's unit of work:
 * its statements are plain SQL with parameters ({@link sqlParams}), what
 * it reads and writes is plain data ({@link AccountData},
 * {@link PostedTransaction}, {@link PostedEntry}), and the commit writes
 * nothing more. Hydrating MikroORM entities for the rows a posting locks and
 * writes, and tracking them, cost more CPU than its SQL (bench/ledger.ts).
 * Entities of the request that a posting changed (an account a deposit read
 * first) are then given the state it committed.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Caller } from '../../../../platform/caller.ts';
import {
  BankError,
  BadUserInputError,
  ErrorCode,
  InvalidStateTransitionError,
  NotFoundError,
} from '../../../../platform/errors.ts';
import {
  fromMinorUnits,
  isCurrency,
  isDecimalString,
  parseAmountInput,
  parseDecimal,
  type Currency,
} from '../../../../platform/money.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import { countIfPaymentRefused } from '../../../../platform/subgraph-metrics.ts';
import { sqlParams, sqlTransaction, type EntityManager, type SqlProbe } from '../../../../platform/orm.ts';
import { insertOutboxSql, outboxRow, type OutboxRow } from '../../../../platform/outbox.ts';
import { parseId } from '../../../../platform/validation.ts';
import {
  Account,
  LedgerTransaction,
  type AccountData,
  type LedgerEntry,
  type TransactionCategory,
  type TransactionKind,
  type TransactionStatus,
} from '../entities/index.ts';
import { guessCategory } from './categories.ts';

/** A transaction as the ledger writes it (or, replayed under its idempotency key, reads it). */
export type PostedTransaction = Pick<
  LedgerTransaction,
  | 'id'
  | 'seq'
  | 'kind'
  | 'status'
  | 'amount'
  | 'currency'
  | 'fromAccountId'
  | 'toAccountId'
  | 'description'
  | 'initiatedBy'
  | 'createdAt'
  | 'postedAt'
  | 'voidedAt'
>;

/** One side of a posted transaction, as the ledger writes it. */
export type PostedEntry = Pick<
  LedgerEntry,
  'seq' | 'transactionId' | 'accountId' | 'amount' | 'currency' | 'category' | 'tags' | 'postedAt'
>;

/** What a posting request asks for, before any account is read. */
export interface PostingRequest {
  operation: 'deposit' | 'withdraw' | 'transfer' | 'createHold';
  kind: TransactionKind;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  description: string | null;
  idempotencyKey: string;
  /** Hold (pending transfer) instead of an immediate posting. */
  pending: boolean;
  /** Checks the caller may move money out of `from` (and whatever else the operation needs). */
  authorize: (from: AccountData, to: AccountData) => void;
  /**
   * A boolean SQL expression (`?` placeholders) for `confirm`, read in the
   * posting's first statement, with the key's claim: what the last check
   * needs to know is then read without a round trip of its own while the
   * accounts are locked (step-up's recent security changes).
   */
  probe?: SqlProbe | undefined;
  /**
   * The last check, once everything else holds, in the posting's
   * transaction (a payment's step-up, platform/step-up.ts): it may read, and
   * throw to refuse. `probed` is the value of `probe`, when there is one.
   */
  confirm?: (
    em: EntityManager,
    from: AccountData,
    to: AccountData,
    amount: bigint,
    currency: Currency,
    probed: boolean | undefined,
  ) => Promise<void>;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,100}$/;

/** The caller's idempotency scope: keys of different callers never collide. */
export function idempotencyScope(caller: Caller): string {
  if (caller.kind === 'user') return caller.userId;
  if (caller.kind === 'service') return `service:${caller.service}`;
  throw new BankError(ErrorCode.UNAUTHENTICATED, 'You must be signed in to do this.');
}

/**
 * How a ledger tells the time and whether its postings are news. Every
 * request path uses the defaults (services/index.ts); only the demo seed
 * (src/seed.ts, never in production) sets them, to write a history that
 * happened before the first start.
 */
export interface LedgerOptions {
  /** The time of each posting (default: now). */
  clock?: () => Date;
  /** Whether postings write their domain events (default: true); a seeded past is nobody's news. */
  events?: boolean;
  /** Told, once committed, what each new posting wrote (not a replay under an idempotency key). */
  onPosted?: (posting: Posting) => void;
}

/**
 * What a posting wrote, as committed: the transaction, both accounts as
 * they now stand (locked while written), and its entries (none for a hold
 * that is only reserved or voided). The request that made it shows it from
 * these instead of reading it back.
 */
export interface Posting {
  tx: PostedTransaction;
  accounts: [AccountData, AccountData];
  entries: PostedEntry[];
}

export class Ledger {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #clock: () => Date;
  readonly #events: boolean;
  readonly #onPosted: ((posting: Posting) => void) | undefined;

  constructor(em: EntityManager, caller: Caller, options: LedgerOptions = {}) {
    this.#em = em;
    this.#caller = caller;
    this.#clock = options.clock ?? (() => new Date());
    this.#events = options.events ?? true;
    this.#onPosted = options.onPosted;
  }

  /**
   * Posts (or, for a hold, reserves) one movement, exactly once per
   * idempotency key. Returns the transaction: the new one, or the first one
   * recorded under this key with the same input.
   */
  async post(request: PostingRequest): Promise<PostedTransaction> {
    try {
      return await this.#post(request);
    } catch (error) {
      countIfPaymentRefused(metricsOf('banking'), error);
      throw error;
    }
  }

  async #post(asked: PostingRequest): Promise<PostedTransaction> {
    const scope = idempotencyScope(this.#caller);
    if (!KEY_PATTERN.test(asked.idempotencyKey)) {
      throw new BadUserInputError(
        '"idempotencyKey" must be 1 to 100 printable ASCII characters without spaces.',
        'idempotencyKey',
      );
    }
    // Ids in lower case, as PostgreSQL reads them back: an id in upper case names the same account (as it does
    // in queries), one account in two cases is one account, and a retry in the other case is the same request.
    const request: PostingRequest = {
      ...asked,
      fromAccountId: parseId(
        asked.fromAccountId,
        asked.operation === 'deposit' ? 'accountId' : 'fromAccountId',
      ).toLowerCase(),
      toAccountId: parseId(
        asked.toAccountId,
        asked.operation === 'withdraw' ? 'accountId' : 'toAccountId',
      ).toLowerCase(),
    };
    if (request.description !== null && request.description.length > 200) {
      throw new BadUserInputError('"description" must be at most 200 characters.', 'description');
    }
    if (request.fromAccountId === request.toAccountId) {
      throw new BadUserInputError('The source and destination accounts must differ.', 'toAccountId');
    }
    const requestHash = hashRequest(request);

    let posting: Posting | undefined;
    const tx = await sqlTransaction(this.#em, async (em): Promise<PostedTransaction> => {
      const { probe } = request;
      const [{ claimed, probed } = { claimed: false, probed: null }] = await sqlParams<{
        claimed: boolean;
        probed: boolean | null;
      }>(
        em,
        `select pg_try_advisory_xact_lock(hashtextextended(?, 0)) as claimed, ${probe ? `(${probe.sql})` : 'null'} as probed`,
        [`${scope}\n${request.idempotencyKey}`, ...(probe?.params ?? [])],
      );
      if (!claimed) {
        throw new BankError(
          ErrorCode.IDEMPOTENCY_IN_PROGRESS,
          'A request with this idempotency key is still being processed; retry in a moment.',
        );
      }
      const [previous] = await sqlParams<{ request_hash: string; transaction_id: string }>(
        em,
        'select request_hash, transaction_id from idempotency_keys where scope = ? and key = ?',
        [scope, request.idempotencyKey],
      );
      if (previous) {
        if (previous.request_hash !== requestHash) {
          throw new BankError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            'This idempotency key was already used for a different request.',
            { field: 'idempotencyKey' },
          );
        }
        return em.findOneOrFail(LedgerTransaction, { id: previous.transaction_id });
      }

      const [from, to] = await lockAccounts(em, request.fromAccountId, request.toAccountId);
      request.authorize(from, to);
      const currency = from.currency;
      if (!isCurrency(currency)) throw new Error(`account ${from.id} has unknown currency`);
      const amount = parseAmountInput(request.amount, currency);
      if (to.currency !== currency) {
        throw new BankError(
          ErrorCode.CURRENCY_MISMATCH,
          `The accounts are in different currencies (${currency} and ${to.currency}).`,
        );
      }
      requireActive(from, 'send');
      requireActive(to, 'receive');
      if (from.type !== 'SYSTEM' && from.balance - from.held < amount) {
        throw new BankError(ErrorCode.INSUFFICIENT_FUNDS, 'The account does not have enough available funds.', {
          available: fromMinorUnits(from.balance - from.held, currency),
        });
      }
      await request.confirm?.(em, from, to, amount, currency, probe ? probed === true : undefined);

      const now = this.#clock();
      // Written below with SQL (writeRows), as everything the posting writes; `seq` is the database's.
      const tx: PostedTransaction = {
        id: randomUUID(),
        seq: 0,
        kind: request.kind,
        status: request.pending ? 'PENDING' : 'POSTED',
        amount,
        currency,
        fromAccountId: from.id,
        toAccountId: to.id,
        description: request.description,
        initiatedBy: scope,
        createdAt: now,
        postedAt: null,
        voidedAt: null,
      };
      let rows: PostingRows = { accounts: [from], entries: [], events: [] };
      if (request.pending) {
        from.held += amount;
        if (this.#events) rows.events.push(outboxRow('banking.hold.created', eventPayload(tx, from, to)));
      } else {
        rows = writeEntries(tx, from, to, now, this.#events);
      }
      await writeRows(em, {
        ...rows,
        transaction: tx,
        idempotency: { scope, key: request.idempotencyKey, requestHash, transactionId: tx.id },
      });
      posting = { tx, accounts: [from, to], entries: rows.entries };
      return tx;
    });
    if (posting) this.#committed(posting);
    return tx;
  }

  /** Posts a pending hold: moves the reserved money. Posting a posted hold returns it unchanged. */
  async postHold(id: string): Promise<PostedTransaction> {
    return this.#settleHold(id, 'POSTED');
  }

  /** Voids a pending hold: releases the reserved money. Voiding a voided hold returns it unchanged. */
  async voidHold(id: string): Promise<PostedTransaction> {
    return this.#settleHold(id, 'VOIDED');
  }

  async #settleHold(id: string, target: 'POSTED' | 'VOIDED'): Promise<PostedTransaction> {
    parseId(id, 'id');
    let posting: Posting | undefined;
    const settled = await sqlTransaction(this.#em, async (em): Promise<PostedTransaction> => {
      const [tx] = (
        await sqlParams<TransactionRow>(em, `select ${TRANSACTION_COLUMNS} from transactions where id = ? for update`, [
          id,
        ])
      ).map(transactionOf);
      if (!tx) throw new NotFoundError('Transaction');
      if (tx.status === target) return tx;
      if (tx.status !== 'PENDING') {
        throw new InvalidStateTransitionError(`The hold is ${tx.status}; it cannot become ${target}.`, {
          status: tx.status,
        });
      }
      const [from, to] = await lockAccounts(em, tx.fromAccountId, tx.toAccountId);
      from.held -= tx.amount;
      const now = this.#clock();
      let rows: PostingRows = { accounts: [from], entries: [], events: [] };
      if (target === 'POSTED') {
        rows = writeEntries(tx, from, to, now, this.#events);
      } else {
        tx.status = 'VOIDED';
        tx.voidedAt = now;
        if (this.#events) rows.events.push(outboxRow('banking.hold.voided', eventPayload(tx, from, to)));
      }
      await writeRows(em, { ...rows, settled: tx });
      posting = { tx, accounts: [from, to], entries: rows.entries };
      return tx;
    });
    if (posting) this.#committed(posting);
    return settled;
  }

  /**
   * After the commit: counts money that moved (a rolled-back posting moved
   * nothing), gives the request's entities of what it changed the state it
   * committed, and tells `onPosted`.
   */
  #committed(posting: Posting): void {
    if (posting.entries.length > 0) countPosted(posting.tx);
    const uow = this.#em.getUnitOfWork();
    // Read by this request before the posting (a deposit reads its account first): as the posting left them.
    for (const account of posting.accounts) {
      if (uow.getById(Account, account.id)) this.#em.merge(Account, { ...account }, { refresh: true });
    }
    if (uow.getById(LedgerTransaction, posting.tx.id)) {
      this.#em.merge(LedgerTransaction, { ...posting.tx }, { refresh: true });
    }
    this.#onPosted?.(posting);
  }
}

/** A posted transaction and its amount, by kind and currency (both bounded: enums of the ledger). */
function countPosted(tx: PostedTransaction): void {
  const metrics = metricsOf('banking');
  const kind = tx.kind.toLowerCase();
  metrics.get('ledgerTransactions').labels(kind, tx.currency).inc();
  metrics.get('ledgerPostedAmount').labels(kind, tx.currency).inc(Number(tx.amount));
}

/** The columns of an account as a posting reads them (bigints as text: pg would make JavaScript numbers of some). */
const ACCOUNT_COLUMNS =
  'id, owner_id, type, currency, number, nickname, status, balance::text as balance, held::text as held, ' +
  'low_balance_threshold::text as low_balance_threshold, system_purpose, opened_at';

interface AccountRow {
  id: string;
  owner_id: string | null;
  type: AccountData['type'];
  currency: string;
  number: string;
  nickname: string | null;
  status: AccountData['status'];
  balance: string;
  held: string;
  low_balance_threshold: string | null;
  system_purpose: string | null;
  opened_at: Date | string;
}

function accountOf(row: AccountRow): AccountData {
  return {
    id: row.id,
    ownerId: row.owner_id,
    type: row.type,
    currency: row.currency,
    number: row.number,
    nickname: row.nickname,
    status: row.status,
    balance: BigInt(row.balance),
    held: BigInt(row.held),
    lowBalanceThreshold: row.low_balance_threshold === null ? null : BigInt(row.low_balance_threshold),
    systemPurpose: row.system_purpose,
    openedAt: new Date(row.opened_at),
  };
}

/** A `timestamptz` as milliseconds since the epoch (a JavaScript date keeps milliseconds, no finer). */
export const epochMs = (column: string) => `floor(extract(epoch from ${column}) * 1000)::int8`;

/** The columns of a transaction as a hold's settlement reads them ({@link TransactionRow}). */
const TRANSACTION_COLUMNS =
  'id, seq::text as seq, kind, status, amount::text as amount, currency, from_account_id, to_account_id, ' +
  `description, initiated_by, ${epochMs('created_at')} as created_at, ${epochMs('posted_at')} as posted_at, ` +
  `${epochMs('voided_at')} as voided_at`;

/** A row of `transactions` as read with {@link TRANSACTION_COLUMNS} (history reads pages of them too). */
export interface TransactionRow {
  id: string;
  seq: string;
  kind: TransactionKind;
  status: TransactionStatus;
  amount: string;
  currency: string;
  from_account_id: string;
  to_account_id: string;
  description: string | null;
  initiated_by: string;
  /** Times in milliseconds since the epoch ({@link epochMs}). */
  created_at: string;
  posted_at: string | null;
  voided_at: string | null;
}

/** A transaction of its row ({@link TransactionRow}). */
export function transactionOf(row: TransactionRow): PostedTransaction {
  const time = (value: string | null) => (value === null ? null : new Date(Number(value)));
  return {
    id: row.id,
    seq: Number(row.seq),
    kind: row.kind,
    status: row.status,
    amount: BigInt(row.amount),
    currency: row.currency,
    fromAccountId: row.from_account_id,
    toAccountId: row.to_account_id,
    description: row.description,
    initiatedBy: row.initiated_by,
    createdAt: new Date(Number(row.created_at)),
    postedAt: time(row.posted_at),
    voidedAt: time(row.voided_at),
  };
}

/** Locks both accounts, always in ascending id order, and returns them as (from, to). */
async function lockAccounts(em: EntityManager, fromId: string, toId: string): Promise<[AccountData, AccountData]> {
  const started = performance.now();
  // Read as they stand now, locked: what the request may have read of them before does not count.
  const rows = (
    await sqlParams<AccountRow>(
      em,
      `select ${ACCOUNT_COLUMNS} from accounts where id in (?, ?) order by id for update`,
      [fromId, toId],
    )
  ).map(accountOf);
  // The time of the SELECT ... FOR UPDATE: mostly waiting for another posting on the same accounts.
  metricsOf('banking')
    .get('dbLockWait')
    .labels('accounts')
    .observe((performance.now() - started) / 1000);
  const from = rows.find((a) => a.id === fromId);
  const to = rows.find((a) => a.id === toId);
  if (!from) throw new NotFoundError('Account', { field: 'fromAccountId' });
  if (!to) throw new NotFoundError('Account', { field: 'toAccountId' });
  return [from, to];
}

function requireActive(account: AccountData, direction: 'send' | 'receive'): void {
  const allowed = account.status === 'ACTIVE' || (direction === 'receive' && account.status === 'FROZEN');
  if (!allowed) {
    throw new BankError(
      ErrorCode.ACCOUNT_NOT_ACTIVE,
      `The account ${account.type === 'SYSTEM' ? '' : `ending ${account.number.slice(-4)} `}is ${account.status} and cannot ${direction} money.`,
      { status: account.status },
    );
  }
}

/**
 * Posts `tx`: the balances (on the locked accounts), and returns the rows to
 * write: both accounts, two entries summing to zero, and the events (when
 * `events`). The caller holds both account rows locked.
 */
function writeEntries(
  tx: PostedTransaction,
  from: AccountData,
  to: AccountData,
  now: Date,
  events: boolean,
): PostingRows {
  const before = from.balance;
  from.balance -= tx.amount;
  to.balance += tx.amount;
  tx.status = 'POSTED';
  tx.postedAt = now;
  // `seq` is the database's (writeRows).
  const entry = (accountId: string, amount: bigint, category: TransactionCategory): PostedEntry => ({
    seq: 0,
    transactionId: tx.id,
    accountId,
    amount,
    currency: tx.currency,
    category,
    tags: [],
    postedAt: now,
  });
  const entries = [
    entry(from.id, -tx.amount, guessCategory(tx.kind, 'debit', tx.description ?? null)),
    entry(to.id, tx.amount, guessCategory(tx.kind, 'credit', tx.description ?? null)),
  ];
  const rows: PostingRows = { accounts: [from, to], entries, events: [] };
  if (!events) return rows;
  rows.events.push(outboxRow('banking.transaction.posted', eventPayload(tx, from, to)));
  const threshold = from.lowBalanceThreshold ?? null;
  if (from.type !== 'SYSTEM' && threshold !== null && before >= threshold && from.balance < threshold) {
    rows.events.push(
      outboxRow('banking.balance.low', {
        accountId: from.id,
        ownerId: from.ownerId ?? null,
        currency: from.currency,
        balance: fromMinorUnits(from.balance, from.currency as Currency),
        threshold: fromMinorUnits(threshold, from.currency as Currency),
        transactionId: tx.id,
      }),
    );
  }
  return rows;
}

/**
 * What a posting writes: the locked accounts whose balance or hold changed,
 * a new transaction or a settled hold's new status, its entries, the
 * idempotency record and the domain events.
 */
interface PostingRows {
  /** Locked by this posting's transaction, as they now stand. */
  accounts: AccountData[];
  transaction?: PostedTransaction;
  /** A hold (locked) whose status, posting or voiding time changed. */
  settled?: PostedTransaction;
  entries: PostedEntry[];
  idempotency?: { scope: string; key: string; requestHash: string; transactionId: string };
  events: OutboxRow[];
}

/**
 * Writes `rows` in one statement of the posting's transaction, each write a
 * `with` clause: all run in one round trip, without the unit of work's
 * change sets, while the posting holds the rows it updates locked. Sets the
 * sequence numbers the database gave the transaction and the entries.
 */
async function writeRows(em: EntityManager, rows: PostingRows): Promise<void> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const results: string[] = [];
  if (rows.accounts.length > 0) {
    // Absolute values: the posting holds these rows locked since it read them.
    const values = rows.accounts.map((a) => {
      params.push(a.id, a.balance, a.held);
      return '(?::uuid, ?::bigint, ?::bigint)';
    });
    clauses.push(`a as (
      update accounts set balance = v.balance, held = v.held
      from (values ${values.join(', ')}) as v (id, balance, held) where accounts.id = v.id)`);
  }
  const settled = rows.settled;
  if (settled) {
    clauses.push(`s as (update transactions set status = ?, posted_at = ?, voided_at = ? where id = ?)`);
    params.push(settled.status, settled.postedAt, settled.voidedAt, settled.id);
  }
  const tx = rows.transaction;
  if (tx) {
    clauses.push(`t as (
      insert into transactions (id, kind, status, amount, currency, from_account_id, to_account_id, description,
                                initiated_by, created_at, posted_at, voided_at)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning seq)`);
    params.push(tx.id, tx.kind, tx.status, tx.amount, tx.currency, tx.fromAccountId, tx.toAccountId);
    params.push(tx.description, tx.initiatedBy, tx.createdAt, tx.postedAt, tx.voidedAt);
    results.push(`select 'transaction' as written, seq::text as seq, null::uuid as account_id from t`);
  }
  if (rows.entries.length > 0) {
    const values = rows.entries.map((e) => {
      params.push(e.transactionId, e.accountId, e.amount, e.currency, e.category, e.postedAt);
      return `(?, ?, ?, ?, ?, '{}', ?)`;
    });
    clauses.push(`e as (
      insert into entries (transaction_id, account_id, amount, currency, category, tags, posted_at)
      values ${values.join(', ')} returning seq, account_id)`);
    results.push(`select 'entry' as written, seq::text as seq, account_id from e`);
  }
  if (rows.idempotency) {
    const { scope, key, requestHash, transactionId } = rows.idempotency;
    clauses.push(`i as (
      insert into idempotency_keys (scope, key, request_hash, transaction_id, created_at) values (?, ?, ?, ?, ?))`);
    params.push(scope, key, requestHash, transactionId, new Date());
  }
  if (rows.events.length > 0) {
    const outbox = insertOutboxSql(rows.events);
    clauses.push(`o as (${outbox.sql})`);
    params.push(...outbox.params);
  }
  if (clauses.length === 0) return;
  const select =
    results.length > 0 ? results.join(' union all ') : 'select null as written, null as seq, null as account_id';
  const written = await sqlParams<{ written: string | null; seq: string | null; account_id: string | null }>(
    em,
    `with ${clauses.join(', ')} ${select}`,
    params,
  );
  for (const r of written) {
    if (r.written === 'transaction' && tx) tx.seq = Number(r.seq);
    const entry = r.written === 'entry' ? rows.entries.find((e) => e.accountId === r.account_id) : undefined;
    if (entry) entry.seq = Number(r.seq);
  }
}

function eventPayload(tx: PostedTransaction, from: AccountData, to: AccountData): Record<string, unknown> {
  return {
    transactionId: tx.id,
    kind: tx.kind,
    status: tx.status,
    amount: fromMinorUnits(tx.amount, tx.currency as Currency),
    currency: tx.currency,
    fromAccountId: from.id,
    toAccountId: to.id,
    fromOwnerId: from.ownerId ?? null,
    toOwnerId: to.ownerId ?? null,
  };
}

/** The request's identity: the same input hashes the same ("5.0" and "5.00" are one amount). */
function hashRequest(request: PostingRequest): string {
  const { operation, kind, fromAccountId, toAccountId, amount, description, pending } = request;
  return createHash('sha256')
    .update(
      JSON.stringify([operation, kind, fromAccountId, toAccountId, canonicalAmount(amount), description, pending]),
    )
    .digest('hex');
}

function canonicalAmount(amount: string): string {
  if (!isDecimalString(amount)) return amount;
  const { negative, integerDigits, fractionDigits } = parseDecimal(amount);
  const fraction = fractionDigits.replace(/0+$/, '');
  return `${negative ? '-' : ''}${integerDigits}${fraction ? `.${fraction}` : ''}`;
}
