/**
 * Reading the ledger: transaction history, single transactions, labels
 * (category and tags of the caller's side), statements and spending.
 */
import { IsolationLevel } from '@mikro-orm/core';
import type DataLoader from 'dataloader';
import { z } from 'zod';
import { hasRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import { calendarMonth } from '../../../../platform/calendar.ts';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../../../platform/errors.ts';
import { InvalidAmountError, toMinorUnits, type Currency } from '../../../../platform/money.ts';
import { sqlParams, type EntityManager } from '../../../../platform/orm.ts';
import { groupedLoader, rowLoader } from '../../../../platform/loaders.ts';
import { decodeCursor, pageSize, toConnection, type Connection } from '../../../../platform/pagination.ts';
import { isUuid, parseId } from '../../../../platform/validation.ts';
import type { Account, AccountData } from '../entities/index.ts';
import { LedgerEntry, LedgerTransaction, type TransactionCategory, type TransactionKind } from '../entities/index.ts';
import type { AccountService } from './account-service.ts';
import { epochMs, transactionOf, type Posting, type PostedTransaction, type TransactionRow } from './ledger.ts';

/** What a view shows of a transaction: the entity, what the ledger wrote, or the columns read for a page of history. */
export type TransactionData = Omit<PostedTransaction, 'initiatedBy' | 'voidedAt'>;

/** What a view shows of one side's entry. */
export type EntryData = Pick<LedgerEntry, 'category' | 'tags'>;

/** A transaction as seen from one account: that side's entry carries its category and tags. */
export interface TransactionView {
  tx: TransactionData;
  /** The account it is seen from; null when seen without one (a service, an ADMIN). */
  accountId: string | null;
  entry: EntryData | null;
}

/** A row of a page of history: a transaction's columns and, when posted, the account's side. */
interface PageRow extends TransactionRow {
  account_id: string;
  category: TransactionCategory | null;
  tags: string[] | null;
}

/**
 * The statement that reads pages of transactions of `accountIds`, newest
 * first, `rows` at most for each, under `where` (conditions on `t`, the
 * transaction, and `e`, the account's entry, with `?` for `params`), and its
 * values in the order of its `?`s.
 *
 * Each side of an account (the transactions it sent, those it received) is
 * read on its own, from its `(from_account_id, seq)` or `(to_account_id,
 * seq)` index, newest first, and stops at the page's size; the newest of the
 * two make the page. A single scan under `from = a or to = a` read every
 * transaction of the account, or walked the whole ledger's `seq` index, to
 * keep the newest: in a ledger of 2,000,000 transactions, a page of an
 * account with 100,000 of them cost PostgreSQL 250 to 280 ms of CPU that
 * way and 0.75 to 0.8 ms this way, the same rows (README, Performance).
 * The ledger never moves money from an account to itself; the second side
 * still leaves out such a row, which the first side has read.
 */
export function transactionPagesStatement(
  accountIds: readonly string[],
  where: string,
  params: readonly unknown[],
  rows: number,
): { sql: string; values: unknown[] } {
  const side = (column: string, other: string) =>
    `(select t.*, e.category, e.tags from transactions t
        left join entries e on e.transaction_id = t.id and e.account_id = a.account_id
       where t.${column} = a.account_id${other}${where ? ` and ${where}` : ''}
       order by t.seq desc limit ?)`;
  const sql = `select a.account_id, t.id, t.seq, t.kind, t.status, t.amount, t.currency, t.from_account_id, t.to_account_id,
            t.description, t.initiated_by, ${epochMs('t.created_at')} as created_at, ${epochMs('t.posted_at')} as posted_at,
            ${epochMs('t.voided_at')} as voided_at,
            t.category, t.tags
       from unnest(?::uuid[]) as a(account_id)
       cross join lateral (
         select * from (${side('from_account_id', '')}
           union all ${side('to_account_id', ' and t.from_account_id <> a.account_id')}) t
          order by t.seq desc limit ?) t
      order by a.account_id, t.seq desc`;
  return { sql, values: [accountIds, ...params, rows, ...params, rows, rows] };
}

/** One page of one account's transactions: SQL conditions (on `t` and `e`) and their values. */
interface PageQuery {
  accountId: string;
  where: string;
  params: unknown[];
  limit: number;
}

/** A string that tells queries apart (amounts are bigints). */
const keyOf = (...parts: unknown[]): string =>
  JSON.stringify(parts, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));

export interface TransactionFilter {
  from?: Date | null;
  to?: Date | null;
  kind?: TransactionKind | null;
  category?: TransactionCategory | null;
  minAmount?: string | null;
  maxAmount?: string | null;
}

