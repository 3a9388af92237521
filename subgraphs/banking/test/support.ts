/**
 * Helpers for the end-to-end banking tests (`test/banking-*.test.ts`): a
 * started stack with users and accounts, raw calls through the router and
 * directly to the banking subgraph (router-signed or service-signed), raw
 * SQL on the banking database, a snapshot of the ledger for "a refusal
 * changes nothing", and a checker of the ledger's invariants.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  CALLER_HEADER,
  signCallerHeader,
  signServiceHeader,
  type Caller,
  type Role,
  type ServiceName,
} from '../../../platform/caller.ts';
import { callerKeyOf } from '../../../platform/config.ts';
import {
  DepositDocument,
  LoginDocument,
  OpenAccountDocument,
  RegisterDocument,
  type AccountType,
  type Currency,
} from '../../../test/generated/operations.ts';
import { startTestStack, TEST_ADMIN, type GraphQLResult, type TestStack } from '../../../test/support/stack.ts';
import type { SystemPurpose } from '../src/services/account-service.ts';

/** One GraphQL error as a client sees it. */
export interface GqlError {
  message: string;
  path?: readonly (string | number)[];
  extensions: Record<string, unknown>;
}

/** A GraphQL answer read from raw JSON; `T` is what the test expects `data` to look like. */
export interface GqlBody<T> {
  data?: T | null;
  errors?: readonly GqlError[];
}

/** A signed-in user of the test bank. */
export interface Party {
  id: string;
  email: string;
  token: string;
  roles: readonly Role[];
  /** The caller the router would vouch for (for direct, router-signed calls to the subgraph). */
  caller: Caller;
}

/** Everything a refusal must leave as it was. */
export interface LedgerSnapshot {
  accounts: { id: string; balance: string; held: string; status: string; threshold: string | null }[];
  transactions: { id: string; status: string }[];
  entries: number;
  idempotencyKeys: number;
  outboxEvents: number;
}

/** What {@link BankHarness.invariants} found wrong: every list is empty for a sound ledger. */
export interface LedgerViolations {
  unbalancedTransactions: string[];
  ledgerTotal: string;
  balanceNotSumOfEntries: string[];
  heldNotSumOfPendingHolds: string[];
  wrongEntryCount: string[];
  entryNotMatchingTransaction: string[];
  entryCurrencyMismatch: string[];
  depositOrWithdrawalNotThroughCash: string[];
  holdNotBetweenCustomerAndItsSystemAccount: string[];
  negativeCustomerBalance: string[];
  negativeAvailableBalance: string[];
}

/** A sound ledger, for `expect(await h.invariants()).toEqual(SOUND_LEDGER)`. */
export const SOUND_LEDGER: LedgerViolations = {
  unbalancedTransactions: [],
  ledgerTotal: '0',
  balanceNotSumOfEntries: [],
  heldNotSumOfPendingHolds: [],
  wrongEntryCount: [],
  entryNotMatchingTransaction: [],
  entryCurrencyMismatch: [],
  depositOrWithdrawalNotThroughCash: [],
  holdNotBetweenCustomerAndItsSystemAccount: [],
  negativeCustomerBalance: [],
  negativeAvailableBalance: [],
};

