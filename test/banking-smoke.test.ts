import {
  AccountSummaryDocument,
  DepositDocument,
  MyAccountsDocument,
  OpenAccountDocument,
  RegisterDocument,
  TransferDocument,
  WithdrawDocument,
} from './generated/operations.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let bank: TestStack;
beforeAll(async () => {
  bank = await startTestStack();
});
afterAll(async () => {
  await bank?.close();
});

async function customer(email: string) {
  const r = await bank.request(RegisterDocument, {
    input: { email, password: 'correct horse battery staple', name: email.split('@')[0]!, role: 'CUSTOMER' },
  });
  expect(r.errors).toBeUndefined();
  return r.data!.register;
}

test('open, deposit, transfer, withdraw, summary across subgraphs', async () => {
  const alice = await customer('alice@example.com');
  const bob = await customer('bob@example.com');
  const a = await bank.request(
    OpenAccountDocument,
    { input: { type: 'CHECKING', currency: 'USD' } },
    alice.accessToken,
  );
  expect(a.errors).toBeUndefined();
  const b = await bank.request(OpenAccountDocument, { input: { type: 'SAVINGS', currency: 'USD' } }, bob.accessToken);
  const aId = a.data!.openAccount.id;
  const bId = b.data!.openAccount.id;

  const dep = await bank.request(
    DepositDocument,
    { input: { accountId: aId, amount: '100.00', idempotencyKey: 'd1' } },
    alice.accessToken,
  );
  expect(dep.errors).toBeUndefined();
  expect(dep.data!.deposit).toMatchObject({
    kind: 'DEPOSIT',
    status: 'POSTED',
    category: 'INCOME',
    amount: { amount: '100.00', currency: 'USD' },
  });

  const again = await bank.request(
    DepositDocument,
    { input: { accountId: aId, amount: '100.00', idempotencyKey: 'd1' } },
    alice.accessToken,
  );
  expect(again.data!.deposit.id).toBe(dep.data!.deposit.id);

  const t = await bank.request(
    TransferDocument,
    {
      input: {
        fromAccountId: aId,
        toAccountId: bId,
        amount: '30.25',
        idempotencyKey: 't1',
        description: 'Pizza night',
      },
    },
    alice.accessToken,
  );
  expect(t.errors).toBeUndefined();
  expect(t.data!.transfer).toMatchObject({ category: 'DINING', signedAmount: { amount: '-30.25' }, toAccount: null });

  const w = await bank.request(
    WithdrawDocument,
    { input: { accountId: aId, amount: '1000.00', idempotencyKey: 'w1' } },
    alice.accessToken,
  );
  expect(w.errors?.[0]?.extensions.code).toBe('INSUFFICIENT_FUNDS');

  const summary = await bank.request(AccountSummaryDocument, { id: aId }, alice.accessToken);
  expect(summary.errors).toBeUndefined();
  expect(summary.data!.account).toMatchObject({
    balance: { amount: '69.75', currency: 'USD' },
    owner: { name: 'alice' },
  });
  expect(summary.data!.account!.transactions.edges.map((e) => e.node.kind)).toEqual(['TRANSFER', 'DEPOSIT']);

  const mine = await bank.request(MyAccountsDocument, {}, bob.accessToken);
  expect(mine.data!.me!.accounts[0]!.balance.amount).toBe('30.25');

  const peek = await bank.request(AccountSummaryDocument, { id: aId }, bob.accessToken);
  expect(peek.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
});
