/**
 * The bank's fuzz suite: thousands of bad operations and variables, made
 * from the API schema by test/support/fuzz.ts so that every root field and
 * every argument is covered, sent through the router over HTTP and over
 * graphql-ws as each role and anonymously, with real ids mixed in so that
 * they reach the services; malformed requests; graphql-ws protocol abuse.
 *
 * Every answer: HTTP status below 500, an `extensions.code` on every error
 * and never INTERNAL_SERVER_ERROR, no `data: null` (or null for a non-null
 * field) without an error, an answer within 10 s; over graphql-ws every
 * operation is answered (a subscription answers or is live) and the socket
 * stays open unless the protocol was broken, then closed with a 44xx code.
 * The failures are reported together, once per (root field, problem), with
 * a reproduction each.
 *
 * The bank's money is checked before and after: the ledger balances, the
 * sagas' payments match their holds, and every transaction written during
 * the run belongs to an operation that succeeded (refused operations moved
 * nothing).
 *
 * Deterministic: the seed is printed; `FUZZ_SEED=<n>` runs another (or the
 * same again).
 */
import WebSocket from 'ws';
import {
  abbreviate,
  errorProblems,
  FUZZ_ROLES,
  fuzzSeed,
  FuzzFailures,
  generateOperations,
  graphqlProblems,
  inPool,
  loadApiSchema,
  malformedRequests,
  WS_ABUSE,
  type FuzzOperation,
  type FuzzRequest,
  type FuzzRole,
  type FuzzWorld,
  type SelectedField,
  type WorldObject,
  type WsAbuseCase,
} from './support/fuzz.ts';
import { addBill, billerOf, dayFromToday, PAY_BILL, SCHEDULE } from './support/billing.ts';
import { billingViolations, ledgerViolations, sqlOver, type Sql } from './support/faults.ts';
import {
  ACCEPT,
  approve,
  bankerWithProfile,
  businessOwner,
  openAccount,
  PDF_BYTES,
  sagaInvariantViolations,
  submitApplication,
} from './support/lending.ts';
import { createStaff, must, signInAdmin, signUp, startConversation, TEST_PASSWORD } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { MULTIPART_ACCEPT, multipartSubscribe } from './support/multipart.ts';
import { rawConnect, type RawMessage, type RawSocket } from './support/ws.ts';

const SEED = fuzzSeed(process.env.FUZZ_SEED);
/** Every request and operation answers within this, or it hangs. */
const BOUND_MS = 10_000;
const HTTP_CONCURRENCY = 8;
/** Of the queries and mutations, one in this many is also sent over graphql-ws. */
const WS_SHARE = 4;

let bank: TestStack;
let world: FuzzWorld;
let banking: Sql;
let billing: Sql;
let assistant: Sql;
const failures = new FuzzFailures();
/** Every string of every `data` answered: ids of what succeeded. */
const seen = new Set<string>();
const sent = { http: 0, httpRequests: 0, ws: 0, wsSubscriptions: 0, wsProtocol: 0, multipart: 0 };
let before: { seq: string; balances: Map<string, bigint> };
/** What the run wrote to the ledger. */
const written = { transactions: 0 };

// ---------------------------------------------------------------------------
// The world: people of each role and their objects.
// ---------------------------------------------------------------------------

const DEPOSIT = `mutation($input: DepositInput!) { deposit(input: $input) { id } }`;