export interface BankHarness {
  bank: TestStack;
  /** A typed operation through the router. */
  request: TestStack['request'];
  /** Raw operation text through the router (for inputs the typed documents cannot express). */
  routerRaw<T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlBody<T>>;
  /** POSTs to the banking subgraph itself with the given `x-bank-caller` header (none when undefined). */
  direct<T>(
    query: string,
    variables: Record<string, unknown>,
    header: string | undefined,
  ): Promise<{ status: number; body: GqlBody<T> }>;
  /** Calls the banking subgraph as an internal service (header signed with the SERVICE key). */
  asService<T>(query: string, variables?: Record<string, unknown>, service?: ServiceName): Promise<GqlBody<T>>;
  /** Calls the banking subgraph with a router-signed header for `caller` (what the router would send). */
  asRouter<T>(query: string, variables: Record<string, unknown>, caller: Caller): Promise<GqlBody<T>>;
  /** Raw SQL on the banking database. */
  sql<R>(text: string, params?: unknown[]): Promise<R[]>;
  /** Connection string of the banking database (for a separate `pg` client). */
  bankingDatabaseUrl: string;
  snapshot(): Promise<LedgerSnapshot>;
  invariants(): Promise<LedgerViolations>;
  /** Registers a user (CUSTOMER unless told) and returns the signed-in party. */
  user(name: string, role?: Role): Promise<Party>;
  /** The bootstrap ADMIN, signed in. */
  admin(): Promise<Party>;
  /** Opens an account and returns its id; fails the test on error. */
  open(party: Party, currency?: Currency, type?: AccountType): Promise<string>;
  /** Deposits and returns the transaction id; fails the test on error. */
  deposit(party: Party, accountId: string, amount: string): Promise<string>;
  /** Balance and held amount (minor units) of an account, read from the database. */
  account(id: string): Promise<{ balance: bigint; held: bigint; status: string }>;
  /** Id of the SYSTEM cash account of a currency. */
  cashAccount(currency: Currency): Promise<string>;
  /** Id of the SYSTEM account of a purpose (CASH, LOANS, BILL_SETTLEMENT) and currency. */
  systemAccount(purpose: SystemPurpose, currency: Currency): Promise<string>;
  /** Pending outbox events are published to the bus now. */
  drainOutbox(): Promise<number>;
  close(): Promise<void>;
}

const PASSWORD = 'correct horse battery staple';

/** A fresh idempotency key. */
export function key(prefix = 'k'): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

/** The `extensions.code` of the first error, or undefined when there is none. */
export function codeOf(result: { errors?: readonly { extensions: Record<string, unknown> }[] | undefined }): unknown {
  return result.errors?.[0]?.extensions.code;
}

/** The first error, failing the test clearly when there is none. */
export function firstError(result: {
  data?: unknown;
  errors?: readonly { message: string; extensions: Record<string, unknown> }[] | undefined;
}): { message: string; extensions: Record<string, unknown> } {
  const error = result.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return error;
}

/** Fails with the errors when a result has any: for the steps a test relies on. */
export function ok<T>(result: GraphQLResult<T> | GqlBody<T>): T {
  if (result.errors?.length || result.data === null || result.data === undefined) {
    throw new Error(`unexpected errors: ${JSON.stringify(result.errors ?? result)}`);
  }
  return result.data;
}

/** Minor units of a decimal string with two decimals (test amounts are USD/EUR unless told). */
export function cents(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2) || '0');
  return amount.startsWith('-') ? -value : value;
}

