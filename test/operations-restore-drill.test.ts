/**
 * The restore drill (README, "Disaster recovery"): money moves through the
 * bank (transfers, bill payments, loan payouts and repayments) while `npm run backup`'s
 * backup takes its snapshots, with traffic landing between them (the drill
 * widens the gaps); the backup is restored into a fresh embedded PostgreSQL,
 * the bank started on it, and its recovery jobs reconcile the databases.
 * Then the cross-service invariants hold on the restored bank: the ledger
 * sums to zero in each currency and every account equals its entries
 * (test/support/faults.ts `ledgerViolations`, through `billingViolations`);
 * every COMPLETED bill payment, repayment and paid-out loan has exactly one
 * posted banking transaction, and no posted hold lacks its owner
 * (`billingViolations`, test/support/lending.ts `lendingViolations`).
 *
 * Also: a restore refuses a damaged backup, a non-empty target, a backup of
 * migrations the code lacks; `npm run restore` says so in one line.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { startStack, type RunningStack } from '../bin/stack.ts';
import { restoreBackup } from '../bin/restore.ts';
import { IMPLEMENTED_SUBGRAPHS } from '../bin/subgraphs.ts';
import { backup, BackupError, MANIFEST_FILE, type BackupManifest } from '../platform/backup.ts';
import { createBankingClient } from '../platform/banking-client.ts';
import { loadConfig, type Config, type SubgraphName } from '../platform/config.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../platform/embedded-postgres.ts';
import { keyEnvironment } from '../platform/keys.ts';
import { createLogger } from '../platform/logger.ts';
import { reconcilePayments, recoverPayments } from '../subgraphs/billing/src/services/payments.ts';
import { recoverSagas } from '../subgraphs/lending/src/services/sagas.ts';
import { addBill, billerOf, PAY_BILL } from './support/billing.ts';
import { billingViolations, sqlOver, type Sql } from './support/faults.ts';
import {
  ACCEPT,
  approvedApplication,
  bankerWithProfile,
  deposit,
  lendingViolations,
  openAccount,
  REPAY,
  type ApprovedApplication,
} from './support/lending.ts';
import { createStaff, must, signIn, signUp, TEST_PASSWORD, type SignedUp } from './support/people.ts';
import { freePort } from './support/ports.ts';
import { postGraphQL, startTestStack, testEnv, type TestStack } from './support/stack.ts';

const TRANSFER = `mutation($input: TransferInput!) { transfer(input: $input) { id } }`;
/** Traffic keeps running this long after banking's and lending's snapshots, before the next one is taken. */
const BETWEEN_SNAPSHOTS_MS = 600;

let bank: TestStack;
let dir: string;
let folder: string;
let manifest: BackupManifest;
let postgres: RunningPostgres | undefined;
let restored: RunningStack | undefined;
let restoredUrls: Record<SubgraphName, string>;
let restoredConfig: Config;

interface Payer {
  user: SignedUp;
  account: string;
  billId: string;
}

beforeAll(async () => {
  bank = await startTestStack();
  dir = await mkdtemp(path.join(tmpdir(), 'bank-drill-'));
  // PostgreSQL runs as its own user when the tests run as root: let it in.
  await chmod(dir, 0o755);
  folder = path.join(dir, 'backup');
}, 60_000);