async function buildWorld(): Promise<FuzzWorld> {
  const url = bank.routerUrl;
  const customer = await signUp(url, 'fz-cora', 'CUSTOMER');
  const owner = await businessOwner(url, 'fzomar');
  const banker = await bankerWithProfile(url, 'fzbea');
  const risk = await createStaff(url, 'fzrita', 'RISK_OFFICER');
  const admin = await signInAdmin(url);
  const target = await signUp(url, 'fz-tess', 'CUSTOMER');
  const { login } = await must<{ login: { refreshToken: string } }>(
    url,
    `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }`,
    { e: 'fz-tess@example.com', p: TEST_PASSWORD },
  );

  const checking = await openAccount(url, customer, 'CHECKING');
  const savings = await openAccount(url, customer, 'SAVINGS');
  const business = await openAccount(url, owner, 'BUSINESS');
  const depositInto = async (token: string, accountId: string, key: string) =>
    (
      await must<{ deposit: { id: string } }>(
        url,
        DEPOSIT,
        { input: { accountId, amount: '5000.00', idempotencyKey: key } },
        token,
      )
    ).deposit.id;
  const customerDeposit = await depositInto(customer.token, checking, 'fz-setup-1');
  const ownerDeposit = await depositInto(owner.token, business, 'fz-setup-2');

  const biller = await billerOf(url, customer);
  const bill = await addBill(url, customer, { billerId: biller.id, amount: '80.00' });
  const scheduledBill = await addBill(url, customer, { billerId: biller.id, amount: '40.00' });
  const { payBill } = await must<{ payBill: { id: string } }>(
    url,
    PAY_BILL,
    { input: { billId: bill, fromAccountId: checking, amount: '5.00', idempotencyKey: 'fz-setup-pay' } },
    customer.token,
  );
  const { schedulePayment } = await must<{ schedulePayment: { id: string } }>(
    url,
    SCHEDULE,
    { input: { billId: scheduledBill, fromAccountId: checking, payOn: dayFromToday(3) } },
    customer.token,
  );

  const submitted = await submitApplication(url, owner, banker);
  const { loanApplication } = await must<{ loanApplication: { documents: { id: string }[] } }>(
    url,
    `query($id: ID!) { loanApplication(id: $id) { documents { id } } }`,
    { id: submitted },
    owner.token,
  );
  const approved = await submitApplication(url, owner, banker);
  await approve(url, approved, banker, risk);
  const paidOut = await submitApplication(url, owner, banker);
  await approve(url, paidOut, banker, risk);
  const { acceptLoanOffer } = await must<{ acceptLoanOffer: { id: string } }>(
    url,
    ACCEPT,
    { input: { applicationId: paidOut, disbursementAccountId: business, idempotencyKey: 'fz-setup-loan' } },
    owner.token,
  );
  const conversation = await startConversation(url, owner.token, {
    participantId: banker.id,
    subject: 'Fuzzing',
    body: 'Hello',
  });
  const notifications = async (token: string): Promise<string[]> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const { me } = await must<{ me: { notifications: { edges: { node: { id: string } }[] } } }>(
        url,
        `{ me { notifications(first: 5) { edges { node { id } } } } }`,
        {},
        token,
      );
      const ids = me.notifications.edges.map((e) => e.node.id);
      if (ids.length > 0 || Date.now() > deadline) return ids;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  // The assistant: a session of each, the CUSTOMER's with a pending transfer between their own accounts.
  const ASK = `mutation($input: AskAssistantInput!) { askAssistant(input: $input) { session { id } action { id } } }`;
  const { askAssistant: proposal } = await must<{ askAssistant: { session: { id: string }; action: { id: string } } }>(
    url,
    ASK,
    { input: { text: 'transfer $5 from checking to savings' } },
    customer.token,
  );
  const { askAssistant: greeting } = await must<{ askAssistant: { session: { id: string } } }>(
    url,
    ASK,
    { input: { text: 'hello' } },
    owner.token,
  );

  const object = (id: string, owner: FuzzRole | null, label: string): WorldObject => ({ id, owner, label });
  return {
    tokens: {
      CUSTOMER: customer.token,
      BUSINESS_OWNER: owner.token,
      BANKER: banker.token,
      RISK_OFFICER: risk.token,
      ADMIN: admin.token,
    },
    objects: {
      account: [
        object(checking, 'CUSTOMER', "the CUSTOMER's checking account (with money)"),
        object(savings, 'CUSTOMER', "the CUSTOMER's savings account"),
        object(business, 'BUSINESS_OWNER', "the BUSINESS_OWNER's business account (with money and a loan)"),
      ],
      transaction: [
        object(customerDeposit, 'CUSTOMER', "a deposit into the CUSTOMER's checking account"),
        object(ownerDeposit, 'BUSINESS_OWNER', "a deposit into the BUSINESS_OWNER's account"),
      ],
      bill: [
        object(bill, 'CUSTOMER', "the CUSTOMER's bill, partly paid"),
        object(scheduledBill, 'CUSTOMER', "the CUSTOMER's bill with a scheduled payment"),
      ],
      billPayment: [object(payBill.id, 'CUSTOMER', "the CUSTOMER's bill payment")],
      scheduledPayment: [object(schedulePayment.id, 'CUSTOMER', "the CUSTOMER's scheduled payment")],
      biller: [object(biller.id, null, 'a biller')],
      user: [object(target.id, null, 'a customer')],
      banker: [object(banker.id, null, 'the BANKER')],
      participant: [
        object(banker.id, 'BUSINESS_OWNER', 'the BANKER'),
        object(owner.id, 'BANKER', 'the BUSINESS_OWNER'),
      ],
      application: [
        object(submitted, null, 'a SUBMITTED loan application'),
        object(approved, null, 'an APPROVED loan application'),
        object(paidOut, null, 'a DISBURSED loan application'),
      ],
      document: (loanApplication.documents[0] ? [loanApplication.documents[0].id] : []).map((id) =>
        object(id, null, 'a loan document'),
      ),
      loan: [object(acceptLoanOffer.id, null, "the BUSINESS_OWNER's loan")],
      conversation: [object(conversation, null, 'the conversation of the BUSINESS_OWNER and the BANKER')],
      assistantSession: [
        object(proposal.session.id, 'CUSTOMER', "the CUSTOMER's assistant session (a transfer pending)"),
        object(greeting.session.id, 'BUSINESS_OWNER', "the BUSINESS_OWNER's assistant session"),
      ],
      assistantAction: [object(proposal.action.id, 'CUSTOMER', "the CUSTOMER's pending assistant transfer")],
      notification: [
        ...(await notifications(banker.token)).map((id) => object(id, 'BANKER', "a BANKER's notification")),
        ...(await notifications(owner.token)).map((id) =>
          object(id, 'BUSINESS_OWNER', "a BUSINESS_OWNER's notification"),
        ),
      ],
    },
    loginEmail: 'fz-tess@example.com',
    password: TEST_PASSWORD,
    refreshToken: login.refreshToken,
    documentBase64: PDF_BYTES.toString('base64'),
    day: dayFromToday,
  };
}

