/**
 * `sqlParams`: statements with `?` placeholders, numbered to PostgreSQL's
 * `$n` and prepared once per connection (a named statement), on a real
 * database. The ledger's own statements are covered through its tests.
 */
import { migratedDatabase, type MigratedDatabase } from '../test/support/databases.ts';
import { banking } from '../subgraphs/banking/src/main.ts';
import {
  MAX_NAMED_STATEMENTS,
  numbered,
  preparedStatement,
  sql,
  sqlParams,
  sqlTransaction,
  type MikroORM,
} from './orm.ts';

test.each([
  ['select ? as a, ?::uuid as b', 'select $1 as a, $2::uuid as b'],
  ["insert into entries (tags, note) values ('{}', ?)", "insert into entries (tags, note) values ('{}', $1)"],
  // In quoted strings and names, `?` is text: the placeholders around them still count from 1.
  ["select 'why?' as q, ? as a, 'it''s ?' as r, ? as b", "select 'why?' as q, $1 as a, 'it''s ?' as r, $2 as b"],
  ['select "odd?name" from t where x = ?', 'select "odd?name" from t where x = $1'],
  ['select 1', 'select 1'],
])('numbered: %s', (text, expected) => {
  expect(numbered(text)).toBe(expected);
});

describe('sqlParams on PostgreSQL', () => {
  let database: MigratedDatabase | undefined;
  let orm: MikroORM;

  beforeAll(async () => {
    // One connection: every statement below runs on the same session, whose prepared statements it reads.
    database = await migratedDatabase('banking', banking.database, 1);
    orm = database.orm;
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  /** The session's prepared statements (read with MikroORM's own, unprepared, statement). */
  const prepared = () =>
    sql<{ name: string; statement: string }>(orm.em.fork(), 'select name, statement from pg_prepared_statements');

  test('a statement is prepared on the connection once, and runs with each call’s parameters', async () => {
    const text = 'select ?::int + 1 as n, ? as label';
    expect(await sqlParams(orm.em.fork(), text, [1, 'first'])).toEqual([{ n: 2, label: 'first' }]);
    expect(await sqlParams(orm.em.fork(), text, [41, 'second'])).toEqual([{ n: 42, label: 'second' }]);
    const { name } = preparedStatement(text);
    expect(name).toMatch(/^bank_[\w-]{43}$/);
    expect(await prepared()).toEqual(
      expect.arrayContaining([{ name, statement: 'select $1::int + 1 as n, $2 as label' }]),
    );
    // Once: the second call used the statement the first one prepared.
    expect((await prepared()).filter((p) => p.name === name)).toHaveLength(1);
  });

  test('a failing statement fails with the driver’s error each time, and the connection goes on', async () => {
    const text = 'select id from no_such_table where id = ?';
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expect(sqlParams(orm.em.fork(), text, [1])).rejects.toMatchObject({ code: '42P01' });
    }
    expect(await sqlParams(orm.em.fork(), 'select ? as ok', ['yes'])).toEqual([{ ok: 'yes' }]);
  });

  test('prepared statements run in a transaction, and a rollback undoes their writes', async () => {
    const id = '00000000-0000-4000-8000-0000000000a1';
    const insert = `insert into accounts (id, owner_id, type, currency, number, status, balance, held, opened_at)
                    values (?, ?, 'CHECKING', 'USD', ?, 'ACTIVE', ?, 0, now())`;
    await expect(
      sqlTransaction(orm.em.fork(), async (em) => {
        await sqlParams(em, insert, [id, id, '4000000000000001', 500n]);
        const [row] = await sqlParams<{ balance: string }>(em, 'select balance::text from accounts where id = ?', [id]);
        expect(row?.balance).toBe('500');
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await sqlParams(orm.em.fork(), 'select id from accounts where id = ?', [id])).toEqual([]);
    await sqlTransaction(orm.em.fork(), (em) => sqlParams(em, insert, [id, id, '4000000000000001', 700n]));
    expect(await sqlParams(orm.em.fork(), 'select balance::text from accounts where id = ?', [id])).toEqual([
      { balance: '700' },
    ]);
  });

  test(`at most ${MAX_NAMED_STATEMENTS} texts are named; later ones run unnamed`, async () => {
    const known = preparedStatement('select ? as n');
    for (let i = 0; i < MAX_NAMED_STATEMENTS; i += 1) preparedStatement(`select ? as n, ${i} as i`);
    const beyond = preparedStatement('select ? as beyond');
    expect(beyond).toEqual({ text: 'select $1 as beyond' });
    expect(preparedStatement('select ? as n')).toEqual(known);
    expect(await sqlParams(orm.em.fork(), 'select ? as beyond', ['unnamed'])).toEqual([{ beyond: 'unnamed' }]);
    expect((await prepared()).map((p) => p.statement)).not.toContain('select $1 as beyond');
  });
});
