/**
 * Demo accounts of the embedded default (`npm start` outside production),
 * written on the first start so that the demo users' first dashboard is not
 * empty: a checking and a savings account for the demo customer and a
 * BUSINESS account for the demo owner's bakery, all in USD, with about three
 * months of history: pay and sales deposits, card purchases and direct
 * debits in several categories, rent, transfers between the customer's own
 * accounts, a cash withdrawal.
 *
 * Every movement goes through the ledger (ledger.ts) as a request would:
 * double entry, balances kept with the entries, money entering and leaving
 * the bank through the SYSTEM cash account. Two things differ, both set only
 * here: each posting carries the time it happened (the ledger's clock), and
 * it writes no domain event (three months of past transfers are nobody's
 * news: messaging would notify each one now).
 *
 * Card purchases and direct debits are transfers to someone outside the
 * bank, so they are TRANSFERs into the CASH account: the banking subgraph
 * guesses their category from the description (services/categories.ts), as
 * it does for any transfer, and spending summaries count them.
 *
 * All of it is written in one database transaction, only when none of the
 * demo accounts exists: a second start adds nothing.
 */
import { randomInt } from 'node:crypto';
import type { Caller } from '../../../platform/caller.ts';
import { DEMO_ACCOUNTS, DEMO_CUSTOMER, DEMO_OWNER, type DemoUser } from '../../../platform/demo-data.ts';
import { fromMinorUnits } from '../../../platform/money.ts';
import type { StartDeps } from '../../../platform/subgraph.ts';
import { Account, type AccountType } from './entities/index.ts';
import { AccountService } from './services/account-service.ts';
import { Ledger, type PostingRequest } from './services/ledger.ts';

/** How many days of history the demo accounts have. */
export const DEMO_HISTORY_DAYS = 92;
/** No demo purchase takes an account below this (minor units): the history never overdraws. */
const FLOOR = 100_00n;
const CURRENCY = 'USD';
const DAY_MS = 86_400_000;

/** The demo accounts, each with its owner. */
export const DEMO_BANK_ACCOUNTS: readonly { id: string; owner: DemoUser; type: AccountType; nickname: string }[] = [
  { id: DEMO_ACCOUNTS.customerChecking, owner: DEMO_CUSTOMER, type: 'CHECKING', nickname: 'Everyday checking' },
  { id: DEMO_ACCOUNTS.customerSavings, owner: DEMO_CUSTOMER, type: 'SAVINGS', nickname: 'Rainy-day savings' },
  { id: DEMO_ACCOUNTS.ownerBusiness, owner: DEMO_OWNER, type: 'BUSINESS', nickname: 'Omar’s Bakery operating' },
];

/**
 * One movement of the demo history, in minor units:
 * - `deposit`: money in from outside (pay, sales), from CASH;
 * - `withdrawal`: cash out at an ATM, to CASH;
 * - `payment`: a card purchase, direct debit or rent, a TRANSFER to CASH;
 * - `transfer`: between two of one owner's accounts.
 */
export type DemoPosting = { at: Date; amount: bigint; description: string } & (
  | { type: 'deposit' | 'withdrawal' | 'payment'; accountId: string }
  | { type: 'transfer'; accountId: string; toAccountId: string }
);

/** Writes the demo accounts and their history, unless a demo account exists already. */
export async function seedDemoAccounts({ orm, logger }: StartDeps): Promise<void> {
  const em = orm.em.fork();
  if ((await em.count(Account, { id: { $in: DEMO_BANK_ACCOUNTS.map((a) => a.id) } })) > 0) return;
  const now = new Date();
  const history = demoHistory(now);
  await em.transactional(async (trx) => {
    const cash = await new AccountService(trx, { kind: 'anonymous' }).cashAccount(CURRENCY);
    const openedAt = new Date(historyStart(now).getTime() + 8 * 3_600_000);
    for (const account of DEMO_BANK_ACCOUNTS) {
      trx.create(Account, {
        id: account.id,
        ownerId: account.owner.id,
        type: account.type,
        currency: CURRENCY,
        number: accountNumber(),
        nickname: account.nickname,
        status: 'ACTIVE',
        balance: 0n,
        held: 0n,
        lowBalanceThreshold: null,
        systemPurpose: null,
        openedAt,
      });
    }
    await trx.flush();
    for (const [index, posting] of history.entries()) {
      const owner = ownerOf(posting.accountId);
      const caller: Caller = { kind: 'user', userId: owner.id, roles: [owner.role] };
      const ledger = new Ledger(trx, caller, { clock: () => posting.at, events: false });
      await ledger.post(postingRequest(posting, cash.id, `demo-history-${index + 1}`, owner));
    }
  });
  logger.info({ accounts: DEMO_BANK_ACCOUNTS.length, transactions: history.length }, 'demo accounts created');
}

function ownerOf(accountId: string): DemoUser {
  const account = DEMO_BANK_ACCOUNTS.find((a) => a.id === accountId);
  if (!account) throw new Error(`not a demo account: ${accountId}`);
  return account.owner;
}

