/**
 * Per-request DataLoaders over MikroORM: every key asked for in one tick is
 * read with one query (no N+1 through nested fields or `_entities`). Build
 * them per request (with the request's EntityManager): they cache.
 */
import type { EntityClass, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import type { EntityManager } from './orm.ts';
import { isUuid } from './validation.ts';

/**
 * The key a row is matched by: UUIDs in lower case, since PostgreSQL reads
 * `uuid` columns back in lower case whatever case they were asked in (an id
 * given in upper case still finds its row).
 */
const matchKey = (key: unknown): unknown => (typeof key === 'string' && isUuid(key) ? key.toLowerCase() : key);

/** Rows by a unique property (`id`, `seq`...): null for a key with no row. */
export function rowLoader<T extends object, K extends string | number>(
  em: EntityManager,
  entity: EntityClass<T>,
  property: keyof T & string,
): DataLoader<K, T | null> {
  return new DataLoader<K, T | null>(async (keys) => {
    const rows: T[] = await em.find<T>(entity, { [property]: { $in: [...keys] } } as FilterQuery<NoInfer<T>>);
    const byKey = new Map(rows.map((row) => [matchKey(row[property]), row]));
    return keys.map((key) => byKey.get(matchKey(key)) ?? null);
  });
}

/** The rows of each key of a non-unique property (a conversation's participants...), in `orderBy` order. */
export function rowsLoader<T extends object, K extends string | number>(
  em: EntityManager,
  entity: EntityClass<T>,
  property: keyof T & string,
  orderBy: QueryOrderMap<T>,
): DataLoader<K, T[]> {
  return new DataLoader<K, T[]>(async (keys) => {
    const rows: T[] = await em.find<T>(entity, { [property]: { $in: [...keys] } } as FilterQuery<NoInfer<T>>, {
      orderBy,
    });
    const byKey = new Map<unknown, T[]>(keys.map((key) => [matchKey(key), []]));
    for (const row of rows) byKey.get(matchKey(row[property]))?.push(row);
    return keys.map((key) => byKey.get(matchKey(key)) ?? []);
  });
}

/**
 * A field with arguments read for many parents (a page of each account's
 * transactions): the keys asked for in one tick that share a group (the
 * same arguments, as `groupOf` says) are read by one call of `load`, so a
 * list of parents costs one query per distinct set of arguments, not one per
 * parent. `load` returns a value per key, in order. Per request, like the others.
 */
export function groupedLoader<K, V>(options: {
  /** Keys of one group are loaded together: the arguments, as a string. */
  groupOf: (key: K) => string;
  /** The cache key of a key: its parent and its group. */
  cacheKeyOf: (key: K) => string;
  load: (keys: K[]) => Promise<V[]>;
}): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    async (keys) => {
      const groups = new Map<string, number[]>();
      keys.forEach((key, i) => {
        const group = options.groupOf(key);
        const members = groups.get(group);
        if (members) members.push(i);
        else groups.set(group, [i]);
      });
      const values = new Array<V>(keys.length);
      await Promise.all(
        [...groups.values()].map(async (indexes) => {
          const loaded = await options.load(indexes.map((i) => keys[i] as K));
          indexes.forEach((index, j) => {
            values[index] = loaded[j] as V;
          });
        }),
      );
      return values;
    },
    { cacheKeyFn: options.cacheKeyOf },
  );
}