/** A decimal string with two decimals of minor units. */
export function usd(minor: bigint): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export async function startBank(): Promise<BankHarness> {
  const bank = await startTestStack();
  const banking = bank.stack.subgraphs.banking;
  if (!banking) throw new Error('the banking subgraph did not start');
  const bankingDatabaseUrl = bank.config.subgraphs.banking.databaseUrl as string;
  const servicePrivateKey = bank.config.keys.serviceSigningPrivateKey as string;
  const routerCallerKey = callerKeyOf(bank.config, 'banking') as string;
  let users = 0;

  const sql = async <R>(text: string, params: unknown[] = []): Promise<R[]> =>
    banking.orm.em.getConnection().execute<R[]>(text, params);

  const postJson = async <T>(
    url: string,
    body: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: GqlBody<T> }> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as GqlBody<T> };
    } catch {
      throw new Error(`non-JSON answer (HTTP ${res.status}): ${text}`);
    }
  };

  const direct = async <T>(query: string, variables: Record<string, unknown>, header: string | undefined) =>
    postJson<T>(banking.url, { query, variables }, header === undefined ? {} : { [CALLER_HEADER]: header });

  const count = async (table: string): Promise<number> => {
    const [row] = await sql<{ n: number }>(`select count(*)::int as n from ${table}`);
    return row?.n ?? 0;
  };

  const ids = async (text: string): Promise<string[]> => (await sql<{ id: string }>(text)).map((r) => String(r.id));

  const harness: BankHarness = {
    bank,
    request: (document, variables, token) => bank.request(document, variables, token),
    async routerRaw<T>(query: string, variables: Record<string, unknown> = {}, token?: string) {
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      return (await postJson<T>(bank.routerUrl, { query, variables }, headers)).body;
    },
    direct,
    async asService<T>(query: string, variables: Record<string, unknown> = {}, service: ServiceName = 'billing') {
      return (await direct<T>(query, variables, signServiceHeader(servicePrivateKey, service, query, variables))).body;
    },
    async asRouter<T>(query: string, variables: Record<string, unknown>, caller: Caller) {
      return (await direct<T>(query, variables, signCallerHeader(routerCallerKey, caller, query, variables))).body;
    },
    sql,
    bankingDatabaseUrl,
    async snapshot() {
      const accounts = await sql<LedgerSnapshot['accounts'][number]>(
        `select id, balance::text as balance, held::text as held, status, low_balance_threshold::text as threshold
           from accounts order by id`,
      );
      const transactions = await sql<{ id: string; status: string }>(
        'select id, status from transactions order by seq',
      );
      return {
        accounts,
        transactions,
        entries: await count('entries'),
        idempotencyKeys: await count('idempotency_keys'),
        outboxEvents: await count('outbox_events'),
      };
    },
    async invariants() {
      const [total] = await sql<{ total: string }>('select coalesce(sum(amount), 0)::text as total from entries');
      return {
        unbalancedTransactions: await ids(
          'select transaction_id as id from entries group by transaction_id having sum(amount) <> 0',
        ),
        ledgerTotal: total?.total ?? 'none',
        balanceNotSumOfEntries: await ids(
          `select a.id from accounts a
             left join (select account_id, sum(amount) as s from entries group by account_id) e on e.account_id = a.id
            where a.balance <> coalesce(e.s, 0)`,
        ),
        heldNotSumOfPendingHolds: await ids(
          `select a.id from accounts a
             left join (select from_account_id, sum(amount) as s from transactions
                         where status = 'PENDING' group by from_account_id) h on h.from_account_id = a.id
            where a.held <> coalesce(h.s, 0)`,
        ),
        wrongEntryCount: await ids(
          `select t.id from transactions t left join entries e on e.transaction_id = t.id
            group by t.id, t.status
           having (t.status = 'POSTED' and count(e.seq) <> 2) or (t.status <> 'POSTED' and count(e.seq) <> 0)`,
        ),
        entryNotMatchingTransaction: await ids(
          `select e.seq::text as id from entries e join transactions t on t.id = e.transaction_id
            where not ((e.account_id = t.from_account_id and e.amount = -t.amount)
                    or (e.account_id = t.to_account_id and e.amount = t.amount))
               or e.currency <> t.currency`,
        ),
        entryCurrencyMismatch: await ids(
          `select e.seq::text as id from entries e join accounts a on a.id = e.account_id where e.currency <> a.currency`,
        ),
        depositOrWithdrawalNotThroughCash: await ids(
          `select t.id from transactions t
             join accounts f on f.id = t.from_account_id
             join accounts d on d.id = t.to_account_id
            where (t.kind = 'DEPOSIT' and not (f.type = 'SYSTEM' and f.system_purpose = 'CASH'
                     and f.currency = t.currency and d.type <> 'SYSTEM'))
               or (t.kind = 'WITHDRAWAL' and not (d.type = 'SYSTEM' and d.system_purpose = 'CASH'
                     and d.currency = t.currency and f.type <> 'SYSTEM'))`,
        ),
        // The saga steps (holds) go between one customer account and the system account of their kind.
        holdNotBetweenCustomerAndItsSystemAccount: await ids(
          `select t.id from transactions t
             join accounts f on f.id = t.from_account_id
             join accounts d on d.id = t.to_account_id
            where (t.kind = 'LOAN_DISBURSEMENT' and not (f.type = 'SYSTEM' and f.system_purpose = 'LOANS'
                     and f.currency = t.currency and d.type <> 'SYSTEM'))
               or (t.kind = 'LOAN_REPAYMENT' and not (d.type = 'SYSTEM' and d.system_purpose = 'LOANS'
                     and d.currency = t.currency and f.type <> 'SYSTEM'))
               or (t.kind = 'BILL_PAYMENT' and not (d.type = 'SYSTEM' and d.system_purpose = 'BILL_SETTLEMENT'
                     and d.currency = t.currency and f.type <> 'SYSTEM'))`,
        ),
        negativeCustomerBalance: await ids(`select id from accounts where type <> 'SYSTEM' and balance < 0`),
        negativeAvailableBalance: await ids(`select id from accounts where type <> 'SYSTEM' and balance - held < 0`),
      };
    },
    async user(name: string, role: Role = 'CUSTOMER') {
      users += 1;
      const email = `${name}-${users}-${randomBytes(3).toString('hex')}@example.com`;
      const r = await bank.request(RegisterDocument, {
        input: {
          email,
          password: PASSWORD,
          name,
          role,
          ...(role === 'BUSINESS_OWNER' ? { businessName: `${name} Ltd` } : {}),
        },
      });
      const session = ok(r).register;
      return {
        id: session.user.id,
        email,
        token: session.accessToken,
        roles: session.user.roles,
        caller: { kind: 'user', userId: session.user.id, roles: session.user.roles },
      };
    },
    async admin() {
      const session = ok(
        await bank.request(LoginDocument, { email: TEST_ADMIN.email, password: TEST_ADMIN.password }),
      ).login;
      return {
        id: session.user.id,
        email: TEST_ADMIN.email,
        token: session.accessToken,
        roles: session.user.roles,
        caller: { kind: 'user', userId: session.user.id, roles: session.user.roles },
      };
    },
    async open(party: Party, currency: Currency = 'USD', type: AccountType = 'CHECKING') {
      return ok(await bank.request(OpenAccountDocument, { input: { type, currency } }, party.token)).openAccount.id;
    },
    async deposit(party: Party, accountId: string, amount: string) {
      const r = await bank.request(
        DepositDocument,
        { input: { accountId, amount, idempotencyKey: key('dep') } },
        party.token,
      );
      return ok(r).deposit.id;
    },
    async account(id: string) {
      const [row] = await sql<{ balance: string; held: string; status: string }>(
        'select balance::text as balance, held::text as held, status from accounts where id = ?',
        [id],
      );
      if (!row) throw new Error(`no account ${id}`);
      return { balance: BigInt(row.balance), held: BigInt(row.held), status: row.status };
    },
    cashAccount: (currency: Currency) => harness.systemAccount('CASH', currency),
    async systemAccount(purpose: SystemPurpose, currency: Currency) {
      const [row] = await sql<{ id: string }>(
        `select id from accounts where type = 'SYSTEM' and system_purpose = ? and currency = ?`,
        [purpose, currency],
      );
      if (!row) throw new Error(`no ${purpose} system account for ${currency}`);
      return row.id;
    },
    async drainOutbox() {
      if (!banking.outbox) throw new Error('banking has no outbox relay');
      return banking.outbox.drain();
    },
    close: () => bank.close(),
  };
  return harness;
}