/** The ledger request of one movement; money leaves only accounts of `owner`. */
function postingRequest(posting: DemoPosting, cashId: string, idempotencyKey: string, owner: DemoUser): PostingRequest {
  const common = {
    amount: fromMinorUnits(posting.amount, CURRENCY),
    description: posting.description,
    idempotencyKey,
    pending: false,
    authorize: (from: Account, to: Account) => {
      const own = posting.type === 'deposit' ? to : from;
      if (own.ownerId !== owner.id) throw new Error(`demo posting on an account not of ${owner.email}`);
    },
  };
  switch (posting.type) {
    case 'deposit':
      return {
        ...common,
        operation: 'deposit',
        kind: 'DEPOSIT',
        fromAccountId: cashId,
        toAccountId: posting.accountId,
      };
    case 'withdrawal':
      return {
        ...common,
        operation: 'withdraw',
        kind: 'WITHDRAWAL',
        fromAccountId: posting.accountId,
        toAccountId: cashId,
      };
    case 'payment':
      return {
        ...common,
        operation: 'transfer',
        kind: 'TRANSFER',
        fromAccountId: posting.accountId,
        toAccountId: cashId,
      };
    case 'transfer':
      return {
        ...common,
        operation: 'transfer',
        kind: 'TRANSFER',
        fromAccountId: posting.accountId,
        toAccountId: posting.toAccountId,
      };
  }
}

/** A 12-digit account number, like the ones accounts are opened with. */
function accountNumber(): string {
  return Array.from({ length: 12 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join('');
}

/** Midnight (UTC) {@link DEMO_HISTORY_DAYS} days before `now`. */
function historyStart(now: Date): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - DEMO_HISTORY_DAYS * DAY_MS);
}

/**
 * A small deterministic generator (mulberry32 on integers): the same story
 * on every first start, with amounts that vary like real ones.
 */
function amounts(seed: number): (min: bigint, max: bigint) => bigint {
  let state = seed >>> 0;
  return (min, max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const word = BigInt((t ^ (t >>> 14)) >>> 0);
    return min + (word % (max - min + 1n));
  };
}

/**
 * The demo history up to `now`, oldest first: what the demo customer and
 * owner did every day for {@link DEMO_HISTORY_DAYS} days. Purchases that
 * would take an account below {@link FLOOR} are left out, so the history
 * never overdraws. Direct debits of the billers that send the demo users
 * bills (billing's demo data) stop three weeks before `now`: this month's
 * are the bills still due.
 */
