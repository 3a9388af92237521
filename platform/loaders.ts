/**
 * Per-request DataLoaders over MikroORM: every key asked for in one tick is
 * read with one query (no N+1 through nested fields or `_entities`). Build
 * them per request (with the request's EntityManager): they cache.
 */
import type { EntityClass, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import type { EntityManager } from './orm.ts';

/** Rows by a unique property (`id`, `seq`...): null for a key with no row. */
export function rowLoader<T extends object, K extends string | number>(
  em: EntityManager,
  entity: EntityClass<T>,
  property: keyof T & string,
): DataLoader<K, T | null> {
  return new DataLoader<K, T | null>(async (keys) => {
    const rows: T[] = await em.find<T>(entity, { [property]: { $in: [...keys] } } as FilterQuery<NoInfer<T>>);
    const byKey = new Map(rows.map((row) => [row[property] as unknown as K, row]));
    return keys.map((key) => byKey.get(key) ?? null);
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
    const byKey = new Map<K, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) byKey.get(row[property] as unknown as K)?.push(row);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}
