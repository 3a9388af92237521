/**
 * Who sees what in billing, on every path: `bill(id)` and `billPayment(id)`
 * through the router (the owner and ADMINs; NOT_FOUND for everyone else),
 * the `_entities` references the router resolves for Bill, BillPayment,
 * ScheduledPayment and Biller (null for those who may not see them), the
 * fields billing adds to another user's User (FORBIDDEN but for ADMINs), and
 * the pages of `billPayments`.
 */
import type { Caller, Role } from '../platform/caller.ts';
import { addBill, billerOf, dayFromToday, payBill, refusalOf, schedulePayment } from './support/billing.ts';
import { deposit, openAccount } from './support/lending.ts';
import { createStaff, must, signInAdmin, signUp, startConversation, type SignedUp } from './support/people.ts';
import { callSubgraph, postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

let bank: TestStack;
let url: string;
let alice: SignedUp;
let bob: SignedUp;
let banker: SignedUp;
let officer: SignedUp;
let admin: SignedUp;
let billerId: string;
let account: string;
let bill: string;
let scheduledBill: string;
let schedule: string;
/** Alice's payments, oldest first. */
const payments: string[] = [];

const roles = new Map<SignedUp, Role[]>();
const callerOf = (user: SignedUp): Caller => ({ kind: 'user', userId: user.id, roles: roles.get(user)! });
const ANONYMOUS: Caller = { kind: 'anonymous' };

const gql = (query: string, variables: Record<string, unknown> = {}, token?: string): Promise<JsonResponse> =>
  postGraphQL(url, query, variables, token);

const BILL = `query($id: ID!) {
  bill(id: $id) {
    id status owner { id } amount { amount } paid { amount } customerReference
    payments { id } scheduledPayments { id status }
  }
}`;
const PAYMENT = `query($id: ID!) {
  billPayment(id: $id) { id status amount { amount } fromAccount { id } bill { id } scheduledPayment { id } }
}`;
const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Bill { id billStatus: status }
    ... on BillPayment { id paymentStatus: status }
    ... on ScheduledPayment { id scheduleStatus: status }
    ... on Biller { id name }
  }
}`;
const PAGE = `query($first: Int, $after: String) {
  me { billPayments(first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }
}`;

interface Page {
  ids: string[];
  hasNextPage: boolean;
  endCursor: string | null;
}

async function page(user: SignedUp, first?: number, after?: string | null): Promise<Page> {
  const variables: Record<string, unknown> = {};
  if (first !== undefined) variables.first = first;
  if (after !== undefined) variables.after = after;
  const { me } = await must<{
    me: {
      billPayments: {
        edges: { cursor: string; node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
  }>(url, PAGE, variables, user.token);
  const { edges, pageInfo } = me.billPayments;
  if (edges.length) expect(pageInfo.endCursor).toBe(edges.at(-1)!.cursor);
  return { ids: edges.map((e) => e.node.id), ...pageInfo };
}

async function entities(caller: Caller, representations: Record<string, unknown>[]): Promise<JsonResponse> {
  return callSubgraph(bank, 'billing', caller, ENTITIES, { representations });
}

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  [alice, bob, banker, officer, admin] = await Promise.all([
    signUp(url, 'alice', 'CUSTOMER'),
    signUp(url, 'bob', 'BUSINESS_OWNER', { businessName: 'Bob Bakery', industry: 'Bakeries' }),
    signUp(url, 'bea', 'BANKER', { institution: 'Bank Supergraph', title: 'Commercial Lender' }),
    createStaff(url, 'rolf', 'RISK_OFFICER'),
    signInAdmin(url),
  ]);
  roles.set(alice, ['CUSTOMER']).set(bob, ['BUSINESS_OWNER']).set(banker, ['BANKER']);
  roles.set(officer, ['RISK_OFFICER']).set(admin, ['ADMIN']);
  account = await openAccount(url, alice, 'CHECKING');
  await deposit(url, alice, account, '1000.00');
  billerId = (await billerOf(url, alice, 'INSURANCE')).id;
  bill = await addBill(url, alice, {
    billerId,
    amount: '100.00',
    dueDate: dayFromToday(20),
    customerReference: 'POL-99',
  });
  // Five payments, one at a time: their order is the order of the pages.
  for (const amount of ['10.00', '11.00', '12.00', '13.00', '14.00']) {
    payments.push((await payBill(url, alice, { billId: bill, fromAccountId: account, amount })).id);
  }
  scheduledBill = await addBill(url, alice, { billerId, amount: '30.00', dueDate: dayFromToday(40) });
  schedule = await schedulePayment(url, alice, {
    billId: scheduledBill,
    fromAccountId: account,
    payOn: dayFromToday(35),
  });
}, 60_000);
afterAll(async () => {
  await bank?.close();
});

describe('bill(id) and billPayment(id) through the router', () => {
  test('the owner and ADMINs see a bill, with its payments and schedules', async () => {
    const expected = {
      bill: {
        id: bill,
        status: 'DUE',
        owner: { id: alice.id },
        amount: { amount: '100.00' },
        paid: { amount: '60.00' },
        customerReference: 'POL-99',
        payments: payments.map((id) => ({ id })),
        scheduledPayments: [],
      },
    };
    expect(await must(url, BILL, { id: bill }, alice.token)).toEqual(expected);
    expect(await must(url, BILL, { id: bill }, admin.token)).toEqual(expected);
    const scheduled = await must<{ bill: { scheduledPayments: unknown[] } }>(
      url,
      BILL,
      { id: scheduledBill },
      admin.token,
    );
    expect(scheduled.bill.scheduledPayments).toEqual([{ id: schedule, status: 'SCHEDULED' }]);
  });

  test('anyone else gets NOT_FOUND on id, with no data', async () => {
    for (const user of [bob, banker, officer]) {
      for (const id of [bill, scheduledBill]) {
        const result = await gql(BILL, { id }, user.token);
        expect(refusalOf(result)).toEqual({ code: 'NOT_FOUND', field: 'id' });
        expect(result.data?.bill ?? null).toBeNull();
      }
    }
    expect(refusalOf(await gql(BILL, { id: bill }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(refusalOf(await gql(BILL, { id: 'bill-1' }, alice.token))).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(refusalOf(await gql(BILL, { id: '00000000-0000-4000-8000-000000000008' }, alice.token))).toEqual({
      code: 'NOT_FOUND',
      field: 'id',
    });
  });

  test('a payment: its payer and ADMINs see it; anyone else NOT_FOUND on id', async () => {
    const expected = {
      billPayment: {
        id: payments[0],
        status: 'COMPLETED',
        amount: { amount: '10.00' },
        fromAccount: { id: account },
        bill: { id: bill },
        scheduledPayment: null,
      },
    };
    expect(await must(url, PAYMENT, { id: payments[0] }, alice.token)).toEqual(expected);
    expect(await must(url, PAYMENT, { id: payments[0] }, admin.token)).toEqual(expected);
    for (const user of [bob, banker, officer]) {
      const result = await gql(PAYMENT, { id: payments[0] }, user.token);
      expect(refusalOf(result)).toEqual({ code: 'NOT_FOUND', field: 'id' });
      expect(result.data?.billPayment ?? null).toBeNull();
    }
    expect(refusalOf(await gql(PAYMENT, { id: payments[0] }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(refusalOf(await gql(PAYMENT, { id: 'x' }, alice.token))).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
    // A bill id is not a payment id.
    expect(refusalOf(await gql(PAYMENT, { id: bill }, alice.token))).toEqual({ code: 'NOT_FOUND', field: 'id' });
  });

  test("nobody else's lists include them", async () => {
    const { me } = await must<{
      me: { bills: unknown[]; upcomingBills: unknown[]; billPayments: { edges: unknown[] } };
    }>(
      url,
      `query { me { bills { id } upcomingBills(days: 366) { id } billPayments { edges { node { id } } } } }`,
      {},
      bob.token,
    );
    expect(me).toEqual({ bills: [], upcomingBills: [], billPayments: { edges: [] } });
  });
});

describe('_entities (called as the router would)', () => {
  const reps = () => [
    { __typename: 'Bill', id: bill },
    { __typename: 'BillPayment', id: payments[0] },
    { __typename: 'ScheduledPayment', id: schedule },
  ];

  test('the owner and ADMINs get the bill, the payment and the schedule', async () => {
    const expected = [
      { id: bill, billStatus: 'DUE' },
      { id: payments[0], paymentStatus: 'COMPLETED' },
      { id: schedule, scheduleStatus: 'SCHEDULED' },
    ];
    for (const user of [alice, admin]) {
      const result = await entities(callerOf(user), reps());
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual(expected);
    }
  });

  test('anyone else, and anonymous callers, get null for each (no data, no hint)', async () => {
    for (const caller of [callerOf(bob), callerOf(banker), callerOf(officer), ANONYMOUS]) {
      const result = await entities(caller, reps());
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([null, null, null]);
    }
  });

  test('malformed and unknown ids are null too', async () => {
    const result = await entities(callerOf(alice), [
      { __typename: 'Bill', id: 'nope' },
      { __typename: 'BillPayment', id: '00000000-0000-4000-8000-000000000009' },
      { __typename: 'ScheduledPayment', id: bill },
      { __typename: 'Biller', id: 'nope' },
    ]);
    expect(result.data?._entities).toEqual([null, null, null, null]);
  });

  test('a biller resolves for any signed-in user, not for anonymous callers', async () => {
    const rep = [{ __typename: 'Biller', id: billerId }];
    for (const user of [alice, bob, banker]) {
      expect((await entities(callerOf(user), rep)).data?._entities).toEqual([
        { id: billerId, name: expect.any(String) },
      ]);
    }
    expect((await entities(ANONYMOUS, rep)).data?._entities).toEqual([null]);
  });
});

describe("billing's fields of another user's User", () => {
  const FIELDS: [string, string][] = [
    ['bills', 'bills { id }'],
    ['upcomingBills', 'upcomingBills(days: 366) { id }'],
    ['billPayments', 'billPayments { edges { node { id } } }'],
  ];
  const userQuery = (selection: string) =>
    `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id ${selection} } } }`;
  const of = (user: SignedUp) => ({ representations: [{ __typename: 'User', id: user.id }] });

  test.each(FIELDS)(
    'User.%s of another user is FORBIDDEN for non-admins, with none of their data',
    async (_field, selection) => {
      for (const user of [bob, banker, officer]) {
        const result = await callSubgraph(bank, 'billing', callerOf(user), userQuery(selection), of(alice));
        expect(refusalOf(result).code).toBe('FORBIDDEN');
        expect(JSON.stringify(result.data ?? null)).not.toContain(bill);
        expect(JSON.stringify(result.data ?? null)).not.toContain(payments[0]!);
      }
      const anonymous = await callSubgraph(bank, 'billing', ANONYMOUS, userQuery(selection), of(alice));
      expect(refusalOf(anonymous).code).toBe('UNAUTHENTICATED');
    },
  );

  test.each(FIELDS)('User.%s: the user themself and ADMINs read it', async (_field, selection) => {
    for (const user of [alice, admin]) {
      const result = await callSubgraph(bank, 'billing', callerOf(user), userQuery(selection), of(alice));
      expect(result.errors).toBeUndefined();
      expect(JSON.stringify(result.data)).toContain(selection.startsWith('billPayments') ? payments[0]! : bill);
    }
  });
});

describe("another user's User reached through the router", () => {
  test("a banker reading a conversation's participants gets FORBIDDEN for the business owner's bills", async () => {
    const bobBill = await addBill(url, bob, { billerId, amount: '20.00', dueDate: dayFromToday(9) });
    const conversation = await startConversation(url, bob.token, {
      participantId: banker.id,
      subject: 'Equipment loan',
      body: 'Hello!',
    });
    const PARTICIPANTS = `query($id: ID!) {
      conversation(id: $id) { participants { id bills { id } upcomingBills { id } billPayments { edges { node { id } } } } }
    }`;
    const result = await gql(PARTICIPANTS, { id: conversation }, banker.token);
    const forbidden = (result.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN');
    expect(forbidden.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(result.data ?? null)).not.toContain(bobBill);
    // The banker's own bills, read by Bob the same way, are refused to him just as well.
    const other = await gql(PARTICIPANTS, { id: conversation }, bob.token);
    expect((other.errors ?? []).map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  });
});

describe('billPayments pages', () => {
  const newestFirst = () => [...payments].reverse();

  test('newest first, page by page with the end cursor, to the end', async () => {
    const first = await page(alice, 2);
    expect(first).toEqual({ ids: newestFirst().slice(0, 2), hasNextPage: true, endCursor: expect.any(String) });
    const second = await page(alice, 2, first.endCursor);
    expect(second).toEqual({ ids: newestFirst().slice(2, 4), hasNextPage: true, endCursor: expect.any(String) });
    const third = await page(alice, 2, second.endCursor);
    expect(third).toEqual({ ids: newestFirst().slice(4), hasNextPage: false, endCursor: expect.any(String) });
    expect(await page(alice, 2, third.endCursor)).toEqual({ ids: [], hasNextPage: false, endCursor: null });
    // The default page (20) and the largest (100) hold them all.
    expect(await page(alice)).toEqual({ ids: newestFirst(), hasNextPage: false, endCursor: expect.any(String) });
    expect(await page(alice, 100)).toEqual({ ids: newestFirst(), hasNextPage: false, endCursor: expect.any(String) });
    expect(await page(alice, 5)).toEqual({ ids: newestFirst(), hasNextPage: false, endCursor: expect.any(String) });
    expect((await page(alice, 4)).hasNextPage).toBe(true);
  });

  test('a page stays put when new payments are made', async () => {
    const first = await page(alice, 2);
    const extra = await payBill(url, alice, { billId: scheduledBill, fromAccountId: account, amount: '1.00' });
    payments.push(extra.id);
    const second = await page(alice, 2, first.endCursor);
    expect(second.ids).toEqual([payments[2], payments[1]]);
    expect((await page(alice, 1)).ids).toEqual([extra.id]);
  });

  test('first outside 1..100 is BAD_USER_INPUT on first', async () => {
    for (const first of [0, 101, -1]) {
      const result = await gql(PAGE, { first }, alice.token);
      expect(refusalOf(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });

  test('a cursor that is not one of ours is BAD_USER_INPUT on after', async () => {
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    for (const after of ['garbage!', b64('["x"]'), b64('[0]'), b64('[1.5]'), b64('{"seq":1}'), b64('[1,2]'), '']) {
      const result = await gql(PAGE, { first: 2, after }, alice.token);
      if (after === '') {
        // An empty cursor reads as no cursor: the first page.
        expect(result.errors).toBeUndefined();
        continue;
      }
      expect(refusalOf(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });
});