export function demoHistory(now: Date): DemoPosting[] {
  const pick = amounts(2026);
  const start = historyStart(now);
  const recentBillsFrom = now.getTime() - 21 * DAY_MS;
  const checking = DEMO_ACCOUNTS.customerChecking;
  const savings = DEMO_ACCOUNTS.customerSavings;
  const business = DEMO_ACCOUNTS.ownerBusiness;
  const planned: DemoPosting[] = [];

  for (let d = 0; d <= DEMO_HISTORY_DAYS; d += 1) {
    const day = new Date(start.getTime() + d * DAY_MS);
    const dom = day.getUTCDate();
    const dow = day.getUTCDay();
    const lastOfMonth = new Date(day.getTime() + DAY_MS).getUTCDate() === 1;
    const at = (hour: number, minute: number) => new Date(day.getTime() + (hour * 60 + minute) * 60_000);
    const add = (posting: DemoPosting) => {
      if (posting.at < now) planned.push(posting);
    };
    const deposit = (accountId: string, hour: number, amount: bigint, description: string) =>
      add({ type: 'deposit', accountId, at: at(hour, Number(pick(0n, 50n))), amount, description });
    const pay = (accountId: string, hour: number, amount: bigint, description: string) =>
      add({ type: 'payment', accountId, at: at(hour, Number(pick(0n, 59n))), amount, description });
    const directDebit = (accountId: string, amount: bigint, description: string) => {
      if (day.getTime() < recentBillsFrom) pay(accountId, 7, amount, `Direct debit · ${description}`);
    };

    // Carla Customer: checking and savings.
    if (d === 0) {
      deposit(checking, 9, 1_850_00n, 'Opening deposit');
      deposit(savings, 9, 6_000_00n, 'Opening deposit');
    }
    if (dom === 1 || dom === 15) deposit(checking, 6, 2_050_00n, 'Payroll · Northwind Traders salary');
    if (dom === 1) pay(checking, 10, 1_450_00n, 'Rent · Maple Court Apartments');
    if (dom === 2) {
      add({
        type: 'transfer',
        accountId: checking,
        toAccountId: savings,
        at: at(9, 0),
        amount: 300_00n,
        description: 'Monthly transfer to savings',
      });
    }
    if (dom === 3) pay(checking, 8, 90_00n, 'Card · Metro transit pass');
    if (dom === 5) directDebit(checking, pick(80_00n, 115_00n), 'City Power & Light electricity');
    if (dom === 8) directDebit(checking, pick(32_00n, 45_00n), 'Metro Water Authority water');
    if (dom === 9) pay(checking, 3, 15_49n, 'Card · Netflix subscription');
    if (dom === 12) directDebit(checking, 55_00n, 'Horizon Wireless phone');
    if (dom === 18) directDebit(checking, 64_99n, 'FiberNet Internet broadband');
    if (dom === 20) {
      const amount = pick(3n, 5n) * 20_00n;
      add({ type: 'withdrawal', accountId: checking, at: at(17, 5), amount, description: 'ATM withdrawal' });
    }
    if (dom === 21) pay(checking, 3, 10_99n, 'Card · Spotify Premium');
    if (lastOfMonth) deposit(savings, 23, pick(3_50n, 5_50n), 'Savings interest');
    if (dow === 0 || dow === 3) {
      const shop = ['Card · Green Valley Supermarket', 'Card · Corner Market groceries', 'Card · Fresh Farm Grocery'];
      pay(checking, 18, pick(35_00n, 140_00n), shop[d % shop.length] as string);
    }
    if (dow === 2) pay(checking, 8, pick(4_50n, 7_80n), 'Card · Morning Brew coffee');
    if (dow === 4) pay(checking, 12, pick(11_00n, 18_00n), 'Card · Burger Barn lunch');
    if (dow === 5) {
      const dinner = ['Card · Luigi’s Pizza', 'Card · Sakura Sushi dinner', 'Card · Blue Door Cafe'];
      pay(checking, 20, pick(28_00n, 65_00n), dinner[Math.floor(d / 7) % dinner.length] as string);
    }
    if (dow === 6 && Math.floor(d / 7) % 2 === 0) pay(checking, 11, pick(38_00n, 62_00n), 'Card · Shell fuel');
    if (d % 9 === 4) pay(checking, 22, pick(14_00n, 32_00n), 'Card · Uber trip');
    if (d % 11 === 6) pay(checking, 19, pick(18_00n, 120_00n), 'Card · Amazon order');
    if (d % 29 === 13) pay(checking, 15, pick(45_00n, 90_00n), 'Card · Urban Threads clothing');
    if (d % 31 === 17) pay(checking, 16, pick(12_00n, 40_00n), 'Card · CVS Pharmacy');
    if (d % 26 === 10) pay(checking, 21, 24_00n, 'Card · Cinema tickets');
    if (d === 50) {
      add({
        type: 'transfer',
        accountId: savings,
        toAccountId: checking,
        at: at(12, 30),
        amount: 400_00n,
        description: 'Top-up from savings',
      });
    }

    // Omar’s Bakery LLC: one business account.
    if (d === 0) deposit(business, 9, 25_000_00n, 'Opening deposit');
    if (dow === 1) deposit(business, 9, pick(600_00n, 1_200_00n), 'Cash deposit · weekend takings');
    if (dow === 2 || dow === 5) deposit(business, 6, pick(1_800_00n, 3_400_00n), 'Card sales settlement · Square');
    if (dom === 1) pay(business, 10, 3_200_00n, 'Rent · 14 Baker Street shop lease');
    if (dom === 3) pay(business, 5, pick(180_00n, 260_00n), 'Card processing fees · Square');
    if (dom === 6) directDebit(business, pick(380_00n, 460_00n), 'City Power & Light electricity');
    if (dom === 10) directDebit(business, pick(240_00n, 320_00n), 'Northern Gas Company gas');
    if (dom === 16) directDebit(business, 89_99n, 'FiberNet Internet broadband');
    if (dom === 15 || lastOfMonth) pay(business, 16, 6_800_00n, 'Staff pay run · Gusto');
    if (dow === 4) {
      pay(business, 5, pick(900_00n, 1_600_00n), 'Card · Riverside Wholesale Market (flour, butter, eggs)');
    }
    if (dow === 3 && Math.floor(d / 7) % 2 === 1)
      pay(business, 14, pick(120_00n, 260_00n), 'Card · PackRight packaging store');
    if (dow === 6) pay(business, 7, pick(60_00n, 95_00n), 'Card · Shell fuel (delivery van)');
  }

  // In time order (the ledger's creation order is the history's order), leaving out what would overdraw.
  planned.sort((a, b) => a.at.getTime() - b.at.getTime());
  const balances = new Map<string, bigint>();
  const history: DemoPosting[] = [];
  for (const posting of planned) {
    const balance = balances.get(posting.accountId) ?? 0n;
    if (posting.type === 'deposit') {
      balances.set(posting.accountId, balance + posting.amount);
    } else {
      if (balance - posting.amount < FLOOR) continue;
      balances.set(posting.accountId, balance - posting.amount);
      if (posting.type === 'transfer') {
        balances.set(posting.toAccountId, (balances.get(posting.toAccountId) ?? 0n) + posting.amount);
      }
    }
    history.push(posting);
  }
  return history;
}
