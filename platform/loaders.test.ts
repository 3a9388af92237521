/**
 * What the loaders' reads give, on a real database: entities of the request's
 * unit of work, or, for a request that only reads (`readOnly`), plain objects
 * with the same values, read-only; and that a subgraph's queries read that way
 * and its mutations do not.
 */
import { ApolloServer } from '@apollo/server';
import { wrap } from '@mikro-orm/core';
import { migratedDatabase, type MigratedDatabase } from '../test/support/databases.ts';
import { banking } from '../subgraphs/banking/src/main.ts';
import { Account } from '../subgraphs/banking/src/entities/account.ts';
import { readOnlyQueriesPlugin, type SubgraphContext } from './subgraph.ts';
import { readOnly, rowLoader, selectEntities } from './loaders.ts';
import { sqlParams, type EntityManager, type MikroORM } from './orm.ts';

const ID = '00000000-0000-4000-8000-0000000000b1';

/** A view of `readOnly`: not an entity, its properties not writable. */
const readOnlyView = (value: object | undefined): boolean =>
  !(value instanceof Account) && Object.getOwnPropertyDescriptor(value, 'balance')?.writable === false;

describe('reads of entities on PostgreSQL', () => {
  let database: MigratedDatabase | undefined;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await migratedDatabase('banking', banking.database, 2);
    orm = database.orm;
    await sqlParams(
      orm.em.fork(),
      `insert into accounts (id, owner_id, type, currency, number, nickname, status, balance, held, low_balance_threshold, opened_at)
       values (?, ?, 'CHECKING', 'USD', '4000000000000002', null, 'ACTIVE', ?, 25, ?, '2026-12-01T10:00:00Z')`,
      [ID, ID, 9_007_199_254_740_993n, 100n],
    );
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const read = (em: EntityManager) => selectEntities(em, Account, 'where id = ?', [ID]);
  const properties = () =>
    orm.em
      .getMetadata()
      .get(Account)
      .props.map((p) => p.name);

  test('a request that writes reads entities of its unit of work', async () => {
    const em = orm.em.fork();
    const [account] = await read(em);
    expect(account).toBeInstanceOf(Account);
    expect(wrap(account!, true).isManaged()).toBe(true);
    expect(Object.getOwnPropertyDescriptor(account, 'nickname')?.writable ?? true).toBe(true);
    // The same row read again is the same entity (the identity map).
    expect(await rowLoader<Account, string>(em, Account, 'id').load(ID)).toBe(account);
  });

  test('a request that only reads gets plain objects with the entity’s values, read-only, outside the unit of work', async () => {
    const [entity] = await read(orm.em.fork());
    const em = orm.em.fork();
    readOnly(em);
    const [view] = await read(em);
    expect(view).not.toBeInstanceOf(Account);
    expect(Object.getPrototypeOf(view)).toBe(Object.prototype);
    for (const name of properties()) {
      const key = name as keyof Account;
      expect([name, view![key]]).toEqual([name, entity![key]]);
      expect([name, typeof view![key]]).toEqual([name, typeof entity![key]]);
    }
    expect(view!.balance).toBe(9_007_199_254_740_993n);
    expect(view!.nickname).toBeNull();
    expect(view!.openedAt).toEqual(new Date('2026-12-01T10:00:00Z'));
    expect(em.getUnitOfWork().getIdentityMap().values()).toHaveLength(0);
    // A change fails loudly rather than being lost at the next flush.
    expect(() => {
      view!.nickname = 'changed';
    }).toThrow(TypeError);
    expect(view!.nickname).toBeNull();
    // What GraphQL libraries add to a result (`_entities` adds its `__typename`) still can be.
    Object.defineProperty(view, '__typename', { value: 'Account' });
  });

  test('a subgraph’s queries read read-only views, its mutations entities', async () => {
    const resolve = async (_parent: unknown, _args: unknown, { em }: { em: EntityManager }) =>
      readOnlyView((await read(em))[0]);
    const apollo = new ApolloServer<SubgraphContext<undefined>>({
      typeDefs: 'type Query { view: Boolean! } type Mutation { view: Boolean! }',
      resolvers: { Query: { view: resolve }, Mutation: { view: resolve } },
      plugins: [readOnlyQueriesPlugin<undefined>()],
    });
    await apollo.start();
    try {
      const view = async (query: string) => {
        const contextValue = { em: orm.em.fork() } as SubgraphContext<undefined>;
        const { body } = await apollo.executeOperation({ query }, { contextValue });
        return body.kind === 'single' ? body.singleResult : undefined;
      };
      expect(await view('query { view }')).toEqual({ data: { view: true } });
      expect(await view('mutation { view }')).toEqual({ data: { view: false } });
    } finally {
      await apollo.stop();
    }
  });
});