// ---------------------------------------------------------------------------
// Money.
// ---------------------------------------------------------------------------

async function balances(): Promise<Map<string, bigint>> {
  const rows = await banking.execute<{ id: string; balance: string }[]>(
    `select id, balance::text as balance from accounts where type <> 'SYSTEM'`,
  );
  return new Map(rows.map((r) => [r.id, BigInt(r.balance)]));
}

/** Waits (within the bound) for sagas started by the run to finish their steps. */
async function settled(): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [holds] = await banking.execute<{ n: number }[]>(
      `select count(*)::int as n from transactions where status = 'PENDING'`,
    );
    const [payments] = await billing.execute<{ n: number }[]>(
      `select count(*)::int as n from bill_payments where status = 'PENDING'`,
    );
    if ((holds?.n ?? 0) === 0 && (payments?.n ?? 0) === 0) return;
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Transactions written since `before` that no operation which succeeded
 * reported: by its own id (deposit, withdraw, transfer) or, for a saga's
 * hold, by the payment, loan or repayment it is the hold of (banking keys
 * them `bill-payment:<id>`, `loan-disbursement:<id>`, `loan-repayment:<id>`).
 */
async function unexplainedTransactions(): Promise<string[]> {
  const rows = await banking.execute<
    {
      id: string;
      kind: string;
      status: string;
      amount: string;
      from_account_id: string;
      to_account_id: string;
      key: string | null;
    }[]
  >(
    `select t.id, t.kind, t.status, t.amount::text as amount, t.from_account_id, t.to_account_id,
            (select k.key from idempotency_keys k where k.transaction_id = t.id and k.scope like 'service:%' limit 1) as key
       from transactions t where t.seq > ? and t.status <> 'VOIDED' order by t.seq`,
    [before.seq],
  );
  const problems: string[] = [];
  written.transactions = rows.length;
  for (const t of rows) {
    if (seen.has(t.id)) continue;
    const owner = /^(bill-payment|loan-disbursement|loan-repayment):(.+)$/.exec(t.key ?? '');
    if (owner?.[2] && seen.has(owner[2])) continue;
    // The assistant's transfer: only a confirmation that succeeded makes its action CONFIRMED with it.
    const [confirmed] = await assistant.execute<{ id: string }[]>(
      `select id from assistant_actions where transaction_id = ? and status = 'CONFIRMED'`,
      [t.id],
    );
    if (confirmed) continue;
    if (owner?.[1] === 'bill-payment') {
      const [payment] = await billing.execute<{ scheduled_payment_id: string | null }[]>(
        'select scheduled_payment_id from bill_payments where id = ?',
        [owner[2]],
      );
      if (payment?.scheduled_payment_id && seen.has(payment.scheduled_payment_id)) continue;
    }
    problems.push(
      `${t.kind} ${t.id} (${t.status}, ${t.amount} minor units from ${t.from_account_id} to ${t.to_account_id}) ` +
        'moved money, but no operation that succeeded reported it',
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Sending and checking.
// ---------------------------------------------------------------------------

type HttpAnswer = { status: number; type: string; text: string } | { failed: string };

async function sendHttp(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(BOUND_MS);
  try {
    const response = await fetch(new URL(path, bank.routerUrl), {
      method,
      headers,
      ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
      signal,
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', text };
  } catch (error) {
    if (signal.aborted) return { failed: `no answer within ${BOUND_MS / 1000} s` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { failed: `the connection failed (${cause?.code ?? cause?.message ?? String(error)})` };
  }
}

/** Every string in a value (the ids a successful answer reported). */
function collectStrings(value: unknown): void {
  if (typeof value === 'string') seen.add(value);
  else if (Array.isArray(value)) value.forEach(collectStrings);
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(collectStrings);
}

/** The real objects a request names (in any case), for the report. */
function describeIds(text: string): string {
  const lower = text.toLowerCase();
  const labels = Object.values(world.objects)
    .flat()
    .filter((o) => lower.includes(o.id))
    .map((o) => `${o.id} = ${o.label}`);
  return labels.length ? `\n  ids: ${[...new Set(labels)].join('; ')}` : '';
}

function operationRepro(op: FuzzOperation, transport: string, answer: string): string {
  return (
    `  as ${op.role} over ${transport}: ${op.what} (operation #${op.index})` +
    `\n  ${transport === 'HTTP' ? 'POST /graphql ' : 'subscribe payload '}${abbreviate(op.body, 1500)}` +
    `${describeIds(op.body)}\n  answer: ${abbreviate(answer, 600)}`
  );
}

function headersFor(role: FuzzRole): Record<string, string> {
  const token = world.tokens[role];
  return { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

/** Checks an HTTP answer that should be a GraphQL response; returns the problems. */
function httpProblems(answer: HttpAnswer, shape: SelectedField[] | null, mustBeJson: boolean): string[] {
  if ('failed' in answer) return [answer.failed];
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`HTTP ${answer.status}`);
  if (!answer.type.includes('json')) {
    if (mustBeJson) problems.push(`an answer that is not JSON (HTTP ${answer.status}, ${answer.type || 'no type'})`);
    return problems;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return [...problems, `an answer whose JSON does not parse (HTTP ${answer.status})`];
  }
  collectStrings((body as { data?: unknown } | null)?.data);
  return [...problems, ...graphqlProblems(body, shape)];
}

/** Outcomes by root field (`ok`, or the first error's code): how far operations got. */
const outcomes = new Map<string, Map<string, number>>();

function tally(root: string, answer: HttpAnswer): void {
  let outcome = 'failed' in answer ? 'no answer' : `HTTP ${answer.status}`;
  if (!('failed' in answer) && answer.type.includes('json')) {
    try {
      const body = JSON.parse(answer.text) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      outcome = body.errors?.[0]?.extensions?.code ?? (body.data ? 'ok' : outcome);
    } catch {
      // counted by its status
    }
  }
  const counts = outcomes.get(root) ?? new Map<string, number>();
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  outcomes.set(root, counts);
}

async function runHttpOperation(op: FuzzOperation): Promise<void> {
  sent.http += 1;
  const answer = await sendHttp('POST', '/graphql', headersFor(op.role), op.body);
  const problems = httpProblems(answer, op.shape, true);
  tally(op.root, answer);
  const shown = 'failed' in answer ? answer.failed : `HTTP ${answer.status} ${answer.text}`;
  for (const problem of problems) failures.add(op.root, problem, 'HTTP', operationRepro(op, 'HTTP', shown));
}

async function runHttpRequest(request: FuzzRequest): Promise<void> {
  sent.httpRequests += 1;
  const answer = await sendHttp(request.method, request.path, request.headers, request.body);
  const problems =
    request.anyBody && !('failed' in answer)
      ? answer.status >= 500
        ? [`HTTP ${answer.status}`]
        : []
      : httpProblems(answer, null, false);
  const shown = 'failed' in answer ? answer.failed : `HTTP ${answer.status} ${answer.text}`;
  const headers = Object.entries(request.headers)
    .map(([k, v]) => `${k}: ${abbreviate(v, 120)}`)
    .join('; ');
  for (const problem of problems) {
    failures.add(
      request.root,
      problem,
      'HTTP',
      `  as ${request.role}: ${request.what} (request #${request.index})\n  ${request.method} ${abbreviate(request.path, 300)}` +
        ` [${headers}]${request.body !== undefined ? ` ${abbreviate(request.body, 600)}` : ''}\n  answer: ${abbreviate(shown, 600)}`,
    );
  }
}

// ---------------------------------------------------------------------------
// graphql-ws.
// ---------------------------------------------------------------------------

/** Resolves after `ms` without keeping the process alive. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

type WsOutcome = { messages: RawMessage[] } | { closed: number } | { hang: true };

/** A socket of one role, with the operations in flight on it by id. */
interface Lane {
  socket: RawSocket;
  handlers: Map<string, (message: RawMessage) => void>;
  closedWith?: number;
}

const lanes = new Map<FuzzRole, Promise<Lane>>();
const allSockets: RawSocket[] = [];

/** The role's socket (a new one once the last has closed). */
async function laneOf(role: FuzzRole): Promise<Lane> {
  const known = lanes.get(role);
  if (known && (await known).closedWith === undefined) return known;
  const opening = connectLane(role);
  lanes.set(role, opening);
  return opening;
}

async function connectLane(role: FuzzRole): Promise<Lane> {
  const socket = await rawConnect(bank.routerUrl, world.tokens[role]);
  allSockets.push(socket);
  const lane: Lane = { socket, handlers: new Map() };
  socket.socket.on('message', (data) => {
    socket.messages.length = 0; // rawConnect keeps every message; these are dispatched here instead
    let message: RawMessage;
    try {
      message = JSON.parse(String(data)) as RawMessage;
    } catch {
      return;
    }
    if (message.id !== undefined) lane.handlers.get(message.id)?.(message);
  });
  void socket.closed.then((code) => {
    lane.closedWith = code;
  });
  return lane;
}

/**
 * Sends one query or mutation as a `subscribe` message and resolves with its
 * messages once it has an `error` or `complete`, or with the close code, or
 * as a hang after the bound.
 */
function subscribeOn(lane: Lane, id: string, payloadText: string): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const got: RawMessage[] = [];
    let done = false;
    const finish = (outcome: WsOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      lane.handlers.delete(id);
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ hang: true }), BOUND_MS).unref();
    lane.handlers.set(id, (message) => {
      got.push(message);
      if (message.type === 'error' || message.type === 'complete') {
        lane.handlers.delete(id);
        finish({ messages: got });
      }
    });
    void lane.socket.closed.then((code) => finish({ closed: code }));
    lane.socket.socket.send(`{"id":${JSON.stringify(id)},"type":"subscribe","payload":${payloadText}}`);
  });
}

/** What is wrong with an operation's messages. */
function wsMessageProblems(messages: RawMessage[], shape: SelectedField[] | null, wantsResult: boolean): string[] {
  const problems: string[] = [];
  for (const message of messages) {
    if (message.type === 'error') problems.push(...errorProblems(message.payload));
    if (message.type === 'next') {
      collectStrings((message.payload as { data?: unknown } | null)?.data);
      problems.push(...graphqlProblems(message.payload, shape));
    }
  }
  if (wantsResult && messages.length > 0 && !messages.some((m) => m.type === 'next' || m.type === 'error')) {
    problems.push('complete without a result');
  }
  return problems;
}

/** Operations whose socket closed or hung while they were in flight with others: each is tried again alone. */
const suspects: FuzzOperation[] = [];

async function runWsOperation(op: FuzzOperation, alone = false): Promise<void> {
  if (!alone) sent.ws += 1;
  const lane = alone ? await connectLane(op.role) : await laneOf(op.role);
  const outcome = await subscribeOn(lane, `op${op.index}`, op.body);
  if (alone) lane.socket.socket.terminate();
  if (!alone && !('messages' in outcome)) {
    // Other operations were in flight on that socket: which one closed it is found by trying each alone.
    suspects.push(op);
    return;
  }
  let problems: string[];
  let shown: string;
  if ('hang' in outcome) {
    problems = [`no answer within ${BOUND_MS / 1000} s over graphql-ws`];
    shown = 'nothing';
  } else if ('closed' in outcome) {
    problems = [`the socket closed with ${outcome.closed} on a well-formed subscribe message`];
    shown = `close ${outcome.closed}`;
  } else {
    problems = wsMessageProblems(outcome.messages, op.shape, true);
    shown = JSON.stringify(outcome.messages);
  }
  for (const problem of problems) failures.add(op.root, problem, 'graphql-ws', operationRepro(op, 'graphql-ws', shown));
}

/**
 * A subscription, alone: it must answer (`error`, or `next` and `complete`)
 * or be live in the router within the bound; a live one is completed and
 * the router must then release it.
 */
async function runWsSubscription(op: FuzzOperation): Promise<void> {
  sent.wsSubscriptions += 1;
  const held = () => bank.stack.router.subscriptions.stats().subscriptions;
  const lane = await laneOf(op.role);
  const baseline = held();
  const id = `sub${op.index}`;
  const messages: RawMessage[] = [];
  lane.handlers.set(id, (message) => messages.push(message));
  lane.socket.socket.send(`{"id":"${id}","type":"subscribe","payload":${op.body}}`);
  const ended = () => messages.some((m) => m.type === 'error' || m.type === 'complete');
  const deadline = Date.now() + BOUND_MS;
  while (!ended() && held() <= baseline && lane.closedWith === undefined && Date.now() < deadline) await sleep(5);
  const problems: string[] = [];
  const live = !ended() && held() > baseline;
  if (lane.closedWith !== undefined) {
    problems.push(`the socket closed with ${lane.closedWith} on a well-formed subscribe message`);
  } else if (!ended() && !live) {
    problems.push(`a subscription neither answered nor live within ${BOUND_MS / 1000} s`);
  }
  problems.push(...wsMessageProblems(messages, op.shape, false));
  if (live) {
    lane.socket.socket.send(`{"id":"${id}","type":"complete"}`);
    const released = Date.now() + BOUND_MS;
    while (held() > baseline && Date.now() < released) await sleep(5);
    if (held() > baseline) problems.push(`a live subscription not released ${BOUND_MS / 1000} s after its complete`);
  }
  lane.handlers.delete(id);
  const shown = `${live ? 'live; ' : ''}${lane.closedWith !== undefined ? `close ${lane.closedWith}; ` : ''}${JSON.stringify(messages)}`;
  for (const problem of problems) failures.add(op.root, problem, 'graphql-ws', operationRepro(op, 'graphql-ws', shown));
}

/**
 * A subscription over multipart HTTP (Apollo's subscriptionSpec 1.0): a
 * refusal must be a proper GraphQL answer; a stream's parts are read for a
 * moment and checked (a transport error or a payload), then the client
 * leaves.
 */
async function runMultipartSubscription(op: FuzzOperation): Promise<void> {
  sent.multipart += 1;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), BOUND_MS).unref();
  const problems: string[] = [];
  let shown: string;
  try {
    const response = await fetch(bank.routerUrl, {
      method: 'POST',
      headers: { ...headersFor(op.role), accept: MULTIPART_ACCEPT },
      body: op.body,
      signal: controller.signal,
    });
    clearTimeout(timer);
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('multipart/mixed')) {
      const text = await response.text();
      shown = `HTTP ${response.status} ${text}`;
      problems.push(...httpProblems({ status: response.status, type, text }, op.shape, true));
      tally(`${op.root} over multipart`, { status: response.status, type, text });
    } else {
      // Read what comes within a moment (a refusal, an event, heartbeats), then leave.
      let text = '';
      const reading = (async () => {
        const decoder = new TextDecoder();
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          text += decoder.decode(chunk, { stream: true });
        }
      })().catch(() => undefined);
      await Promise.race([reading, sleep(1_000)]);
      controller.abort();
      shown = `HTTP ${response.status} ${type} ${text}`;
      tally(`${op.root} over multipart`, { status: response.status, type: 'stream', text: '' });
      if (response.status >= 500) problems.push(`HTTP ${response.status}`);
      for (const part of text.split(/\r\n--[^\r\n]*/)) {
        const at = part.indexOf('\r\n\r\n');
        if (at === -1 || part.slice(at + 4).trim() === '') continue;
        let body: { payload?: unknown; errors?: unknown };
        try {
          body = JSON.parse(part.slice(at + 4)) as typeof body;
        } catch {
          problems.push('a multipart part that is not JSON');
          continue;
        }
        if (body.errors !== undefined) problems.push(...errorProblems(body.errors));
        if (body.payload !== undefined && body.payload !== null) {
          collectStrings((body.payload as { data?: unknown }).data);
          problems.push(...graphqlProblems(body.payload, op.shape));
        }
      }
    }
  } catch (error) {
    shown = String(error);
    problems.push(
      controller.signal.aborted ? `no answer within ${BOUND_MS / 1000} s` : `the connection failed (${String(error)})`,
    );
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  for (const problem of problems)
    failures.add(op.root, problem, 'multipart HTTP', operationRepro(op, 'multipart HTTP', shown));
}

