/**
 * Where a loan was paid out, on every path (issue 10): the application's
 * assigned banker and every risk officer see the payout account's
 * identifying fields and the disbursement, because the payout's hold names
 * them as its viewers in banking; the account's money is FORBIDDEN to them.
 * Anyone else (another banker, a customer, another business owner) gets
 * nothing, not even the id, on any path: lending's fields, banking's root
 * fields, `_entities`, a conversation about the application, live events.
 * The owner and ADMINs keep the full view.
 */
import pg from 'pg';
import type { Caller, Role } from '../platform/caller.ts';
import { ErrorCode } from '../platform/errors.ts';
import { disbursementKey } from '../subgraphs/lending/src/services/sagas.ts';
import {
  ACCEPT,
  applicationIn,
  approvedApplication,
  bankerWithProfile,
  businessOwner,
  faultyBanking,
  openAccount,
  problemOf,
  sagaHarness,
  sagaInvariantViolations,
  unreachable,
  type SagaHarness,
} from './support/lending.ts';
import { refusal } from './support/faults.ts';
import { createStaff, must, signInAdmin, signUp, startConversation, type SignedUp } from './support/people.ts';
import { callSubgraph, postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { connect, subscribe, until, type Subscription, type WsClient } from './support/ws.ts';

let bank: TestStack;
let url: string;
let owner: SignedUp;
let otherOwner: SignedUp;
let banker: SignedUp;
let otherBanker: SignedUp;
let officer: SignedUp;
let admin: SignedUp;
let customer: SignedUp;
let saga: SagaHarness;
const clients: WsClient[] = [];

/** The roles of each person, for callers of `_entities`. */
const roles = new Map<SignedUp, Role[]>();
const callerOf = (user: SignedUp): Caller => ({ kind: 'user', userId: user.id, roles: roles.get(user)! });

// The paid-out application of `owner` (to `banker`), its loan, the account and the disbursement.
let account: string;
let applicationId: string;
let loanId: string;
let disbursementId: string;
/** A deposit into the same account: not part of the grant. */
let depositId: string;
let conversationId: string;

const gql = (query: string, variables: Record<string, unknown> = {}, token?: string): Promise<JsonResponse> =>
  postGraphQL(url, query, variables, token);

/** Statements that read the grants, while `countingGrants` (every subgraph runs in this process, over `pg`). */
let grantReads = 0;
let countingGrants = false;
const originalQuery = pg.Client.prototype.query;

beforeAll(async () => {
  // `query` has many overloads; the wrapper only looks at the text and forwards everything unchanged.
  const wrapped = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const sql = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '');
    if (countingGrants && /from "account_view_grants"/.test(sql)) grantReads += 1;
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  };
  pg.Client.prototype.query = wrapped as typeof originalQuery;
  bank = await startTestStack();
  url = bank.routerUrl;
  saga = sagaHarness(bank);
  [owner, otherOwner, banker, otherBanker, officer, admin, customer] = await Promise.all([
    businessOwner(url, 'olga'),
    businessOwner(url, 'oscar'),
    bankerWithProfile(url, 'bianca'),
    bankerWithProfile(url, 'boris'),
    createStaff(url, 'rita', 'RISK_OFFICER'),
    signInAdmin(url),
    signUp(url, 'cyril', 'CUSTOMER'),
  ]);
  roles.set(owner, ['BUSINESS_OWNER']).set(otherOwner, ['BUSINESS_OWNER']);
  roles.set(banker, ['BANKER']).set(otherBanker, ['BANKER']);
  roles.set(officer, ['RISK_OFFICER']).set(admin, ['ADMIN']).set(customer, ['CUSTOMER']);

  account = await openAccount(url, owner);
  applicationId = await applicationIn(url, 'DISBURSED', { owner, banker, officer, account });
  const { loanApplication } = await must<{
    loanApplication: { loan: { id: string; disbursementTransaction: { id: string } } };
  }>(
    url,
    `query($id: ID!) { loanApplication(id: $id) { loan { id disbursementTransaction { id } } } }`,
    { id: applicationId },
    owner.token,
  );
  loanId = loanApplication.loan.id;
  disbursementId = loanApplication.loan.disbursementTransaction.id;
  const { deposit } = await must<{ deposit: { id: string } }>(
    url,
    `mutation($input: DepositInput!) { deposit(input: $input) { id } }`,
    { input: { accountId: account, amount: '10.00', idempotencyKey: 'payout-view-deposit' } },
    owner.token,
  );
  depositId = deposit.id;
  conversationId = await startConversation(url, owner.token, {
    participantId: banker.id,
    subject: 'My loan',
    body: 'Where did it go?',
    loanApplicationId: applicationId,
  });
}, 90_000);

