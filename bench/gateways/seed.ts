/**
 * The benchmark's bank, made through the router as clients make it: bankers
 * with lending profiles, and business owners each with 2 or 3 accounts
 * holding about `transactions` transactions each (a deposit, then transfers
 * between their own accounts), bills, loan applications to a banker, and
 * conversations with that banker.
 */
import { addBill, billerOf } from '../../test/support/billing.ts';
import {
  bankerWithProfile,
  businessOwner,
  deposit,
  openAccount,
  submitApplication,
} from '../../test/support/lending.ts';
import { inParallel } from '../../test/support/parallel.ts';
import { must, startConversation, type SignedUp } from '../../test/support/people.ts';
import { TRANSFER } from './operations.ts';
import type { BenchUser } from './setup.ts';

export interface SeedSize {
  users: number;
  /** Transactions per account, about. */
  transactions: number;
  billsPerUser: number;
  loansPerUser: number;
  conversationsPerUser: number;
}

const BANKERS = 5;

async function seedUser(
  url: string,
  u: number,
  size: SeedSize,
  bankers: SignedUp[],
  billerId: string,
): Promise<BenchUser> {
  const owner = await businessOwner(url, `bench-owner-${u}`);
  const accounts: string[] = [];
  for (let a = 0; a < 2 + (u % 2); a += 1) accounts.push(await openAccount(url, owner));
  // Both accounts the load moves money between are funded: its transfers may run in any order.
  await deposit(url, owner, accounts[0] as string, '100000.00');
  await deposit(url, owner, accounts[1] as string, '1000.00');
  // Each transfer is a transaction of two accounts: about `transactions` on every account.
  const transfers = accounts.length === 2 ? size.transactions - 1 : Math.ceil((3 * size.transactions) / 2) - 1;
  for (let t = 0; t < transfers; t += 1) {
    const from = accounts[t % accounts.length] as string;
    const to = accounts[(t + 1) % accounts.length] as string;
    // The first transfers leave the funded account; later ones pass money on.
    await must(
      url,
      TRANSFER,
      { input: { fromAccountId: from, toAccountId: to, amount: '10.00', idempotencyKey: `seed-${u}-${t}` } },
      owner.token,
    );
  }
  for (let b = 0; b < size.billsPerUser; b += 1) {
    await addBill(url, owner, { billerId, amount: `${100 + b}.00`, customerReference: `REF-${u}-${b}` });
  }
  const banker = bankers[u % bankers.length] as SignedUp;
  const applications: string[] = [];
  for (let l = 0; l < size.loansPerUser; l += 1) applications.push(await submitApplication(url, owner, banker));
  for (let c = 0; c < size.conversationsPerUser; c += 1) {
    await startConversation(url, owner.token, {
      participantId: banker.id,
      subject: `About application ${c + 1}`,
      body: 'Could we talk about the terms?',
      ...(applications[c] ? { loanApplicationId: applications[c] } : {}),
    });
  }
  return { token: owner.token, accounts: [accounts[0] as string, accounts[1] as string] };
}

/** Seeds the bank through the router at `url`; returns the users the load rotates through. */
export async function seed(url: string, size: SeedSize): Promise<BenchUser[]> {
  const bankers: SignedUp[] = [];
  for (let b = 0; b < BANKERS; b += 1) bankers.push(await bankerWithProfile(url, `bench-banker-${b}`));
  const biller = await billerOf(url, bankers[0] as SignedUp);
  const users: BenchUser[] = new Array<BenchUser>(size.users);
  await inParallel(size.users, 8, async (u) => {
    users[u] = await seedUser(url, u, size, bankers, biller.id);
  });
  return users;
}