/** Transaction pages may be larger than other lists: statements and exports read many. */
export const MAX_TRANSACTIONS_PAGE = 1000;

const CURSOR = z.tuple([z.number().int().positive()]);
const TAG = z.string().trim().min(1, 'Tags must not be empty.').max(30, 'Tags are at most 30 characters.');
const TAGS = z.array(TAG).max(10, 'At most 10 tags.');

export interface StatementLine {
  transactionId: string;
  postedAt: Date;
  kind: TransactionKind;
  description: string | null;
  amount: bigint;
  balanceAfter: bigint;
}

export interface StatementData {
  month: string;
  currency: Currency;
  opening: bigint;
  credits: bigint;
  debits: bigint;
  closing: bigint;
  lines: StatementLine[];
}

export interface SpendingData {
  from: Date;
  to: Date;
  byCategory: { currency: Currency; category: TransactionCategory; total: bigint; count: number }[];
  byMonth: { currency: Currency; month: string; total: bigint; count: number }[];
}

export class History {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #accounts: AccountService;
  /**
   * Transactions by id, read once per request: the transactions of one
   * `_entities` request are read together, and so are their accounts and
   * the caller's grants on them.
   */
  readonly #transactions: DataLoader<string, LedgerTransaction | null>;
  /** Pages of transactions of the accounts of one request, one statement per distinct query. */
  readonly #pages: DataLoader<PageQuery, TransactionView[], string>;
  /** What this request posted, by transaction id (see {@link remember}). */
  readonly #postings = new Map<string, Posting>();