afterAll(async () => {
  pg.Client.prototype.query = originalQuery;
  for (const ws of clients) await ws.dispose();
  await bank?.close();
});

/** What a grantee sees of the payout account. */
const LIMITED = 'id maskedNumber type currency status openedAt owner { id }';

const APPLICATION_ACCOUNT = (fields: string) => `query($id: ID!) {
  loanApplication(id: $id) { id disbursementAccount { ${fields} } }
}`;
const LOAN_TRANSACTION = (fields: string) => `query($id: ID!) {
  loan(id: $id) { id disbursementTransaction { ${fields} } }
}`;
const ROOT_ACCOUNT = (fields: string) => `query($id: ID!) { account(id: $id) { ${fields} } }`;
const ROOT_TRANSACTION = `query($id: ID!) { transaction(id: $id) { id kind } }`;
const CONVERSATION = (fields: string) => `query($id: ID!) {
  conversation(id: $id) { id loanApplication { id disbursementAccount { ${fields} } } }
}`;
const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Account { id maskedNumber }
    ... on Transaction { id kind }
  }
}`;

/** The fields of the account that a grantee is refused, each as a selection. */
const MONEY_FIELDS = [
  'balance { amount }',
  'availableBalance { amount }',
  'lowBalanceAlert { amount }',
  'nickname',
  'transactions(first: 5) { edges { node { id } } }',
  'statement(month: "2026-11") { month }',
];

const expectedAccount = () => ({
  id: account,
  maskedNumber: expect.stringMatching(/^•••• \d{4}$/),
  type: 'BUSINESS',
  currency: 'USD',
  status: 'ACTIVE',
  openedAt: expect.any(String),
  owner: { id: owner.id },
});

describe("the application's banker and risk officers", () => {
  test('see the payout account (masked number, type, currency, status, owner) through the application', async () => {
    for (const who of [banker, officer]) {
      const { loanApplication } = await must<{ loanApplication: { disbursementAccount: unknown } }>(
        url,
        APPLICATION_ACCOUNT(LIMITED),
        { id: applicationId },
        who.token,
      );
      expect(loanApplication.disbursementAccount).toEqual(expectedAccount());
    }
  });

  test('see the disbursement, and of its accounts only where it went', async () => {
    for (const who of [banker, officer]) {
      const { loan } = await must<{ loan: { disbursementTransaction: unknown } }>(
        url,
        LOAN_TRANSACTION(
          'id kind amount { amount currency } status description createdAt postedAt toAccount { id maskedNumber } fromAccount { id }',
        ),
        { id: loanId },
        who.token,
      );
      expect(loan.disbursementTransaction).toEqual({
        id: disbursementId,
        kind: 'LOAN_DISBURSEMENT',
        amount: { amount: '50000.00', currency: 'USD' },
        status: 'POSTED',
        description: 'Loan disbursement',
        createdAt: expect.any(String),
        postedAt: expect.any(String),
        toAccount: { id: account, maskedNumber: expect.stringMatching(/^•••• \d{4}$/) },
        // The bank's LOANS account is nobody's to see.
        fromAccount: null,
      });
    }
  });

  test('see the same through the root fields and `_entities`', async () => {
    for (const who of [banker, officer]) {
      const { account: viewed } = await must<{ account: unknown }>(
        url,
        ROOT_ACCOUNT(LIMITED),
        { id: account },
        who.token,
      );
      expect(viewed).toEqual(expectedAccount());
      const { transaction } = await must<{ transaction: unknown }>(
        url,
        ROOT_TRANSACTION,
        { id: disbursementId },
        who.token,
      );
      expect(transaction).toEqual({ id: disbursementId, kind: 'LOAN_DISBURSEMENT' });
      const entities = await callSubgraph(bank, 'banking', callerOf(who), ENTITIES, {
        representations: [
          { __typename: 'Account', id: account },
          { __typename: 'Transaction', id: disbursementId },
        ],
      });
      expect(entities.errors).toBeUndefined();
      expect(entities.data?._entities).toEqual([
        { id: account, maskedNumber: expect.any(String) },
        { id: disbursementId, kind: 'LOAN_DISBURSEMENT' },
      ]);
    }
  });

  test("are FORBIDDEN the account's money, with a reason, on every path", async () => {
    for (const who of [banker, officer]) {
      for (const field of MONEY_FIELDS) {
        const results = [
          await gql(APPLICATION_ACCOUNT(`id ${field}`), { id: applicationId }, who.token),
          await gql(LOAN_TRANSACTION(`id toAccount { id ${field} }`), { id: loanId }, who.token),
          await gql(ROOT_ACCOUNT(`id ${field}`), { id: account }, who.token),
        ];
        for (const result of results) {
          expect([field, problemOf(result).code]).toEqual([field, 'FORBIDDEN']);
          expect(result.errors?.[0]?.message).toMatch(/Only the account's owner may see its/);
        }
      }
    }
  });

  test('may neither change the account nor download its statement', async () => {
    const alert = await gql(
      `mutation($id: ID!) { setLowBalanceAlert(accountId: $id, threshold: "5.00") { id } }`,
      { id: account },
      banker.token,
    );
    expect(problemOf(alert).code).toBe('FORBIDDEN');
    const csv = await fetch(new URL(`/statement.csv?accountId=${account}&month=2026-11`, url), {
      headers: { authorization: `Bearer ${officer.token}` },
    });
    expect(csv.status).toBe(403);
  });

  test("do not see the account's other transactions", async () => {
    for (const who of [banker, officer]) {
      expect(problemOf(await gql(ROOT_TRANSACTION, { id: depositId }, who.token)).code).toBe('NOT_FOUND');
      const entities = await callSubgraph(bank, 'banking', callerOf(who), ENTITIES, {
        representations: [{ __typename: 'Transaction', id: depositId }],
      });
      expect(entities.data?._entities).toEqual([null]);
    }
  });

  test('see the same in a conversation about the application', async () => {
    const { conversation } = await must<{ conversation: { loanApplication: { disbursementAccount: unknown } } }>(
      url,
      CONVERSATION(LIMITED),
      { id: conversationId },
      banker.token,
    );
    expect(conversation.loanApplication.disbursementAccount).toEqual(expectedAccount());
    const refused = await gql(CONVERSATION('id balance { amount }'), { id: conversationId }, banker.token);
    expect(problemOf(refused).code).toBe('FORBIDDEN');
  });
});

describe('anyone else', () => {
  const outsiders = () => [otherBanker, customer, otherOwner];

  test('gets neither the id nor anything else through lending', async () => {
    for (const who of outsiders()) {
      const application = await gql(APPLICATION_ACCOUNT('id'), { id: applicationId }, who.token);
      expect(problemOf(application).code).toBe('NOT_FOUND');
      expect(application.data?.loanApplication ?? null).toBeNull();
      const loan = await gql(LOAN_TRANSACTION('id'), { id: loanId }, who.token);
      expect(problemOf(loan).code).toBe('NOT_FOUND');
      expect(loan.data?.loan ?? null).toBeNull();
    }
  });

  test('gets NOT_FOUND from the root fields and null from `_entities`', async () => {
    for (const who of outsiders()) {
      expect(problemOf(await gql(ROOT_ACCOUNT('id'), { id: account }, who.token)).code).toBe('NOT_FOUND');
      expect(problemOf(await gql(ROOT_TRANSACTION, { id: disbursementId }, who.token)).code).toBe('NOT_FOUND');
      const banking = await callSubgraph(bank, 'banking', callerOf(who), ENTITIES, {
        representations: [
          { __typename: 'Account', id: account },
          { __typename: 'Transaction', id: disbursementId },
        ],
      });
      expect(banking.data?._entities).toEqual([null, null]);
      const lending = await callSubgraph(
        bank,
        'lending',
        callerOf(who),
        `query($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on LoanApplication { id disbursementAccount { id } }
            ... on Loan { id disbursementTransaction { id } }
          }
        }`,
        {
          representations: [
            { __typename: 'LoanApplication', id: applicationId },
            { __typename: 'Loan', id: loanId },
          ],
        },
      );
      expect(lending.data?._entities).toEqual([null, null]);
    }
  });

  test('cannot reach the conversation about it', async () => {
    for (const who of outsiders()) {
      const result = await gql(CONVERSATION('id'), { id: conversationId }, who.token);
      expect(result.data?.conversation ?? null).toBeNull();
    }
  });
});

describe('the owner and ADMINs', () => {
  test('keep the full view of the account and the disbursement', async () => {
    for (const who of [owner, admin]) {
      const { loanApplication } = await must<{
        loanApplication: { disbursementAccount: { balance: { amount: string }; transactions: { edges: unknown[] } } };
      }>(
        url,
        APPLICATION_ACCOUNT(
          `${LIMITED} nickname balance { amount } availableBalance { amount } lowBalanceAlert { amount } transactions(first: 5) { edges { node { id } } } statement(month: "2026-11") { month }`,
        ),
        { id: applicationId },
        who.token,
      );
      expect(loanApplication.disbursementAccount).toMatchObject({
        ...expectedAccount(),
        balance: { amount: '50010.00' },
      });
      expect(loanApplication.disbursementAccount.transactions.edges).toHaveLength(2);
      const { loan } = await must<{ loan: { disbursementTransaction: unknown } }>(
        url,
        LOAN_TRANSACTION('id toAccount { id balance { amount } } fromAccount { id }'),
        { id: loanId },
        who.token,
      );
      expect(loan.disbursementTransaction).toEqual({
        id: disbursementId,
        toAccount: { id: account, balance: { amount: '50010.00' } },
        fromAccount: null,
      });
    }
  });
});

describe('the grant', () => {
  const grantsOf = (transactionId: string) =>
    bank.stack.subgraphs.banking!.orm.em.getConnection().execute<
      {
        account_id: string;
        grantee_user_id: string | null;
        grantee_role: string | null;
        purpose: string;
        reference: string;
      }[]
    >(
      `select account_id, grantee_user_id, grantee_role, purpose, reference
           from account_view_grants where transaction_id = ? order by grantee_role nulls first`,
      [transactionId],
    );

  test('names the banker and risk officers, for the payout account and this application', async () => {
    expect(await grantsOf(disbursementId)).toEqual([
      {
        account_id: account,
        grantee_user_id: banker.id,
        grantee_role: null,
        purpose: 'LOAN_DISBURSEMENT',
        reference: applicationId,
      },
      {
        account_id: account,
        grantee_user_id: null,
        grantee_role: 'RISK_OFFICER',
        purpose: 'LOAN_DISBURSEMENT',
        reference: applicationId,
      },
    ]);
  });

  test('is written once per hold when the saga repeats its step', async () => {
    const app = await approvedApplication(url, 'repeat-owner', banker, officer);
    // Banking makes the hold (and the grant), but lending never hears back: the step is repeated.
    const banking = faultyBanking(saga.banking, { step: 'createHold', when: 'after', error: unreachable });
    const loan = await saga.loans(app.owner, banking).accept({
      applicationId: app.applicationId,
      disbursementAccountId: app.account,
      idempotencyKey: 'repeat',
    });
    expect(loan.status).toBe('DISBURSING');
    const [hold] = await bank.stack.subgraphs
      .banking!.orm.em.getConnection()
      .execute<{ id: string }[]>(`select transaction_id as id from idempotency_keys where key = ?`, [
        disbursementKey(loan.id),
      ]);
    expect(await grantsOf(hold!.id)).toHaveLength(2);
    // Lending has no hold yet: the banker gets no id, as banking would not show them the account.
    expect(
      (
        await must<{ loanApplication: unknown }>(
          url,
          APPLICATION_ACCOUNT('id'),
          { id: app.applicationId },
          banker.token,
        )
      ).loanApplication,
    ).toEqual({
      id: app.applicationId,
      disbursementAccount: null,
    });

    await saga.recover();
    expect(await grantsOf(hold!.id)).toHaveLength(2);
    expect(await sagaInvariantViolations(bank)).toEqual([]);
    const { loanApplication } = await must<{ loanApplication: { disbursementAccount: unknown } }>(
      url,
      APPLICATION_ACCOUNT('id maskedNumber'),
      { id: app.applicationId },
      banker.token,
    );
    expect(loanApplication.disbursementAccount).toEqual({ id: app.account, maskedNumber: expect.any(String) });
  });

  test('before the hold exists, only the borrower and ADMINs get the payout account from lending', async () => {
    const app = await approvedApplication(url, 'early-owner', banker, officer);
    const banking = faultyBanking(saga.banking, { step: 'createHold', when: 'before', error: unreachable });
    const loan = await saga.loans(app.owner, banking).accept({
      applicationId: app.applicationId,
      disbursementAccountId: app.account,
      idempotencyKey: 'early',
    });
    expect(loan.status).toBe('DISBURSING');
    const accountOf = async (who: SignedUp) =>
      (
        await must<{ loanApplication: { disbursementAccount: unknown } }>(
          url,
          APPLICATION_ACCOUNT('id'),
          { id: app.applicationId },
          who.token,
        )
      ).loanApplication.disbursementAccount;
    expect(await accountOf(app.owner)).toEqual({ id: app.account });
    expect(await accountOf(admin)).toEqual({ id: app.account });
    expect(await accountOf(banker)).toBeNull();
    expect(await accountOf(officer)).toBeNull();
    await saga.recover();
    expect(await accountOf(banker)).toEqual({ id: app.account });
  });

  test('shows nothing once the payout is refused and undone (its hold voided)', async () => {
    const app = await approvedApplication(url, 'voided-owner', banker, officer);
    const banking = faultyBanking(saga.banking, {
      step: 'postHold',
      when: 'before',
      error: refusal(ErrorCode.ACCOUNT_NOT_ACTIVE, { status: 'FROZEN' }),
    });
    await expect(
      saga.loans(app.owner, banking).accept({
        applicationId: app.applicationId,
        disbursementAccountId: app.account,
        idempotencyKey: 'voided',
      }),
    ).rejects.toThrow();
    const [hold] = await bank.stack.subgraphs
      .banking!.orm.em.getConnection()
      .execute<{ id: string; status: string }[]>(
        `select id, status from transactions where kind = 'LOAN_DISBURSEMENT' and to_account_id = ?`,
        [app.account],
      );
    expect(hold?.status).toBe('VOIDED');
    expect(await grantsOf(hold!.id)).toHaveLength(2);
    for (const who of [banker, officer]) {
      expect(problemOf(await gql(ROOT_ACCOUNT('id'), { id: app.account }, who.token)).code).toBe('NOT_FOUND');
      expect(problemOf(await gql(ROOT_TRANSACTION, { id: hold!.id }, who.token)).code).toBe('NOT_FOUND');
      const entities = await callSubgraph(bank, 'banking', callerOf(who), ENTITIES, {
        representations: [
          { __typename: 'Account', id: app.account },
          { __typename: 'Transaction', id: hold!.id },
        ],
      });
      expect(entities.data?._entities).toEqual([null, null]);
      const { loanApplication } = await must<{ loanApplication: unknown }>(
        url,
        APPLICATION_ACCOUNT('id'),
        { id: app.applicationId },
        who.token,
      );
      expect(loanApplication).toEqual({ id: app.applicationId, disbursementAccount: null });
    }
  });

  test('may be named only by a service, for a LOAN_DISBURSEMENT hold', async () => {
    const other = await businessOwner(url, 'grant-owner');
    const theirs = await openAccount(url, other);
    await must(
      url,
      `mutation($input: DepositInput!) { deposit(input: $input) { id } }`,
      { input: { accountId: theirs, amount: '100.00', idempotencyKey: 'grant-deposit' } },
      other.token,
    );
    await expect(
      saga.banking.createHold({
        from: { accountId: theirs },
        to: { system: 'LOANS' },
        customerId: other.id,
        amount: '10.00',
        kind: 'LOAN_REPAYMENT',
        idempotencyKey: 'grant-on-repayment',
        viewers: { userIds: [banker.id], roles: [], reference: 'nothing' },
      }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: expect.objectContaining({ field: 'viewers' }) });
    // A user cannot grant themself a view: even signed by the router, createHold is for services only.
    const direct = await callSubgraph(
      bank,
      'banking',
      callerOf(banker),
      `mutation($input: CreateHoldInput!) { createHold(input: $input) { id } }`,
      {
        input: {
          toAccountId: theirs,
          fromSystem: 'LOANS',
          customerId: other.id,
          amount: '1.00',
          kind: 'LOAN_DISBURSEMENT',
          idempotencyKey: 'self-grant',
          viewers: { userIds: [banker.id], reference: 'mine' },
        },
      },
    );
    expect(problemOf(direct).code).toBe('FORBIDDEN');
    // Through the router, the input does not even exist.
    const result = await gql(
      `mutation { createHold(input: { toAccountId: "${theirs}", fromSystem: LOANS, customerId: "${other.id}", amount: "1.00", kind: LOAN_DISBURSEMENT, idempotencyKey: "x", viewers: { userIds: ["${banker.id}"], reference: "x" } }) { id } }`,
      {},
      banker.token,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('live: loanApplicationUpdated', () => {
  const UPDATED = (fields: string) => `subscription($id: ID) {
    loanApplicationUpdated(applicationId: $id) { id status disbursementAccount { ${fields} } }
  }`;
  type Update = { loanApplicationUpdated: { id: string; status: string; disbursementAccount: unknown } };
  let active = 0;

  async function follow(user: SignedUp, fields: string, id?: string): Promise<Subscription<Update>> {
    const ws = connect(url, user.token);
    clients.push(ws);
    const sub = subscribe<Update>(ws, UPDATED(fields), id ? { id } : {});
    active += 1;
    await until(
      () => bank.stack.router.subscriptions.stats().subscriptions >= active,
      10_000,
      `${user.name} subscribed`,
    );
    return sub;
  }

  /** The first event of `sub` about `applicationId` becoming `status`, skipping earlier ones. */
  async function eventOf(sub: Subscription<Update>, applicationId: string, status: string) {
    for (;;) {
      const event = await sub.next(10_000);
      const update = event.data?.loanApplicationUpdated;
      if (!update) throw new Error(`no update: ${JSON.stringify(event.errors)}`);
      if (update.id === applicationId && update.status === status) return event;
    }
  }

  test('the payout event shows the banker and risk officers where the loan went, and nothing to others', async () => {
    const app = await approvedApplication(url, 'live-owner', banker, officer);
    const bankerSub = await follow(banker, LIMITED, app.applicationId);
    const officerSub = await follow(officer, LIMITED);
    const bankerMoney = await follow(banker, 'id balance { amount }', app.applicationId);
    const ownerMoney = await follow(app.owner, 'id balance { amount }', app.applicationId);
    const outsider = await follow(otherBanker, 'id');

    await must(
      url,
      ACCEPT,
      { input: { applicationId: app.applicationId, disbursementAccountId: app.account, idempotencyKey: 'live' } },
      app.owner.token,
    );

    const expected = {
      id: app.account,
      maskedNumber: expect.stringMatching(/^•••• \d{4}$/),
      type: 'BUSINESS',
      currency: 'USD',
      status: 'ACTIVE',
      openedAt: expect.any(String),
      owner: { id: app.owner.id },
    };
    for (const sub of [bankerSub, officerSub]) {
      const event = await eventOf(sub, app.applicationId, 'DISBURSED');
      expect(event.errors).toBeUndefined();
      expect(event.data?.loanApplicationUpdated).toEqual({
        id: app.applicationId,
        status: 'DISBURSED',
        disbursementAccount: expected,
      });
    }
    const refused = await eventOf(bankerMoney, app.applicationId, 'DISBURSED');
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const owners = await eventOf(ownerMoney, app.applicationId, 'DISBURSED');
    expect(owners.errors).toBeUndefined();
    expect(owners.data?.loanApplicationUpdated.disbursementAccount).toEqual({
      id: app.account,
      balance: { amount: '50000.00' },
    });
    expect(await outsider.nothingWithin(500)).toBe(true);
  });
});

describe('lookups', () => {
  const PAYOUTS = `query($filter: LoanApplicationFilter) {
    loanApplications(filter: $filter, first: 50) {
      edges { node { id disbursementAccount { maskedNumber } loan { disbursementTransaction { amount { amount } toAccount { maskedNumber } } } } }
    }
  }`;
  type Payouts = {
    loanApplications: { edges: { node: { disbursementAccount: { maskedNumber: string } | null } }[] };
  };

  async function grantReadsOf(
    query: string,
    variables: Record<string, unknown>,
  ): Promise<{ reads: number; data: unknown }> {
    grantReads = 0;
    countingGrants = true;
    try {
      return { data: await must(url, query, variables, officer.token), reads: grantReads };
    } finally {
      countingGrants = false;
    }
  }

  test('grants are read once per subgraph request, however many payouts a page shows (no N+1)', async () => {
    const one = await grantReadsOf(
      `query($id: ID!) {
        loanApplication(id: $id) { id disbursementAccount { maskedNumber } loan { disbursementTransaction { amount { amount } toAccount { maskedNumber } } } }
      }`,
      { id: applicationId },
    );
    const many = await grantReadsOf(PAYOUTS, { filter: { status: 'DISBURSED' } });
    const shown = (many.data as Payouts).loanApplications.edges.map((e) => e.node.disbursementAccount);
    expect(shown.length).toBeGreaterThanOrEqual(4);
    for (const account of shown) expect(account).toEqual({ maskedNumber: expect.any(String) });
    // One read for the accounts (one `_entities` request), one for the transactions and their accounts.
    expect(one.reads).toBe(2);
    expect(many.reads).toBe(one.reads);
  });
});