/** One protocol abuse case on a socket of its own. */
async function runWsAbuse(abuse: WsAbuseCase): Promise<void> {
  sent.wsProtocol += 1;
  const url = bank.routerUrl.replace(/^http/, 'ws');
  const protocol = abuse.protocol === undefined ? 'graphql-transport-ws' : abuse.protocol;
  const socket = protocol === null ? new WebSocket(url) : new WebSocket(url, protocol);
  const messages: RawMessage[] = [];
  let closedWith: number | undefined;
  const closed = new Promise<number>((resolve) =>
    socket.once('close', (code) => {
      closedWith = code;
      resolve(code);
    }),
  );
  socket.on('error', () => undefined);
  socket.on('message', (data) => {
    try {
      messages.push(JSON.parse(String(data)) as RawMessage);
    } catch {
      messages.push({ type: `unparsable: ${String(data).slice(0, 80)}` });
    }
  });
  const problems: string[] = [];
  try {
    let opened = false;
    await Promise.race([
      new Promise<void>((resolve) =>
        socket.once('open', () => {
          opened = true;
          resolve();
        }),
      ),
      closed,
      sleep(BOUND_MS),
    ]);
    if (!opened && abuse.closes) {
      // The handshake itself was refused (our client drops a socket without the subprotocol it asked for).
      return;
    }
    const subscribeIds: string[] = [];
    for (const step of abuse.steps(world)) {
      if (closedWith !== undefined) break;
      if ('waitMs' in step) await sleep(step.waitMs);
      else if ('send' in step) {
        if (typeof step.send === 'string') {
          const id = /^\{"id":"([^"]*)","type":"subscribe"/.exec(step.send)?.[1];
          if (id !== undefined) subscribeIds.push(id);
          if (/"type":"complete"/.test(step.send))
            subscribeIds.splice(subscribeIds.indexOf(/"id":"([^"]*)"/.exec(step.send)?.[1] ?? ''), 1);
        }
        socket.send(step.send);
      } else {
        const token = world.tokens.CUSTOMER;
        const payload =
          typeof step.init === 'object'
            ? step.init.payloadText
            : JSON.stringify(step.init === 'token' && token ? { authorization: `Bearer ${token}` } : {});
        socket.send(`{"type":"connection_init","payload":${payload}}`);
        const acked = Date.now() + 1_000;
        while (!messages.some((m) => m.type === 'connection_ack') && closedWith === undefined && Date.now() < acked) {
          await sleep(10);
        }
      }
    }
    if (abuse.closes) await Promise.race([closed, sleep(BOUND_MS)]);
    else await Promise.race([closed, sleep(300)]);
    const acceptableClose = (code: number) => (code >= 4400 && code <= 4499) || code === 1009;
    if (closedWith !== undefined) {
      if (!acceptableClose(closedWith)) problems.push(`the socket closed with ${closedWith}`);
      else if (!abuse.closes && !abuse.what.startsWith('connection_init with') && abuse.what !== 'a 17 MB frame') {
        problems.push(`the socket closed with ${closedWith} on well-formed messages`);
      }
    } else {
      // Open: it must still answer (a pong, and every operation sent on it).
      const answered = (id: string) =>
        messages.some((m) => m.id === id && (m.type === 'error' || m.type === 'complete'));
      const deadline = Date.now() + BOUND_MS;
      socket.send('{"type":"ping"}');
      while (
        Date.now() < deadline &&
        closedWith === undefined &&
        !(
          messages.some((m) => m.type === 'pong') &&
          subscribeIds.filter((id) => !id.startsWith('churn') && id !== 'dup').every(answered)
        )
      ) {
        await sleep(20);
      }
      if (closedWith !== undefined && !acceptableClose(closedWith))
        problems.push(`the socket closed with ${closedWith}`);
      else if (closedWith === undefined && !messages.some((m) => m.type === 'pong'))
        problems.push('the socket stopped answering (no pong)');
      else if (closedWith === undefined) {
        const unanswered = subscribeIds.filter((id) => !id.startsWith('churn') && id !== 'dup' && !answered(id));
        if (unanswered.length > 0)
          problems.push(`${unanswered.length} operation(s) not answered within ${BOUND_MS / 1000} s`);
      }
    }
    for (const message of messages) {
      if (message.type === 'error') problems.push(...errorProblems(message.payload));
      if (message.type === 'next') problems.push(...graphqlProblems(message.payload, null));
    }
  } finally {
    socket.terminate();
  }
  const shown = `${closedWith === undefined ? 'open' : `closed ${closedWith}`}; ${abbreviate(JSON.stringify(messages.slice(0, 5)), 400)}`;
  for (const problem of problems) {
    failures.add('(graphql-ws protocol)', problem, 'graphql-ws', `  ${abuse.what}\n  answer: ${shown}`);
  }
}

