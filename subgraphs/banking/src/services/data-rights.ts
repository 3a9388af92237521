/**
 * Banking's part of the customer's data rights (platform/data-rights.ts):
 * the export section (accounts, every entry of the ledger on them, monthly
 * statements), what stops an erasure (money on an account, pending holds),
 * and the anonymization after one.
 *
 * The ledger stays as the law requires: transactions, entries, amounts and
 * balances are never touched, so the ledger's invariants hold after an
 * erasure. What the customer wrote for themself goes (account nicknames,
 * tags, the low-balance alert), and their emptied accounts are CLOSED. The
 * account's owner id stays: identity keeps only an anonymous "Erased user"
 * behind it.
 */
import { requireService, type Caller } from '../../../../platform/caller.ts';
import { iso, type DataSection, type ErasureBlocker } from '../../../../platform/data-rights.ts';
import { fromMinorUnits, type Currency } from '../../../../platform/money.ts';
import { sql, type EntityManager } from '../../../../platform/orm.ts';
import { parseId } from '../../../../platform/validation.ts';

const masked = (number: string): string => `•••• ${number.slice(-4)}`;
const amount = (minor: string | bigint, currency: string): string =>
  fromMinorUnits(BigInt(minor), currency as Currency);

interface AccountRow {
  id: string;
  type: string;
  currency: string;
  number: string;
  nickname: string | null;
  status: string;
  balance: string;
  held: string;
  low_balance_threshold: string | null;
  opened_at: Date;
}

interface EntryRow {
  transaction_id: string;
  account_id: string;
  amount: string;
  currency: string;
  category: string;
  tags: string[];
  posted_at: Date;
  kind: string;
  description: string | null;
}

interface HoldRow {
  id: string;
  kind: string;
  amount: string;
  currency: string;
  from_account_id: string;
  to_account_id: string;
  description: string | null;
  created_at: Date;
}

/** `YYYY-MM` of a time, in UTC (the bank's calendar). */
const monthOf = (at: Date): string => new Date(at).toISOString().slice(0, 7);

export class BankingDataRights {
  readonly #em: EntityManager;
  readonly #caller: Caller;

  constructor(em: EntityManager, caller: Caller) {
    this.#em = em;
    this.#caller = caller;
  }

