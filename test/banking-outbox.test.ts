/**
 * Domain events of the ledger go through the transactional outbox: written
 * in the same database transaction as the posting (there when the mutation
 * returns, absent when it is refused or rolled back), the low-balance event
 * only when a debit crosses the threshold, and the relay publishes them to
 * the bus and marks them published.
 */
import type { DomainEvent } from '../platform/event-bus.ts';
import {
  DepositDocument,
  SetLowBalanceAlertDocument,
  TransferDocument,
  WithdrawDocument,
} from './generated/operations.ts';
import {
  SOUND_LEDGER,
  codeOf,
  key,
  ok,
  startBank,
  type BankHarness,
  type Party,
} from '../subgraphs/banking/test/support.ts';

let h: BankHarness;
let alice: Party;
let bob: Party;
let a: string;
let b: string;

beforeAll(async () => {
  h = await startBank();
  alice = await h.user('alice');
  bob = await h.user('bob');
  a = await h.open(alice);
  b = await h.open(bob);
});
afterAll(async () => {
  await h?.close();
});

interface OutboxRow {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  published_at: Date | null;
}

async function eventsOf(type: string, field: string, value: string): Promise<OutboxRow[]> {
  return h.sql<OutboxRow>(
    `select id, type, payload, published_at from outbox_events where type = ? and payload->>? = ? order by position`,
    [type, field, value],
  );
}

describe('banking.transaction.posted', () => {
  test('a deposit writes one event with the transaction, there as soon as the mutation returns', async () => {
    const tx = ok(
      await h.request(
        DepositDocument,
        { input: { accountId: a, amount: '100.00', idempotencyKey: key() } },
        alice.token,
      ),
    ).deposit;
    const rows = await eventsOf('banking.transaction.posted', 'transactionId', tx.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload).toEqual({
      transactionId: tx.id,
      kind: 'DEPOSIT',
      status: 'POSTED',
      amount: '100.00',
      currency: 'USD',
      fromAccountId: await h.cashAccount('USD'),
      toAccountId: a,
      fromOwnerId: null,
      toOwnerId: alice.id,
    });
  });

  test('a transfer names both sides and both owners', async () => {
    const tx = ok(
      await h.request(
        TransferDocument,
        { input: { fromAccountId: a, toAccountId: b, amount: '10.00', idempotencyKey: key() } },
        alice.token,
      ),
    ).transfer;
    const rows = await eventsOf('banking.transaction.posted', 'transactionId', tx.id);
    expect(rows.map((r) => r.payload)).toEqual([
      {
        transactionId: tx.id,
        kind: 'TRANSFER',
        status: 'POSTED',
        amount: '10.00',
        currency: 'USD',
        fromAccountId: a,
        toAccountId: b,
        fromOwnerId: alice.id,
        toOwnerId: bob.id,
      },
    ]);
  });

  test('a refused request writes no event', async () => {
    const before = await h.snapshot();
    const r = await h.request(
      WithdrawDocument,
      { input: { accountId: a, amount: '100000.00', idempotencyKey: key() } },
      alice.token,
    );
    expect(codeOf(r)).toBe('INSUFFICIENT_FUNDS');
    expect(await h.snapshot()).toEqual(before);
  });

  test('an idempotent retry writes no second event', async () => {
    const input = { accountId: a, amount: '1.00', idempotencyKey: key() };
    const tx = ok(await h.request(DepositDocument, { input }, alice.token)).deposit;
    const before = await h.snapshot();
    ok(await h.request(DepositDocument, { input }, alice.token));
    expect(await h.snapshot()).toEqual(before);
    expect(await eventsOf('banking.transaction.posted', 'transactionId', tx.id)).toHaveLength(1);
  });

  test('the event is written in the same database transaction: if writing it fails, nothing is posted', async () => {
    // A trigger on the test database makes the outbox insert of one amount fail.
    await h.sql(`create or replace function test_fail_outbox() returns trigger language plpgsql as $$
      begin
        if new.payload->>'amount' = '13.13' then raise exception 'outbox is down'; end if;
        return new;
      end $$`);
    await h.sql(
      'create trigger test_fail_outbox before insert on outbox_events for each row execute function test_fail_outbox()',
    );
    try {
      const k = key();
      const before = await h.snapshot();
      const r = await h.request(
        DepositDocument,
        { input: { accountId: a, amount: '13.13', idempotencyKey: k } },
        alice.token,
      );
      expect(codeOf(r)).toBe('INTERNAL_SERVER_ERROR');
      expect(await h.snapshot()).toEqual(before);
      const [row] = await h.sql<{ n: number }>('select count(*)::int as n from idempotency_keys where key = ?', [k]);
      expect(row?.n).toBe(0);
    } finally {
      await h.sql('drop trigger test_fail_outbox on outbox_events');
      await h.sql('drop function test_fail_outbox()');
    }
  });
});