// ---------------------------------------------------------------------------
// The run.
// ---------------------------------------------------------------------------

beforeAll(async () => {
  bank = await startTestStack();
  const orm = (name: 'banking' | 'billing' | 'assistant') => {
    const subgraph = bank.stack.subgraphs[name];
    if (!subgraph) throw new Error(`${name} is not running`);
    return sqlOver(subgraph.orm);
  };
  banking = orm('banking');
  billing = orm('billing');
  assistant = orm('assistant');
  world = await buildWorld();
  await settled();
  const [row] = await banking.execute<{ seq: string }[]>('select coalesce(max(seq), 0)::text as seq from transactions');
  before = { seq: row?.seq ?? '0', balances: await balances() };
  expect(await ledgerViolations(banking)).toEqual([]);
}, 120_000);

afterAll(async () => {
  for (const socket of allSockets) socket.socket.terminate();
  await bank?.close();
});

test('thousands of bad operations and requests: no 5xx, no INTERNAL_SERVER_ERROR, no uncoded error, no silent null, no closed socket, no hang', async () => {
  const started = Date.now();
  const schema = loadApiSchema();
  const operations = generateOperations(schema, world, SEED, { perSlot: 7, validPerRole: 1, twistsPerRoot: 3 });
  const requests = malformedRequests(world, ['ANONYMOUS', 'CUSTOMER']);

  // Every root field and every argument of it is in the run.
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const root = `${type?.name}.${field.name}`;
      const mine = operations.filter((op) => op.root === root);
      expect({ root, roles: new Set(mine.map((op) => op.role)).size }).toEqual({ root, roles: FUZZ_ROLES.length });
      for (const arg of field.args) {
        expect({ root, arg: arg.name, fuzzed: mine.some((op) => op.what.startsWith(`${arg.name}`)) }).toEqual({
          root,
          arg: arg.name,
          fuzzed: true,
        });
      }
    }
  }

  const subscriptions = operations.filter((op) => op.kind === 'subscription');
  const others = operations.filter((op) => op.kind !== 'subscription');

  await inPool(operations, HTTP_CONCURRENCY, runHttpOperation);
  await inPool(requests, HTTP_CONCURRENCY, runHttpRequest);
  await inPool(
    others.filter((op) => op.index % WS_SHARE === 0),
    HTTP_CONCURRENCY,
    (op) => runWsOperation(op),
  );
  // The malformed documents too, as the customer.
  const documents = requests
    .filter((r) => r.root === '(document)' && r.role === 'CUSTOMER')
    .map((r): FuzzOperation => {
      const query = String((JSON.parse(r.body ?? '{}') as { query?: unknown }).query);
      const kind = query.trimStart().startsWith('subscription') ? 'subscription' : 'query';
      return {
        index: operations.length + r.index,
        root: r.root,
        kind,
        role: r.role,
        what: r.what,
        query,
        body: r.body ?? '',
        shape: [],
      };
    });
  await inPool(
    documents.filter((d) => d.kind !== 'subscription'),
    HTTP_CONCURRENCY,
    (op) => runWsOperation(op),
  );
  for (const op of suspects) await runWsOperation(op, true);
  for (const op of [...subscriptions, ...documents.filter((d) => d.kind === 'subscription')]) {
    await runWsSubscription(op);
  }
  await inPool(WS_ABUSE, 4, runWsAbuse);
  // The same subscriptions over multipart HTTP; every stream is released once its client leaves.
  await inPool(subscriptions, HTTP_CONCURRENCY, runMultipartSubscription);
  const held = () => bank.stack.router.subscriptions.stats().subscriptions;
  const released = Date.now() + BOUND_MS;
  while (held() > 0 && Date.now() < released) await sleep(20);
  if (held() > 0) {
    failures.add(
      'Subscription',
      'subscriptions held after their clients left',
      'multipart HTTP',
      `  ${held()} still held`,
    );
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz FUZZ_SEED=${SEED}: HTTP ${sent.http} operations + ${sent.httpRequests} malformed requests; ` +
      `graphql-ws ${sent.ws} operations + ${sent.wsSubscriptions} subscriptions + ${sent.wsProtocol} protocol cases; ` +
      `multipart HTTP ${sent.multipart} subscriptions; ` +
      `${failures.size} distinct failure(s); ${seconds} s`,
  );
  if (process.env.FUZZ_VERBOSE) {
    for (const [root, counts] of [...outcomes].sort()) {
      console.log(`${root}: ${[...counts].map(([code, n]) => `${code} ${n}`).join(', ')}`);
    }
  }
  expect(failures.report(SEED)).toBe('');
}, 240_000);

test('the money: the ledger balances, sagas match their holds, and nothing but successful operations moved money', async () => {
  await settled();
  const problems = [
    ...(await ledgerViolations(banking)),
    ...(await billingViolations(billing, banking, false)),
    ...(await sagaInvariantViolations(bank, false)),
    ...(await unexplainedTransactions()),
  ];
  // Customer balances moved only by those transactions (the ledger says balance = its entries).
  const after = await balances();
  for (const [id, balance] of before.balances) {
    if (!after.has(id)) problems.push(`account ${id} disappeared (balance was ${balance})`);
  }
  console.log(
    `fuzz money: ${written.transactions} transactions written during the run, all by operations that succeeded`,
  );
  expect(problems).toEqual([]);
}, 60_000);

describe('defects the fuzz found, pinned', () => {
  test('markNotificationsRead with an id in upper case is NOT_FOUND on ids, as every other path answers it, not INTERNAL_SERVER_ERROR', async () => {
    const notification = world.objects.notification?.find((n) => n.owner === 'BUSINESS_OWNER');
    if (!notification) throw new Error('the BUSINESS_OWNER has no notification');
    const query = `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }`;
    const token = world.tokens.BUSINESS_OWNER;
    for (const ids of [[notification.id.toUpperCase()], [notification.id, notification.id.toUpperCase()]]) {
      const answer = await postGraphQL(bank.routerUrl, query, { ids }, token);
      expect(answer.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['NOT_FOUND', 'ids']]);
    }
    const exact = await postGraphQL(bank.routerUrl, query, { ids: [notification.id] }, token);
    expect(exact).toEqual({ data: { markNotificationsRead: [{ id: notification.id }] } });
  });
  test('a subscription variable left out takes its default, as in any operation, not INTERNAL_SERVER_ERROR', async () => {
    const session = world.objects.assistantSession?.find((o) => o.owner === 'CUSTOMER');
    const conversation = world.objects.conversation?.[0];
    if (!session || !conversation) throw new Error('the world has no assistant session or conversation');
    const cases = [
      // A bad default is refused as the same value sent as a variable would be.
      [
        `subscription($v: ID! = "=HYPERLINK(1)") { assistantTurnAdded(sessionId: $v) { id } }`,
        'CUSTOMER',
        'BAD_USER_INPUT',
      ],
      [
        `subscription($v: ID! = "${conversation.id}") { messageAdded(conversationId: $v) { id } }`,
        'ANONYMOUS',
        'UNAUTHENTICATED',
      ],
      // A good one subscribes: the stream opens.
      [`subscription($v: ID! = "${session.id}") { assistantTurnAdded(sessionId: $v) { id } }`, 'CUSTOMER', null],
    ] as const;
    for (const [query, role, code] of cases) {
      const token = world.tokens[role];
      const sub = await multipartSubscribe(bank.routerUrl, query, {}, token);
      sub.cancel();
      expect({ query, code: (sub.json as JsonResponse | undefined)?.errors?.[0]?.extensions?.code ?? null }).toEqual({
        query,
        code,
      });
    }
  });
});
