/**
 * Bad input at the router's edge, over HTTP and graphql-ws: every one is a
 * 4xx with a catalogued code naming what is wrong, never a 5xx or
 * INTERNAL_SERVER_ERROR, and nothing is written.
 *
 * - `Decimal` literals that overflow to Infinity (`1e309`) and JSON numbers
 *   that do (`1e309` as a variable, which JSON.stringify would forward as
 *   null);
 * - an `operationName` that names no operation; a subscription sent as a
 *   plain HTTP request; an automatic persisted query whose hash is wrong;
 * - the NUL character in any text that would reach PostgreSQL;
 * - document types named after Object.prototype's members;
 * - a non-null field that comes back null is an error, never a silent
 *   `data: null`;
 * - over graphql-ws, failing queries and mutations never close the socket
 *   that carries a live subscription.
 */
import { createHash, randomUUID } from 'node:crypto';
import { signInAdmin, signUp, startConversation, type SignedUp } from './support/people.ts';
import { billerOf } from './support/billing.ts';
import { bankerWithProfile, businessOwner, deposit, openAccount, pdfDocument } from './support/lending.ts';
import { startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { errorsOf, rawConnect, type RawMessage, type RawSocket } from './support/ws.ts';

let bank: TestStack;
let customer: SignedUp;
let admin: SignedUp;
let owner: SignedUp;
let banker: SignedUp;
let checking: string;
let savings: string;
let conversationId: string;
const sockets: RawSocket[] = [];

/** POSTs a raw JSON text (so that `1e309` reaches the router as written) and returns the status and body. */
async function post(text: string, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(bank.routerUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as JsonResponse };
}

const send = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
  post(JSON.stringify({ query, variables }), token);

function problem(body: JsonResponse) {
  const error = body.errors?.[0];
  return { code: error?.extensions?.code, field: error?.extensions?.field };
}

/** What a user's money looks like: every account's balance, for "nothing moved". */
async function balances(user: SignedUp): Promise<unknown> {
  const { body } = await send(
    `{ me { accounts { id balance { amount } lowBalanceAlert { amount } } } }`,
    {},
    user.token,
  );
  return body.data;
}

async function socket(user: SignedUp): Promise<RawSocket> {
  const ws = await rawConnect(bank.routerUrl, user.token);
  sockets.push(ws);
  return ws;
}

/** Sends one operation on a raw socket as raw text and waits for its first answer. */
async function overWs(ws: RawSocket, payloadText: string): Promise<RawMessage> {
  const id = randomUUID();
  ws.socket.send(`{"id":"${id}","type":"subscribe","payload":${payloadText}}`);
  return ws.answerTo(id);
}

function wsProblem(message: RawMessage) {
  const error = errorsOf(message)[0];
  return { code: error?.extensions?.code, field: error?.extensions?.field };
}

beforeAll(async () => {
  bank = await startTestStack();
  customer = await signUp(bank.routerUrl, 'nadia', 'CUSTOMER');
  admin = await signInAdmin(bank.routerUrl);
  owner = await businessOwner(bank.routerUrl, 'otto');
  banker = await bankerWithProfile(bank.routerUrl, 'bea');
  checking = await openAccount(bank.routerUrl, customer, 'CHECKING');
  savings = await openAccount(bank.routerUrl, customer, 'SAVINGS');
  await deposit(bank.routerUrl, customer, checking, '100.00');
  conversationId = await startConversation(bank.routerUrl, owner.token, {
    participantId: banker.id,
    subject: 'Rates',
    body: 'Hello',
  });
});

afterAll(async () => {
  for (const ws of sockets) ws.socket.terminate();
  await bank?.close();
});

describe('Decimal values that overflow', () => {
  const literals = [
    ['loanQuote', `{ loanQuote(amount: %, annualRate: "5", termMonths: 12) { totalInterest { amount } } }`, 'amount'],
    [
      'deposit',
      `mutation { deposit(input: { accountId: "ACC", amount: %, idempotencyKey: "k-dep" }) { id } }`,
      'amount',
    ],
    [
      'transfer',
      `mutation { transfer(input: { fromAccountId: "ACC", toAccountId: "ACC2", amount: %, idempotencyKey: "k-tr" }) { id } }`,
      'amount',
    ],
  ] as const;

  test.each(
    literals.flatMap(([name, query, field]) => ['1e309', '-1e309', '12.5'].map((v) => [name, v, query, field])),
  )(
    '%s with the literal %s: BAD_USER_INPUT naming the field, over HTTP and graphql-ws',
    async (_name, value, template, field) => {
      const before = await balances(customer);
      const query = template.replace('%', value).replace('ACC2', savings).replace('ACC', checking);
      const http = await send(query, {}, customer.token);
      expect(http.status).toBe(400);
      expect(problem(http.body)).toEqual({ code: 'BAD_USER_INPUT', field });
      const ws = await socket(customer);
      expect(wsProblem(await overWs(ws, JSON.stringify({ query })))).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(await balances(customer)).toEqual(before);
    },
  );

  test('1e309 as a variable for a low-balance threshold is refused and the alert stays as it was', async () => {
    const set = await send(
      `mutation($id: ID!, $t: Decimal) { setLowBalanceAlert(accountId: $id, threshold: $t) { lowBalanceAlert { amount } } }`,
      { id: checking, t: '50.00' },
      customer.token,
    );
    expect(set.body.errors).toBeUndefined();
    const before = await balances(customer);
    const query = `mutation($id: ID!, $t: Decimal) { setLowBalanceAlert(accountId: $id, threshold: $t) { id } }`;
    for (const number of ['1e309', '-1e309', '12', '0.5']) {
      const text = `{"query":${JSON.stringify(query)},"variables":{"id":"${checking}","t":${number}}}`;
      const http = await post(text, customer.token);
      expect(http.status).toBe(400);
      expect(problem(http.body).code).toBe('BAD_USER_INPUT');
      expect(http.body.errors?.[0]?.message).toContain('$t');
      const ws = await socket(customer);
      expect(wsProblem(await overWs(ws, text)).code).toBe('BAD_USER_INPUT');
    }
    expect(await balances(customer)).toEqual(before);
  });

  test('a non-finite number anywhere a Decimal sits in an input object is refused', async () => {
    const before = await balances(customer);
    const query = `mutation($input: DepositInput!) { deposit(input: $input) { id } }`;
    const text = `{"query":${JSON.stringify(query)},"variables":{"input":{"accountId":"${checking}","amount":1e999,"idempotencyKey":"k-inf"}}}`;
    const http = await post(text, customer.token);
    expect(http.status).toBe(400);
    expect(problem(http.body).code).toBe('BAD_USER_INPUT');
    expect(await balances(customer)).toEqual(before);
  });
});

describe('the request itself', () => {
  test('an operationName that names no operation: 400 OPERATION_RESOLUTION_FAILURE, over HTTP and graphql-ws', async () => {
    const body = { query: `query A { me { id } } query B { me { name } }`, operationName: 'Nope' };
    const http = await post(JSON.stringify(body), customer.token);
    expect(http.status).toBe(400);
    expect(problem(http.body).code).toBe('OPERATION_RESOLUTION_FAILURE');
    const ambiguous = await post(JSON.stringify({ query: body.query }), customer.token);
    expect(ambiguous.status).toBe(400);
    expect(problem(ambiguous.body).code).toBe('OPERATION_RESOLUTION_FAILURE');
    const ws = await socket(customer);
    expect(wsProblem(await overWs(ws, JSON.stringify(body))).code).toBe('OPERATION_RESOLUTION_FAILURE');
    // The name that exists runs.
    const named = await post(JSON.stringify({ ...body, operationName: 'B' }), customer.token);
    expect(named.body.data).toEqual({ me: { name: 'nadia' } });
  });

  test('a subscription sent as a plain POST: 406 saying how to subscribe', async () => {
    const http = await send(`subscription { notificationAdded { id } }`, {}, customer.token);
    expect(http.status).toBe(406);
    expect(problem(http.body).code).toBe('BAD_REQUEST');
    expect(http.body.errors?.[0]?.message).toMatch(/graphql-ws/);
    expect(http.body.errors?.[0]?.message).toMatch(/multipart\/mixed;subscriptionSpec="1\.0"/);
  });

  test('a subscription using a variable in @include: 406 over a plain POST, 405 over GET, an error over graphql-ws', async () => {
    const query = `subscription($on: Boolean!) { notificationAdded @include(if: $on) { id } }`;
    const post = await send(query, { on: true }, customer.token);
    expect(post.status).toBe(406);
    expect(problem(post.body).code).toBe('BAD_REQUEST');
    const get = await fetch(`${bank.routerUrl}?query=${encodeURIComponent(query)}`, {
      headers: { authorization: `Bearer ${customer.token}`, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const ws = await socket(customer);
    const answer = await overWs(ws, JSON.stringify({ query, variables: { on: true } }));
    expect(wsProblem(answer).code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(ws.socket.readyState).toBe(ws.socket.OPEN);
  });

  test.each(['PUT', 'DELETE', 'PATCH', 'HEAD'])('%s /graphql: 405 with Allow: GET, POST', async (method) => {
    const response = await fetch(bank.routerUrl, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    if (method !== 'HEAD') expect(problem((await response.json()) as JsonResponse).code).toBe('BAD_REQUEST');
  });

  test.each([['"x"'], ['{"version":2,"sha256Hash":"ab"}'], ['[1]'], ['1']])(
    'a persistedQuery extension of the wrong shape (%s): 400 BAD_REQUEST',
    async (extension) => {
      const http = await post(`{"query":"{ __typename }","extensions":{"persistedQuery":${extension}}}`);
      expect(http.status).toBe(400);
      expect(problem(http.body).code).toBe('BAD_REQUEST');
    },
  );

  test('a document nested 1,200 deep: 400 QUERY_TOO_COMPLEX (nesting) before it is parsed, over HTTP and graphql-ws', async () => {
    const deep = `${'['.repeat(1200)}1${']'.repeat(1200)}`;
    const query = `{ a: loanQuote(amount: ${deep}, annualRate: "1", termMonths: 1) { termMonths } a: loanQuote(amount: "1", annualRate: "1", termMonths: 1) { termMonths } }`;
    const http = await send(query);
    expect(http.status).toBe(400);
    expect(http.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'nesting', max: 64 });
    const get = await fetch(`${bank.routerUrl}?query=${encodeURIComponent(query)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(400);
    const ws = await socket(customer);
    expect(wsProblem(await overWs(ws, JSON.stringify({ query }))).code).toBe('QUERY_TOO_COMPLEX');
    expect(ws.socket.readyState).toBe(ws.socket.OPEN);
  });

  test('an instant PostgreSQL cannot hold (year 0000) in a filter: BAD_USER_INPUT, not a database error', async () => {
    const spending = await send(
      `{ me { spendingSummary(from: "0000-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { byCategory { category } } } }`,
      {},
      customer.token,
    );
    expect(problem(spending.body)).toEqual({ code: 'BAD_USER_INPUT', field: 'from' });
    const history = await send(
      `query($id: ID!, $from: DateTime) { account(id: $id) { transactions(filter: { from: $from }) { edges { node { id } } } } }`,
      { id: checking, from: '0001-01-01T00:00:00+01:00' },
      customer.token,
    );
    expect(problem(history.body).code).toBe('BAD_USER_INPUT');
  });

  test('a statement month past the calendar (9999-12, 0099-05): BAD_USER_INPUT on month, by GraphQL and download', async () => {
    for (const month of ['9999-12', '0099-05']) {
      const graphql = await send(
        `query($id: ID!, $m: String!) { account(id: $id) { statement(month: $m) { openingBalance { amount } } } }`,
        { id: checking, m: month },
        customer.token,
      );
      expect(problem(graphql.body)).toEqual({ code: 'BAD_USER_INPUT', field: 'month' });
      const csv = await fetch(new URL(`/statement.csv?accountId=${checking}&month=${month}`, bank.routerUrl), {
        headers: { authorization: `Bearer ${customer.token}` },
      });
      expect(csv.status).toBe(400);
    }
  });

  test('a persisted query whose hash does not match its text: 400 PERSISTED_QUERY_HASH_MISMATCH', async () => {
    const query = `{ me { id } }`;
    const wrong = { version: 1, sha256Hash: '0'.repeat(64) };
    const http = await post(JSON.stringify({ query, extensions: { persistedQuery: wrong } }), customer.token);
    expect(http.status).toBe(400);
    expect(problem(http.body).code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    // The right hash is registered and then served by hash alone.
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const registered = await post(
      JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
      customer.token,
    );
    expect(registered.body.data).toEqual({ me: { id: customer.id } });
    const byHash = await post(
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash } } }),
      customer.token,
    );
    expect(byHash.body.data).toEqual({ me: { id: customer.id } });
  });
});

describe('NUL in text', () => {
  const NUL = 'a\u0000b';
  const cases: [string, string, Record<string, unknown>, () => SignedUp, string][] = [
    [
      'an account nickname',
      `mutation($v: String) { openAccount(input: { type: CHECKING, currency: USD, nickname: $v }) { id } }`,
      {},
      () => customer,
      'nickname',
    ],
    [
      'an idempotency key',
      `mutation($v: String!, $a: ID!) { deposit(input: { accountId: $a, amount: "1.00", idempotencyKey: $v }) { id } }`,
      { a: 'CHECKING' },
      () => customer,
      'idempotencyKey',
    ],
    [
      'an email',
      `mutation($v: String!) { login(email: $v, password: "correct horse battery staple") { accessToken } }`,
      {},
      () => customer,
      'email',
    ],
    [
      'tags',
      `mutation($v: String!, $a: ID!) { tagTransaction(id: $a, tags: ["ok", $v]) { id } }`,
      { a: 'CHECKING' },
      () => customer,
      'tags.1',
    ],
    [
      'industries',
      `mutation($v: String!) { updateLendingProfile(input: { products: [TERM_LOAN], minAmount: "1000.00", maxAmount: "5000.00", industries: [$v], available: true }) { available } }`,
      {},
      () => banker,
      'industries.0',
    ],
    [
      'a filter',
      `query($v: String) { bankers(filter: { product: TERM_LOAN, amount: "2000.00", industry: $v }) { edges { node { id } } } }`,
      {},
      () => customer,
      'industry',
    ],
    [
      'a bill reference',
      `mutation($v: String!, $b: ID!) { addBill(input: { billerId: $b, customerReference: $v, amount: "10.00", dueDate: "2030-01-01" }) { id } }`,
      { b: 'BILLER' },
      () => customer,
      'customerReference',
    ],
  ];

  test.each(cases)('in %s: BAD_USER_INPUT naming it, as a literal and as a variable, nothing written', async (...c) => {
    const [, query, extra, who, field] = c;
    const biller = await billerOf(bank.routerUrl, customer, 'UTILITIES');
    const fill = (_extra: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(extra).map(([k, x]) => [k, x === 'CHECKING' ? checking : x === 'BILLER' ? biller.id : x]),
      );
    const before = await balances(customer);
    // As a variable.
    const asVariable = await send(query, { ...fill(extra), v: NUL }, who().token);
    expect(asVariable.status).toBe(400);
    expect(problem(asVariable.body)).toEqual({ code: 'BAD_USER_INPUT', field: 'v' });
    // As a literal, in the same place.
    const literal = query
      .replace(/\$v\b(?!:)/g, JSON.stringify(NUL))
      .replace(/\$v: String!?,? ?/, '')
      .replace(/^(query|mutation)\(\)/, '$1');
    const asLiteral = await send(literal, fill(extra), who().token);
    expect(asLiteral.status).toBe(400);
    expect(problem(asLiteral.body)).toEqual({ code: 'BAD_USER_INPUT', field });
    // Over graphql-ws.
    const ws = await socket(who());
    const overSocket = await overWs(ws, JSON.stringify({ query, variables: { ...fill(extra), v: NUL } }));
    expect(wsProblem(overSocket)).toEqual({ code: 'BAD_USER_INPUT', field: 'v' });
    expect(await balances(customer)).toEqual(before);
  });

  test('deep in a variable, and in an object key', async () => {
    const query = `mutation($input: DepositInput!) { deposit(input: $input) { id } }`;
    const deep = await send(
      query,
      { input: { accountId: checking, amount: '1.00', idempotencyKey: `x${NUL}` } },
      customer.token,
    );
    expect(problem(deep.body)).toEqual({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    const key = await send(query, { input: { accountId: checking, amount: '1.00', [NUL]: 'x' } }, customer.token);
    expect(problem(key.body).code).toBe('BAD_USER_INPUT');
  });
});

test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
  'a document type named %s is BAD_USER_INPUT on its contentType, nothing written',
  async (contentType) => {
    const query = `mutation($input: SubmitLoanApplicationInput!) { submitLoanApplication(input: $input) { id } }`;
    const input = {
      bankerId: banker.id,
      product: 'TERM_LOAN',
      amount: '50000.00',
      termMonths: 12,
      purpose: 'Ovens',
      documents: [{ ...pdfDocument(), contentType }],
    };
    const before = await send(`{ me { loanApplications(first: 100) { edges { node { id } } } } }`, {}, owner.token);
    const http = await send(query, { input }, owner.token);
    expect(problem(http.body)).toEqual({ code: 'BAD_USER_INPUT', field: 'documents.0.contentType' });
    expect(await send(`{ me { loanApplications(first: 100) { edges { node { id } } } } }`, {}, owner.token)).toEqual(
      before,
    );
  },
);

test('a non-null field that comes back null is an error with its path, never a silent data: null', async () => {
  // A bill whose owner identity does not know (written straight into billing's database).
  const biller = await billerOf(bank.routerUrl, customer, 'UTILITIES');
  const billId = randomUUID();
  const billing = bank.stack.subgraphs.billing?.orm;
  if (!billing) throw new Error('billing is not running');
  await billing.em
    .fork()
    .getConnection()
    .execute(
      `insert into bills (id, owner_id, biller_id, customer_reference, amount, currency, paid, due_date, status, issued_by, created_at, updated_at)
       values (?, ?, ?, 'GHOST-1', 1000, 'USD', 0, '2030-01-01', 'DUE', ?, now(), now())`,
      [billId, randomUUID(), biller.id, admin.id],
    );
  const { status, body } = await send(
    `query($id: ID!) { bill(id: $id) { id owner { name } } }`,
    { id: billId },
    admin.token,
  );
  expect(status).toBe(200);
  expect(body.data).toEqual({ bill: null });
  expect(body.errors?.length).toBeGreaterThan(0);
  expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  expect(body.errors?.[0]?.path?.slice(0, 2)).toEqual(['bill', 'owner']);
  expect(JSON.stringify(body)).not.toContain('valueCompletion');
});

test.each(['next', 'connection_ack', 'error'])(
  'over graphql-ws, a client sending a server message (%s) breaks the protocol: closed with 4400, not 4500',
  async (type) => {
    const ws = await socket(customer);
    ws.socket.send(JSON.stringify({ id: 'x', type, payload: type === 'error' ? [] : {} }));
    expect(await ws.closed).toBe(4400);
  },
);

test('over graphql-ws, a frame over the HTTP body limit (16 MiB) closes the socket with 1009 Message Too Big', async () => {
  const ws = await socket(customer);
  ws.socket.send(
    JSON.stringify({
      id: 'big',
      type: 'subscribe',
      payload: { query: `{ __typename }`, variables: { x: 'x'.repeat(17 * 1024 * 1024) } },
    }),
  );
  expect(await ws.closed).toBe(1009);
});

test('over graphql-ws, ten failing operations leave the socket and its live subscription working', async () => {
  const ws = await socket(banker);
  const subscriptionId = 'live';
  ws.subscribe(subscriptionId, `subscription($id: ID!) { messageAdded(conversationId: $id) { body } }`, {
    id: conversationId,
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const failing = [
    JSON.stringify({
      query: `mutation($i: DepositInput!) { deposit(input: $i) { id } }`,
      variables: { i: { accountId: checking, amount: 'NaN', idempotencyKey: 'nan' } },
    }),
    JSON.stringify({ query: `query($id: ID!) { account(id: $id) { id } }`, variables: { id: randomUUID() } }),
    JSON.stringify({
      query: `{ loanQuote(amount: "-1", annualRate: "5", termMonths: 12) { totalInterest { amount } } }`,
    }),
    JSON.stringify({ query: `{ nope }` }),
    JSON.stringify({ query: `{ me { id } }`, operationName: 'Missing' }),
    `{"query":"mutation { deposit(input: { accountId: \\"${checking}\\", amount: 1e309, idempotencyKey: \\"x\\" }) { id } }"}`,
    JSON.stringify({ query: `query($id: ID!) { bill(id: $id) { id } }`, variables: { id: randomUUID() } }),
    JSON.stringify({
      query: `mutation { sendMessage(input: { conversationId: "${randomUUID()}", body: "x" }) { id } }`,
    }),
    JSON.stringify({ query: `{ me { accounts { id } } }`, variables: { x: 'a\u0000' } }),
    JSON.stringify({ query: `subscription { messageAdded(conversationId: "${randomUUID()}") { body } }` }),
  ];
  for (const payload of failing) {
    const answer = await overWs(ws, payload);
    expect(['next', 'error']).toContain(answer.type);
    expect(wsProblem(answer).code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(wsProblem(answer).code).toBeDefined();
  }
  expect(ws.socket.readyState).toBe(ws.socket.OPEN);
  const sent = await send(
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
    { input: { conversationId, body: 'still there?' } },
    owner.token,
  );
  expect(sent.body.errors).toBeUndefined();
  const event = await ws.waitFor((m) => m.id === subscriptionId && m.type === 'next');
  expect(event.payload).toEqual({ data: { messageAdded: { body: 'still there?' } } });
});