describe('banking.balance.low: only when a debit crosses the threshold', () => {
  let carol: Party;
  let c: string;

  beforeAll(async () => {
    carol = await h.user('carol');
    c = await h.open(carol);
    await h.deposit(carol, c, '100.00');
    ok(await h.request(SetLowBalanceAlertDocument, { accountId: c, threshold: '50.00' }, carol.token));
  });

  const lows = () => eventsOf('banking.balance.low', 'accountId', c);
  const transfer = async (amount: string) =>
    ok(
      await h.request(
        TransferDocument,
        { input: { fromAccountId: c, toAccountId: b, amount, idempotencyKey: key() } },
        carol.token,
      ),
    ).transfer;

  test('down to exactly the threshold: no event', async () => {
    await transfer('50.00');
    expect((await h.account(c)).balance).toBe(5000n);
    expect(await lows()).toEqual([]);
  });

  test('one cent below: one event, with the balance, threshold, owner and transaction', async () => {
    const tx = await transfer('0.01');
    const rows = await lows();
    expect(rows.map((r) => r.payload)).toEqual([
      {
        accountId: c,
        ownerId: carol.id,
        currency: 'USD',
        balance: '49.99',
        threshold: '50.00',
        transactionId: tx.id,
      },
    ]);
  });

  test('a second debit already below writes no second event', async () => {
    await transfer('9.99');
    const w = ok(
      await h.request(
        WithdrawDocument,
        { input: { accountId: c, amount: '10.00', idempotencyKey: key() } },
        carol.token,
      ),
    ).withdraw;
    expect(w.status).toBe('POSTED');
    expect((await h.account(c)).balance).toBe(3000n);
    expect(await lows()).toHaveLength(1);
  });

  test('back above, then below again (by a withdrawal): a second event', async () => {
    await h.deposit(carol, c, '100.00');
    expect(await lows()).toHaveLength(1);
    const w = ok(
      await h.request(
        WithdrawDocument,
        { input: { accountId: c, amount: '90.00', idempotencyKey: key() } },
        carol.token,
      ),
    ).withdraw;
    const rows = await lows();
    expect(rows).toHaveLength(2);
    expect(rows[1]?.payload).toMatchObject({ balance: '40.00', threshold: '50.00', transactionId: w.id });
  });

  test('the receiving side never raises it, and an account without a threshold never does', async () => {
    // b (bob's) has received money above and has no threshold; a (alice's) has none either.
    await h.request(
      TransferDocument,
      { input: { fromAccountId: a, toAccountId: c, amount: '1.00', idempotencyKey: key() } },
      alice.token,
    );
    expect(await eventsOf('banking.balance.low', 'accountId', a)).toEqual([]);
    expect(await eventsOf('banking.balance.low', 'accountId', b)).toEqual([]);
    expect(await lows()).toHaveLength(2);
  });

  test('a cleared threshold raises nothing', async () => {
    ok(await h.request(SetLowBalanceAlertDocument, { accountId: c, threshold: null }, carol.token));
    await transfer('40.00');
    expect((await h.account(c)).balance).toBe(100n);
    expect(await lows()).toHaveLength(2);
  });
});

/** Every type of event banking writes. */
const BANKING_EVENT_TYPES = [
  'banking.transaction.posted',
  'banking.balance.low',
  'banking.account.opened',
  'banking.account.frozen',
  'banking.account.unfrozen',
  'banking.hold.created',
  'banking.hold.voided',
];

describe('publication by the relay', () => {
  /** Every delivery to a fresh consumer group, by event id, until `quietMs` pass without news after all `ids` arrived. */
  async function deliveries(ids: readonly string[], quietMs: number): Promise<Map<string, DomainEvent[]>> {
    const seen = new Map<string, DomainEvent[]>();
    const stop = await h.bank.stack.bus.consume(
      `outbox-test-${key()}`,
      async (event) => {
        seen.set(event.id, [...(seen.get(event.id) ?? []), event]);
      },
      { types: BANKING_EVENT_TYPES },
    );
    try {
      const deadline = Date.now() + 5_000;
      while (ids.some((id) => !seen.has(id)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    } finally {
      await stop();
    }
    return seen;
  }

  test('after a drain, every event is marked published', async () => {
    ok(
      await h.request(DepositDocument, { input: { accountId: a, amount: '7.00', idempotencyKey: key() } }, alice.token),
    );
    await h.drainOutbox();
    const rows = await h.sql<{ type: string; published: boolean }>(
      'select type, published_at is not null as published from outbox_events order by position',
    );
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => !r.published)).toEqual([]);
  });

  test('the bus delivers every written event with its type and payload', async () => {
    const tx = ok(
      await h.request(DepositDocument, { input: { accountId: a, amount: '8.00', idempotencyKey: key() } }, alice.token),
    ).deposit;
    const written = await h.sql<{ id: string; type: string; payload: Record<string, unknown> }>(
      'select id, type, payload from outbox_events order by position',
    );
    const seen = await deliveries(
      written.map((r) => r.id),
      0,
    );
    expect(written.filter((r) => !seen.has(r.id)).map((r) => r.type)).toEqual([]);
    for (const row of written) {
      expect(seen.get(row.id)?.[0]).toMatchObject({ id: row.id, type: row.type, payload: row.payload });
    }
    const posted = written.find((r) => r.type === 'banking.transaction.posted' && r.payload.transactionId === tx.id);
    expect(posted?.payload).toMatchObject({ kind: 'DEPOSIT', amount: '8.00', toAccountId: a, toOwnerId: alice.id });
    expect(written.filter((r) => r.type === 'banking.balance.low')).toHaveLength(2);
  });

  test('an event is published once, not again on every tick of the relay', async () => {
    const written = await h.sql<{ id: string; type: string }>('select id, type from outbox_events order by position');
    // The relay ticks every 200 ms: a second of quiet is five chances to publish again.
    const seen = await deliveries(
      written.map((r) => r.id),
      1_000,
    );
    const repeated = written
      .filter((r) => (seen.get(r.id)?.length ?? 0) !== 1)
      .map((r) => `${r.type} ×${seen.get(r.id)?.length ?? 0}`);
    expect(repeated).toEqual([]);
  });

  test('a drain with nothing pending publishes nothing', async () => {
    await h.drainOutbox();
    expect(await h.drainOutbox()).toBe(0);
  });

  test('the ledger is sound', async () => {
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });
});