  constructor(em: EntityManager, caller: Caller, accounts: AccountService) {
    this.#em = em;
    this.#caller = caller;
    this.#accounts = accounts;
    this.#transactions = rowLoader(em, LedgerTransaction, 'id');
    this.#pages = groupedLoader({
      groupOf: (page: PageQuery) => keyOf(page.where, page.params, page.limit),
      cacheKeyOf: (page) => keyOf(page.accountId, page.where, page.params, page.limit),
      load: (pages) => this.#readPages(pages),
    });
  }

  /**
   * An account's transactions, newest first, keyset-paginated on creation
   * order. The pages of every account of one request asked with the same
   * arguments (a user's accounts, each with its last 20) are read together.
   */
  async transactions(
    account: Account,
    args: { first?: number | null; after?: string | null; filter?: TransactionFilter | null },
  ): Promise<Connection<TransactionView>> {
    this.#accounts.requireFullView(account, 'transactions');
    const limit = pageSize(args.first, 20, MAX_TRANSACTIONS_PAGE);
    const filter = args.filter ?? {};
    const currency = account.currency as Currency;
    // Conditions on `t` (the transaction) and `e` (the account's entry); the account is the statement's.
    const where: string[] = [];
    const params: unknown[] = [];
    if (args.after) {
      const [seq] = decodeCursor(args.after, CURSOR);
      where.push('t.seq < ?');
      params.push(seq);
    }
    const conditions: [unknown, string, () => unknown][] = [
      [filter.from, 't.created_at >= ?', () => filter.from],
      [filter.to, 't.created_at < ?', () => filter.to],
      [filter.kind, 't.kind = ?', () => filter.kind],
      [filter.category, 'e.category = ?', () => filter.category],
      [filter.minAmount, 't.amount >= ?', () => amountFilter(filter.minAmount as string, currency, 'filter.minAmount')],
      [filter.maxAmount, 't.amount <= ?', () => amountFilter(filter.maxAmount as string, currency, 'filter.maxAmount')],
    ];
    for (const [present, condition, value] of conditions) {
      if (present === null || present === undefined) continue;
      where.push(condition);
      params.push(value());
    }
    const views = await this.#pages.load({ accountId: account.id, where: where.join(' and '), params, limit });
    return toConnection(views, limit, (v) => [v.tx.seq]);
  }

  /**
   * Pages of transactions of several accounts under the same conditions, in
   * one statement ({@link transactionPagesStatement}) that reads every column
   * the views show. Read-only, so plain rows rather than entities: nothing to
   * track, nothing to hydrate.
   */
  async #readPages(pages: PageQuery[]): Promise<TransactionView[][]> {
    const [{ where, params, limit }] = pages as [PageQuery];
    const statement = transactionPagesStatement(
      pages.map((p) => p.accountId),
      where,
      params,
      limit + 1,
    );
    const rows = await sqlParams<PageRow>(this.#em, statement.sql, statement.values);
    const byAccount = new Map<string, TransactionView[]>(pages.map((p) => [p.accountId, []]));
    for (const row of rows) {
      byAccount.get(row.account_id)?.push({
        tx: transactionOf(row),
        accountId: row.account_id,
        entry: row.category === null ? null : { category: row.category, tags: row.tags ?? [] },
      });
    }
    return pages.map((p) => byAccount.get(p.accountId) ?? []);
  }

  /**
   * One transaction touching one of the caller's accounts (ADMINs: any; a
   * payout grantee: the granted one); NOT_FOUND otherwise.
   */
  async transaction(id: string): Promise<TransactionView> {
    if (this.#caller.kind !== 'service') requireUser(this.#caller);
    const view = await this.#visible(id);
    if (!view) throw new NotFoundError('Transaction');
    return view;
  }

  /** A transaction resolved by reference: null when it does not exist or is not visible. */
  async reference(id: string): Promise<TransactionView | null> {
    if (this.#caller.kind === 'anonymous' || !isUuid(id)) return null;
    return this.#visible(id);
  }

  /**
   * Takes what the ledger just committed for this request: the transaction
   * and its accounts as they now stand, and its entries. {@link justMade}
   * decides who sees it, and from which side, from these. They are the
   * ledger transaction's own instances: only read here, never handed to the
   * request's loaders, whose entities a later mutation of the same
   * operation may change and flush.
   */
  remember(posting: Posting): void {
    this.#postings.set(posting.tx.id, posting);
  }

  /**
   * A transaction the caller just made (a deposit, a transfer...), as they
   * see it: it is not read again, nor (when the ledger told {@link remember})
   * are its accounts and entries.
   */
  async justMade(tx: PostedTransaction): Promise<TransactionView | null> {
    return this.#visible(tx.id, tx, this.#postings.get(tx.id));
  }

  /** Sets the category of the caller's side of a posted transaction. */
  async categorize(id: string, category: TransactionCategory): Promise<TransactionView> {
    const view = await this.#ownSide(id);
    (view.entry as LedgerEntry).category = category;
    await this.#em.flush();
    return view;
  }

  /** Replaces the tags of the caller's side of a posted transaction. */
  async tag(id: string, tags: readonly string[]): Promise<TransactionView> {
    const parsed = TAGS.safeParse(tags);
    if (!parsed.success) throw new BadUserInputError(parsed.error.issues[0]?.message ?? 'Invalid tags.', 'tags');
    const view = await this.#ownSide(id);
    (view.entry as LedgerEntry).tags = [...new Set(parsed.data)];
    await this.#em.flush();
    return view;
  }

  /**
   * A calendar month (UTC) of an account, read in one snapshot:
   * closing = opening + credits - debits, and every line's running balance.
   */
  async statement(account: Account, month: string): Promise<StatementData> {
    this.#accounts.requireFullView(account, 'statements');
    const { start, end } = calendarMonth(month, 'month');
    const currency = account.currency as Currency;
    return this.#em.transactional(
      async (em) => {
        const connection = em.getConnection();
        const trx = em.getTransactionContext();
        const [opening] = await connection.execute<{ total: string }[]>(
          'select coalesce(sum(amount), 0)::text as total from entries where account_id = ? and posted_at < ?',
          [account.id, start],
          'all',
          trx,
        );
        const rows = await connection.execute<
          {
            transaction_id: string;
            posted_at: Date;
            amount: string;
            kind: TransactionKind;
            description: string | null;
          }[]
        >(
          `select e.transaction_id, e.posted_at, e.amount::text as amount, t.kind, t.description
             from entries e join transactions t on t.id = e.transaction_id
            where e.account_id = ? and e.posted_at >= ? and e.posted_at < ?
            order by e.seq`,
          [account.id, start, end],
          'all',
          trx,
        );
        let balance = BigInt(opening?.total ?? '0');
        let credits = 0n;
        let debits = 0n;
        const lines = rows.map((row) => {
          const amount = BigInt(row.amount);
          if (amount > 0n) credits += amount;
          else debits -= amount;
          balance += amount;
          return {
            transactionId: row.transaction_id,
            postedAt: new Date(row.posted_at),
            kind: row.kind,
            description: row.description,
            amount,
            balanceAfter: balance,
          };
        });
        const openingBalance = BigInt(opening?.total ?? '0');
        return {
          month,
          currency,
          opening: openingBalance,
          credits,
          debits,
          closing: openingBalance + credits - debits,
          lines,
        };
      },
      { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
    );
  }

  /**
   * Money out of a user's accounts in [from, to), by category and by month,
   * per currency; moves between the user's own accounts do not count.
   */
  async spending(userId: string, from: Date, to: Date): Promise<SpendingData> {
    const caller = requireUser(this.#caller);
    if (caller.userId !== userId && !hasRole(caller, 'ADMIN')) {
      throw new ForbiddenError('You can only see your own spending.');
    }
    if (!(from < to)) throw new BadUserInputError('"from" must be before "to".', 'from');
    const connection = this.#em.getConnection();
    // Money moved between the user's own accounts is not spending.
    const base = `from entries e
                  join accounts a on a.id = e.account_id
                  join transactions t on t.id = e.transaction_id
                  join accounts other on other.id = t.to_account_id
                  where a.owner_id = ? and e.amount < 0 and e.posted_at >= ? and e.posted_at < ?
                    and other.owner_id is distinct from a.owner_id`;
    const [byCategory, byMonth] = await Promise.all([
      connection.execute<{ currency: Currency; category: TransactionCategory; total: string; count: number }[]>(
        `select e.currency, e.category, (-sum(e.amount))::text as total, count(*)::int as count ${base}
          group by e.currency, e.category order by -sum(e.amount) desc, e.category`,
        [userId, from, to],
      ),
      connection.execute<{ currency: Currency; month: string; total: string; count: number }[]>(
        `select e.currency, to_char(e.posted_at at time zone 'UTC', 'YYYY-MM') as month,
                (-sum(e.amount))::text as total, count(*)::int as count ${base}
          group by 1, 2 order by 2, 1`,
        [userId, from, to],
      ),
    ]);
    return {
      from,
      to,
      byCategory: byCategory.map((r) => ({ ...r, total: BigInt(r.total) })),
      byMonth: byMonth.map((r) => ({ ...r, total: BigInt(r.total) })),
    };
  }

  /**
   * The transaction seen from the caller's own side; without a side for
   * those who may see all of one of its accounts (ADMINs, services) or were
   * granted this very transaction (a payout grant: not the other
   * transactions of an account they may view); null for anyone else.
   */
  /**
   * The transaction `id` as the caller may see it: from their side when one
   * of its accounts is theirs; whole (no side) for an ADMIN, a service, or
   * someone a payout grant names; null otherwise. Whose the accounts are is
   * read from the accounts themselves, so grants are looked up only when
   * neither side is the caller's.
   */
  async #visible(id: string, known?: PostedTransaction, posting?: Posting): Promise<TransactionView | null> {
    parseId(id, 'id');
    const tx = known ?? (await this.#transactions.load(id));
    if (!tx) return null;
    const account = (accountId: string | null) => (accountId ? this.#accounts.loader.load(accountId) : null);
    const accounts = posting?.accounts ?? (await Promise.all([account(tx.fromAccountId), account(tx.toAccountId)]));
    const sides = accounts.filter((a): a is AccountData => a !== null && a.type !== 'SYSTEM');
    const own = sides.find((a) => this.#isOwner(a));
    if (own) {
      const entry = posting
        ? (posting.entries.find((e) => e.accountId === own.id) ?? null)
        : await this.#em.findOne(LedgerEntry, { transactionId: tx.id, accountId: own.id });
      return { tx, accountId: own.id, entry };
    }
    const seesAccount = sides.some((a) => this.#accounts.canSee(a));
    if (seesAccount || this.#caller.kind === 'service' || (await this.#accounts.isGranted(tx, sides))) {
      return { tx, accountId: null, entry: null };
    }
    return null;
  }

  #isOwner(account: AccountData): boolean {
    return this.#caller.kind === 'user' && account.ownerId === this.#caller.userId;
  }

  async #ownSide(id: string): Promise<TransactionView & { entry: LedgerEntry }> {
    requireUser(this.#caller);
    const view = await this.#visible(id);
    if (!view) throw new NotFoundError('Transaction');
    if (view.accountId === null)
      throw new ForbiddenError('Only the owner of an account in the transaction can label it.');
    if (!view.entry) throw new BadUserInputError('Only posted transactions can be labelled.', 'id');
    return view as TransactionView & { entry: LedgerEntry };
  }
}

function amountFilter(value: string, currency: Currency, field: string): bigint {
  try {
    const minor = toMinorUnits(value, currency);
    if (minor < 0n) throw new BadUserInputError(`"${field}" must not be negative.`, field);
    return minor;
  } catch (error) {
    if (error instanceof InvalidAmountError)
      throw new BadUserInputError(`"${field}" is not a valid ${currency} amount.`, field);
    throw error;
  }
}
