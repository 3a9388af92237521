/**
 * The billing story end to end, through the router only: a customer adds a
 * bill, sees it among the upcoming bills on their account summary (billing's
 * field reached through banking's Account.owner), pays it, and sees the
 * payment in their history and the debit in the account's transactions.
 */
import { balanceOf, deposit, openAccount } from './support/lending.ts';
import { addBill, billerOf, dayFromToday, PAY_BILL } from './support/billing.ts';
import { must, signUp } from './support/people.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let bank: TestStack;

beforeAll(async () => {
  bank = await startTestStack();
}, 60_000);
afterAll(async () => {
  await bank?.close();
});

test('add a bill, see it upcoming on the account summary, pay it, see the payment and the debit', async () => {
  const url = bank.routerUrl;
  const carla = await signUp(url, 'carla', 'CUSTOMER');
  const account = await openAccount(url, carla, 'CHECKING');
  await deposit(url, carla, account, '500.00');
  const biller = await billerOf(url, carla, 'UTILITIES');
  const billId = await addBill(url, carla, { billerId: biller.id, amount: '120.50', dueDate: dayFromToday(5) });

  const SUMMARY = `query($id: ID!) {
    account(id: $id) {
      balance { amount }
      owner { name upcomingBills(days: 30) { id status amount { amount } biller { name } dueDate } }
    }
  }`;
  const { account: summary } = await must<{
    account: { owner: { name: string; upcomingBills: { id: string; status: string; biller: { name: string } }[] } };
  }>(url, SUMMARY, { id: account }, carla.token);
  expect(summary.owner.name).toBe('carla');
  expect(summary.owner.upcomingBills).toEqual([
    {
      id: billId,
      status: 'DUE',
      amount: { amount: '120.50' },
      biller: { name: biller.name },
      dueDate: dayFromToday(5),
    },
  ]);

  const { payBill } = await must<{
    payBill: {
      id: string;
      status: string;
      transaction: { id: string } | null;
      bill: { status: string; remaining: { amount: string } };
    };
  }>(
    url,
    PAY_BILL,
    { input: { billId, fromAccountId: account, amount: '120.50', idempotencyKey: 'pay-1' } },
    carla.token,
  );
  expect(payBill).toMatchObject({ status: 'COMPLETED', bill: { status: 'PAID', remaining: { amount: '0.00' } } });
  expect(payBill.transaction).not.toBeNull();
  expect(await balanceOf(url, carla, account)).toBe('379.50');

  const HISTORY = `query($id: ID!) {
    me { billPayments(first: 10) { edges { node { id status amount { amount } bill { id } transaction { id } } } } }
    account(id: $id) { transactions(first: 10) { edges { node { id kind status signedAmount { amount } } } } }
  }`;
  const history = await must<{
    me: { billPayments: { edges: { node: { id: string; transaction: { id: string } } }[] } };
    account: {
      transactions: {
        edges: { node: { id: string; kind: string; status: string; signedAmount: { amount: string } } }[];
      };
    };
  }>(url, HISTORY, { id: account }, carla.token);
  expect(history.me.billPayments.edges.map((e) => e.node)).toEqual([
    {
      id: payBill.id,
      status: 'COMPLETED',
      amount: { amount: '120.50' },
      bill: { id: billId },
      transaction: { id: payBill.transaction!.id },
    },
  ]);
  const debit = history.account.transactions.edges.map((e) => e.node).find((t) => t.id === payBill.transaction!.id);
  expect(debit).toEqual({
    id: payBill.transaction!.id,
    kind: 'BILL_PAYMENT',
    status: 'POSTED',
    signedAmount: { amount: '-120.50' },
  });
  const { me } = await must<{ me: { upcomingBills: unknown[] } }>(
    url,
    `query { me { upcomingBills { id } } }`,
    {},
    carla.token,
  );
  expect(me.upcomingBills).toEqual([]);
});