afterAll(async () => {
  await restored?.close();
  await postgres?.stop();
  await bank?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every invariant of the drill over one bank's databases, as a list of violations. */
async function violations(sql: Record<'banking' | 'billing' | 'lending', Sql>, settled: boolean): Promise<string[]> {
  const sums = await sql.banking.execute<{ currency: string; entries: string; balances: string }[]>(
    `select a.currency, coalesce((select sum(e.amount) from entries e where e.currency = a.currency), 0)::text as entries,
            sum(a.balance)::text as balances
       from accounts a group by a.currency`,
  );
  const zero = sums
    .filter((s) => s.entries !== '0' || s.balances !== '0')
    .map((s) => `${s.currency}: entries sum to ${s.entries}, balances to ${s.balances}`);
  return [
    ...zero,
    ...(await billingViolations(sql.billing, sql.banking, settled)),
    ...(await lendingViolations(sql.lending, sql.banking, settled)),
  ].filter((v, i, all) => all.indexOf(v) === i);
}

/** A digest of every row of `table` in the database at `url`. */
async function digestOf(url: string, table: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ digest: string }>(
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${table} t`,
    );
    return rows[0]!.digest;
  } finally {
    await client.end();
  }
}

/** Runs `work` over plain connections to the banking, billing and lending databases of `urls`. */
async function withClients<T>(
  urls: Record<SubgraphName, string>,
  work: (sql: Record<'banking' | 'billing' | 'lending', Sql>) => Promise<T>,
): Promise<T> {
  const names = ['banking', 'billing', 'lending'] as const;
  const clients = names.map((n) => new pg.Client({ connectionString: urls[n] }));
  await Promise.all(clients.map((c) => c.connect()));
  try {
    const sqlOf = (client: pg.Client): Sql => ({
      async execute<R>(text: string, params: unknown[] = []) {
        let n = 0;
        return (
          await client.query(
            text.replace(/\?/g, () => `$${++n}`),
            params,
          )
        ).rows as R;
      },
    });
    return await work({ banking: sqlOf(clients[0]!), billing: sqlOf(clients[1]!), lending: sqlOf(clients[2]!) });
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** The banking client of `service` on a stack started on random ports (its configuration names the default ports). */
const bankingOf = (stack: RunningStack, service: 'billing' | 'lending') =>
  createBankingClient({
    url: stack.subgraphs.banking!.url,
    service,
    privateKey: restoredConfig.keys.serviceSigningPrivateKey!,
  });

const sqlOfStack = (stack: RunningStack) => ({
  banking: sqlOver(stack.subgraphs.banking!.orm),
  billing: sqlOver(stack.subgraphs.billing!.orm),
  lending: sqlOver(stack.subgraphs.lending!.orm),
});

test('money moving during the backup: restored into a fresh PostgreSQL and recovered, every invariant holds', async () => {
  const url = bank.routerUrl;
  const biller = await billerOf(url, await signUp(url, 'drill-lookup', 'CUSTOMER'));
  const payers: Payer[] = [];
  for (let i = 0; i < 3; i += 1) {
    const user = await signUp(url, `drill-payer-${i}`, 'CUSTOMER');
    const account = await openAccount(url, user, 'CHECKING');
    await deposit(url, user, account, '5000.00');
    payers.push({ user, account, billId: await addBill(url, user, { billerId: biller.id, amount: '1000.00' }) });
  }
  const movers: { user: SignedUp; account: string }[] = [];
  for (let i = 0; i < 2; i += 1) {
    const user = await signUp(url, `drill-mover-${i}`, 'CUSTOMER');
    const account = await openAccount(url, user, 'CHECKING');
    await deposit(url, user, account, '1000.00');
    movers.push({ user, account });
  }
  const banker = await bankerWithProfile(url, 'drill-banker');
  const officer = await createStaff(url, 'drill-officer', 'RISK_OFFICER');
  const loans: ApprovedApplication[] = [];
  for (let i = 0; i < 3; i += 1) loans.push(await approvedApplication(url, `drill-borrower-${i}`, banker, officer));

  // Traffic: three loops until the backup ends, each request a real one through the router.
  let running = true;
  const done = { payments: 0, transfers: 0, payouts: 0, repayments: 0 };
  const pay = async (p: Payer) => {
    for (let n = 0; running; n += 1) {
      const r = await postGraphQL(
        url,
        PAY_BILL,
        { input: { billId: p.billId, fromAccountId: p.account, amount: '5.00', idempotencyKey: `drill-${n}` } },
        p.user.token,
      );
      if (r.errors) throw new Error(`payBill: ${JSON.stringify(r.errors)}`);
      done.payments += 1;
    }
  };
  const transfer = async () => {
    for (let n = 0; running; n += 1) {
      const [from, to] = n % 2 === 0 ? [movers[0]!, movers[1]!] : [movers[1]!, movers[0]!];
      const input = { fromAccountId: from.account, toAccountId: to.account, amount: '1.00', idempotencyKey: `t-${n}` };
      const r = await postGraphQL(url, TRANSFER, { input }, from.user.token);
      if (r.errors) throw new Error(`transfer: ${JSON.stringify(r.errors)}`);
      done.transfers += 1;
    }
  };
  /** Each loan, once paid out, is repaid 10.00 at a time from the account it was paid into. */
  const repay = async (loan: ApprovedApplication, loanId: string) => {
    for (let n = 0; running; n += 1) {
      const input = { loanId, fromAccountId: loan.account, amount: '10.00', idempotencyKey: `r-${n}` };
      const r = await postGraphQL(url, REPAY, { input }, loan.owner.token);
      if (r.errors) throw new Error(`repayLoan: ${JSON.stringify(r.errors)}`);
      done.repayments += 1;
    }
  };
  const repaying: Promise<void>[] = [];
  const payOut = async (loan: ApprovedApplication) => {
    const input = { applicationId: loan.applicationId, disbursementAccountId: loan.account, idempotencyKey: 'drill' };
    const { acceptLoanOffer } = await must<{ acceptLoanOffer: { id: string } }>(
      url,
      ACCEPT,
      { input },
      loan.owner.token,
    );
    done.payouts += 1;
    repaying.push(repay(loan, acceptLoanOffer.id));
  };
  for (const loan of loans.slice(0, 2)) await payOut(loan);
  const traffic = Promise.all([...payers.map(pay), transfer()]).then(() => Promise.all(repaying));
  await sleep(300);
  const seen: number[] = [];
  manifest = await backup({
    databases: Object.fromEntries(IMPLEMENTED_SUBGRAPHS.map((n) => [n, bank.config.subgraphs[n].databaseUrl])),
    out: folder,
    // A real backup takes its snapshots milliseconds apart; the drill widens the gaps where the sagas cross.
    afterSnapshot: async (name) => {
      seen.push(done.payments + done.transfers + done.payouts + done.repayments);
      // A payout between banking's snapshot and lending's: lending will know a loan banking never paid out.
      if (name === 'banking') await payOut(loans[2]!);
      if (name === 'banking' || name === 'lending') await sleep(BETWEEN_SNAPSHOTS_MS);
    },
  });
  running = false;
  await traffic;
  // Traffic landed between the first snapshots (banking, lending, billing).
  expect(seen[1]! - seen[0]!).toBeGreaterThan(0);
  expect(seen[2]! - seen[1]!).toBeGreaterThan(0);
  expect(done.repayments).toBeGreaterThan(0);

  // A fresh PostgreSQL, the backup restored into it.
  postgres = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    logger: createLogger({ logLevel: 'warn' }, 'drill-postgres'),
  });
  const fresh = postgres;
  restoredUrls = Object.fromEntries(
    IMPLEMENTED_SUBGRAPHS.map((n) => [n, fresh.databaseUrl(`restored_${n}`)]),
  ) as Record<SubgraphName, string>;
  const reports = await restoreBackup(folder, restoredUrls, IMPLEMENTED_SUBGRAPHS);
  for (const name of manifest.order) {
    for (const table of manifest.databases[name]!.tables) expect(reports[name]![table.name]).toBe(table.rows);
  }

  // The bank on the restored databases, with the keys it had; its jobs reconcile at start.
  const config = loadConfig(
    testEnv(restoredUrls, keyEnvironment(bank.config.keys as Parameters<typeof keyEnvironment>[0])),
  );
  restoredConfig = config;
  const logger = createLogger(config, 'drill');
  // What the traffic does not touch comes back exactly: encrypted documents (bytea), profiles (arrays), times.
  for (const table of ['loan_documents', 'lending_profiles']) {
    const [original, copy] = await Promise.all(
      [bank.config.subgraphs.lending.databaseUrl!, restoredUrls.lending].map((u) => digestOf(u, table)),
    );
    expect(copy).toBe(original);
  }
  expect(manifest.databases.lending!.tables.find((t) => t.name === 'loan_documents')?.rows).toBe(loans.length);

  // Before any recovery, the restored databases disagree: billing completed payments banking never saw.
  const before = await withClients(restoredUrls, (raw) => violations(raw, false));
  expect(before.some((v) => /^bill payment .* without a posted debit \(no hold\)$/.test(v))).toBe(true);
  expect(before.filter((v) => /^loan .* is ACTIVE without a posted disbursement$/.test(v))).toHaveLength(1);
  restored = await startStack({ config, logger, randomPorts: true });
  const sql = sqlOfStack(restored);
  const banking = bankingOf(restored, 'billing');
  const lendingBanking = bankingOf(restored, 'lending');
  const deadline = Date.now() + 30_000;
  let problems = await violations(sql, true);
  while (problems.length > 0 && Date.now() < deadline) {
    // PENDING sagas are resumed by the jobs after 5 s of quiet; a restart of them, now.
    await recoverPayments({ em: restored.subgraphs.billing!.orm.em, banking, logger }, 0);
    await recoverSagas(
      { em: restored.subgraphs.lending!.orm.em, banking: lendingBanking, bus: restored.bus, logger },
      0,
    );
    problems = await violations(sql, true);
    if (problems.length > 0) await sleep(250);
  }
  expect(problems).toEqual([]);

  // The checks see a planted violation: an entry changed, a posted bill payment's owner gone.
  await sql.banking.execute(`update entries set amount = amount + 1 where seq = (select min(seq) from entries)`);
  await sql.banking.execute(
    `update idempotency_keys set key = key || '-x' where key = (select min(key) from idempotency_keys where key like 'bill-payment:%')`,
  );
  const planted = await violations(sql, true);
  expect(planted.some((v) => v.includes('entries do not balance'))).toBe(true);
  expect(planted.some((v) => /^[A-Z]{3}: entries sum to 1, balances to 0$/.test(v))).toBe(true);
  expect(planted.some((v) => /BILL_PAYMENT .* without a bill payment/.test(v))).toBe(true);
  await sql.banking.execute(`update entries set amount = amount - 1 where seq = (select min(seq) from entries)`);
  await sql.banking.execute(`update idempotency_keys set key = left(key, -2) where key like 'bill-payment:%-x'`);
  expect(await violations(sql, true)).toEqual([]);
}, 120_000);

/**
 * The cases the drill's traffic does not make (its payers never run short),
 * on the restored bank (the drill's): billing COMPLETED a payment banking
 * lost and now refuses (the account is empty), and FAILED one whose hold
 * banking still holds.
 */
test("after a restore, a lost payment banking refuses again is undone, and a failed payment's hold released", async () => {
  const stack = restored!;
  const url = stack.routerUrl;
  const sql = sqlOfStack(stack);
  const banking = bankingOf(stack, 'billing');
  // The restored identity signs its users in with their passwords.
  const payer = await signIn(url, 'drill-payer-0@example.com', TEST_PASSWORD);
  const [{ funded } = { funded: '' }] = await sql.billing.execute<{ funded: string }[]>(
    'select from_account_id as funded from bill_payments where payer_id = ? limit 1',
    [payer.id],
  );
  const empty = await openAccount(url, payer, 'CHECKING');
  const biller = await billerOf(url, payer);
  const lostBill = await addBill(url, payer, { billerId: biller.id, amount: '50.00' });
  const failedBill = await addBill(url, payer, { billerId: biller.id, amount: '50.00' });
  const [lost, failed] = [randomUUID(), randomUUID()];
  const hold = await banking.createHold({
    from: { accountId: funded },
    to: { system: 'BILL_SETTLEMENT' },
    customerId: payer.id,
    amount: '50.00',
    kind: 'BILL_PAYMENT',
    idempotencyKey: `bill-payment:${failed}`,
    description: 'Bill payment',
  });
  const insert = `insert into bill_payments (id, bill_id, payer_id, from_account_id, amount, currency, status, hold_id,
      applied_at, failure_code, created_at, updated_at, settled_at)
    values (?, ?, ?, ?, 5000, 'USD', ?, ?, ?, ?, now(), now(), now())`;
  await sql.billing.execute(insert, [lost, lostBill, payer.id, empty, 'COMPLETED', randomUUID(), new Date(), null]);
  await sql.billing.execute(`update bills set paid = 5000, status = 'PAID' where id = ?`, [lostBill]);
  await sql.billing.execute(insert, [failed, failedBill, payer.id, funded, 'FAILED', hold.id, null, 'INTERNAL']);
  await sql.billing.execute(
    `insert into outbox_events (id, type, payload, occurred_at) values (?, 'billing.payment.failed', ?, now())`,
    [randomUUID(), JSON.stringify({ paymentId: failed })],
  );

  const outcomes = await reconcilePayments({
    em: stack.subgraphs.billing!.orm.em,
    banking,
    logger: createLogger(restoredConfig, 'drill'),
  });
  expect([outcomes.UNDONE, outcomes.REDRIVEN, outcomes.UNRESOLVED]).toEqual([1, undefined, undefined]);
  const payments = await sql.billing.execute<{ id: string; status: string; failure_code: string | null }[]>(
    'select id, status, failure_code from bill_payments where id in (?, ?) order by id = ?',
    [lost, failed, failed],
  );
  expect(payments.map((p) => [p.status, p.failure_code])).toEqual([
    ['FAILED', 'INSUFFICIENT_FUNDS'],
    ['FAILED', 'INTERNAL'],
  ]);
  const [bill] = await sql.billing.execute<{ paid: string; status: string }[]>(
    'select paid::text as paid, status from bills where id = ?',
    [lostBill],
  );
  expect(bill).toEqual({ paid: '0', status: 'DUE' });
  const [tx] = await sql.banking.execute<{ status: string }[]>('select status from transactions where id = ?', [
    hold.id,
  ]);
  expect(tx?.status).toBe('VOIDED');
  expect(await violations(sql, true)).toEqual([]);
});

describe('a restore refuses', () => {
  const refusal = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      expect(error).toBeInstanceOf(BackupError);
      return (error as Error).message;
    }
    throw new Error('the restore was not refused');
  };

  test('a backup with a changed file, before it touches any database', async () => {
    const damaged = path.join(dir, 'damaged');
    await cp(folder, damaged, { recursive: true });
    const file = path.join(damaged, 'billing', 'bills.jsonl');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('"1000.00"', '"1.00"').replace(/"amount":\d+/, '"amount":1'),
    );
    const target = { billing: postgres!.databaseUrl('damaged_billing') };
    expect(await refusal(() => restoreBackup(damaged, target, ['billing']))).toBe(
      'billing/bills.jsonl does not match its checksum in the manifest: the backup was damaged or changed; nothing was restored.',
    );
    // The command says it in one line, exit code 1.
    const run = promisify(execFile)(process.execPath, ['bin/restore.ts', damaged, '--subgraph', 'billing'], {
      env: { ...process.env, NODE_OPTIONS: '', BILLING_DATABASE_URL: target.billing, LOG_LEVEL: 'silent' },
    });
    const failed = await run.then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim()).toBe(
      'billing/bills.jsonl does not match its checksum in the manifest: the backup was damaged or changed; nothing was restored.',
    );
  });

  test('a database that is not empty', async () => {
    expect(await refusal(() => restoreBackup(folder, { banking: restoredUrls.banking }, ['banking']))).toMatch(
      /^The banking database \(restored_banking\) is not empty/,
    );
  });

  test('a backup taken after a migration this code lacks, and a folder that is no backup', async () => {
    const newer = path.join(dir, 'newer');
    await cp(folder, newer, { recursive: true });
    const edited = structuredClone(manifest);
    edited.databases.lending!.migrations.push('Migration29990101000000');
    await writeFile(path.join(newer, MANIFEST_FILE), JSON.stringify(edited));
    expect(
      await refusal(() => restoreBackup(newer, { lending: postgres!.databaseUrl('newer_lending') }, ['lending'])),
    ).toMatch(
      /^The backup of lending was taken after migration Migration29990101000000, which this code does not have/,
    );
    expect(await refusal(() => restoreBackup(path.join(dir, 'nothing'), {}, ['lending']))).toMatch(/is not a backup/);
  });
});