  /** Identity only: everything banking holds about `userId`. */
  async personalData(rawUserId: string): Promise<DataSection> {
    requireService(this.#caller, 'identity');
    const userId = parseId(rawUserId, 'userId');
    const em = this.#em.fork();
    const accounts = await sql<AccountRow>(
      em,
      `select id, type, currency, number, nickname, status, balance::text as balance, held::text as held,
              low_balance_threshold::text as low_balance_threshold, opened_at
         from accounts where owner_id = ? and type <> 'SYSTEM' order by opened_at, id`,
      [userId],
    );
    const ids = accounts.map((a) => a.id);
    const entries =
      ids.length === 0
        ? []
        : await sql<EntryRow>(
            em,
            `select e.transaction_id, e.account_id, e.amount::text as amount, e.currency, e.category, e.tags, e.posted_at,
                    t.kind, t.description
               from entries e join transactions t on t.id = e.transaction_id
              where e.account_id in (?) order by e.seq`,
            [ids],
          );
    const holds =
      ids.length === 0
        ? []
        : await sql<HoldRow>(
            em,
            `select id, kind, amount::text as amount, currency, from_account_id, to_account_id, description, created_at
               from transactions where status = 'PENDING' and (from_account_id in (?) or to_account_id in (?)) order by seq`,
            [ids, ids],
          );

    const statements: Record<string, unknown>[] = [];
    for (const account of accounts) {
      // Every month from the opening to the last entry, with its opening and closing balance (closing = opening + credits - debits).
      const own = entries.filter((e) => e.account_id === account.id);
      const months = new Map<string, { credits: bigint; debits: bigint; count: number }>();
      for (const e of own) {
        const month = months.get(monthOf(e.posted_at)) ?? { credits: 0n, debits: 0n, count: 0 };
        const value = BigInt(e.amount);
        if (value > 0n) month.credits += value;
        else month.debits -= value;
        month.count += 1;
        months.set(monthOf(e.posted_at), month);
      }
      let running = 0n;
      for (const [month, totals] of [...months.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const opening = running;
        running = opening + totals.credits - totals.debits;
        statements.push({
          accountId: account.id,
          month,
          openingBalance: amount(opening, account.currency),
          credits: amount(totals.credits, account.currency),
          debits: amount(totals.debits, account.currency),
          closingBalance: amount(running, account.currency),
          entries: totals.count,
        });
      }
    }

    return {
      counts: {
        accounts: accounts.length,
        transactions: entries.length,
        pendingHolds: holds.length,
        statements: statements.length,
      },
      data: {
        accounts: accounts.map((a) => ({
          id: a.id,
          // Only the last four digits of an account number ever leave banking, here too.
          maskedNumber: masked(a.number),
          type: a.type,
          currency: a.currency,
          nickname: a.nickname,
          status: a.status,
          balance: amount(a.balance, a.currency),
          held: amount(a.held, a.currency),
          lowBalanceThreshold: a.low_balance_threshold === null ? null : amount(a.low_balance_threshold, a.currency),
          openedAt: iso(a.opened_at),
        })),
        transactions: entries.map((e) => ({
          transactionId: e.transaction_id,
          accountId: e.account_id,
          kind: e.kind,
          amount: amount(e.amount, e.currency),
          currency: e.currency,
          description: e.description,
          category: e.category,
          tags: e.tags,
          postedAt: iso(e.posted_at),
        })),
        pendingHolds: holds.map((h) => ({
          transactionId: h.id,
          kind: h.kind,
          amount: amount(h.amount, h.currency),
          currency: h.currency,
          fromAccountId: ids.includes(h.from_account_id) ? h.from_account_id : null,
          toAccountId: ids.includes(h.to_account_id) ? h.to_account_id : null,
          description: h.description,
          createdAt: iso(h.created_at),
        })),
        statements,
      },
    };
  }

  /** Identity only: what in banking stops `userId`'s erasure (money on an account, pending holds). */
  async erasureBlockers(rawUserId: string): Promise<ErasureBlocker[]> {
    requireService(this.#caller, 'identity');
    const userId = parseId(rawUserId, 'userId');
    const rows = await sql<{ number: string; currency: string; balance: string; held: string }>(
      this.#em.fork(),
      `select number, currency, balance::text as balance, held::text as held
         from accounts where owner_id = ? and type <> 'SYSTEM' and (balance <> 0 or held <> 0) order by opened_at, id`,
      [userId],
    );
    const blockers: ErasureBlocker[] = [];
    for (const row of rows) {
      if (row.held !== '0') {
        blockers.push({
          reason: 'PENDING_HOLDS',
          message: `Account ${masked(row.number)} has ${amount(row.held, row.currency)} ${row.currency} held for payments still in progress: wait until they complete.`,
        });
      }
      if (row.balance !== '0') {
        blockers.push({
          reason: 'ACCOUNT_HAS_BALANCE',
          message: `Account ${masked(row.number)} holds ${amount(row.balance, row.currency)} ${row.currency}: withdraw or transfer it first.`,
        });
      }
    }
    return blockers;
  }
}

/**
 * Anonymizes `userId`'s banking data (consumer group `banking-erasure`):
 * nicknames, alerts and tags go; accounts with nothing on them are CLOSED
 * (one that received money between identity's check and now stays open, and
 * is logged by the caller's consumer as a normal account of an erased user).
 * Entries, transactions and balances are kept.
 */
export async function eraseBankingData(em: EntityManager, userId: string): Promise<void> {
  await sql(
    em,
    `update entries set tags = '{}' where tags <> '{}' and account_id in (select id from accounts where owner_id = ?)`,
    [userId],
  );
  await sql(
    em,
    `update accounts set nickname = null, low_balance_threshold = null,
            status = case when balance = 0 and held = 0 then 'CLOSED' else status end
      where owner_id = ? and type <> 'SYSTEM'`,
    [userId],
  );
}

/** Banking's consumer group of identity's erasure events. */
export const ERASURE_CONSUMER_GROUP = 'banking-erasure';