/**
 * Holds the idempotency claim of (`userId` or scope, `idempotencyKey`) from a
 * separate connection, exactly as the ledger takes it, until `release`.
 */
export async function holdIdempotencyClaim(
  databaseUrl: string,
  scope: string,
  idempotencyKey: string,
): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`${scope}\n${idempotencyKey}`]);
  } catch (error) {
    await client.end();
    throw error;
  }
  return {
    async release() {
      try {
        await client.query('rollback');
      } finally {
        await client.end();
      }
    },
  };
}

/** GraphQL text of the service-only hold mutations (not in the router's API, so not typed operations). */
export const HOLD_FIELDS = `id kind status amount { amount currency } fromAccount { id } toAccount { id } postedAt`;
export const CREATE_HOLD = `mutation CreateHold($input: CreateHoldInput!) { createHold(input: $input) { ${HOLD_FIELDS} } }`;
export const POST_HOLD = `mutation PostHold($id: ID!) { postHold(id: $id) { ${HOLD_FIELDS} } }`;
export const VOID_HOLD = `mutation VoidHold($id: ID!) { voidHold(id: $id) { ${HOLD_FIELDS} } }`;

/** An account read directly on the subgraph (by an internal service, before a saga starts). */
export const ACCOUNT_FOR_SERVICE = `query AccountForService($id: ID!) {
  account(id: $id) { id type status currency balance { amount currency } availableBalance { amount currency } owner { id } }
}`;

/** What the hold mutations return. */
export interface HoldView {
  id: string;
  kind: string;
  status: string;
  amount: { amount: string; currency: string };
  fromAccount: { id: string } | null;
  toAccount: { id: string } | null;
  postedAt: string | null;
}
