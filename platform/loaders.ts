/**
 * Per-request DataLoaders over MikroORM: every key asked for in one tick is
 * read with one query (no N+1 through nested fields or `_entities`). Build
 * them per request (with the request's EntityManager): they cache. Their
 * statements, and other plain reads of entities ({@link selectEntities}), are
 * written from the entities' metadata rather than by MikroORM's query
 * builder, which cost a fifth of a small subgraph request's CPU. In a
 * request that only reads ({@link readOnly}), they give read-only views of
 * the rows instead of managed entities.
 */
import {
  ReferenceKind,
  type EntityClass,
  type EntityData,
  type EntityDictionary,
  type EntityMetadata,
} from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { sqlParams, type EntityManager } from './orm.ts';
import { isUuid } from './validation.ts';

/**
 * The key a row is matched by: UUIDs in lower case, since PostgreSQL reads
 * `uuid` columns back in lower case whatever case they were asked in (an id
 * given in upper case still finds its row).
 */
const matchKey = (key: unknown): unknown => (typeof key === 'string' && isUuid(key) ? key.toLowerCase() : key);

/**
 * Entities of `entity`, read with `select <its columns> from <its table>`
 * followed by `rest` (`where owner_id = ? order by ...`, in column names,
 * with `?` for `params`, each one value: a list is one array, `= any(?)`)
 * in a prepared statement ({@link sqlParams}), as entities of `em`: for
 * reads that need the unit of work's entities but not its query builder,
 * which costs several times the rest of a small read (`em.find` builds the
 * same statement, unprepared). It runs in
 * `em`'s transaction when `em` is in one (`for update` in `rest` locks the
 * rows for it). A row of an entity `em` already holds updates it as `find`
 * does, keeping the changes made to it and not yet flushed; lazy properties
 * (a document's contents) are not read, as with `find`. For a request that
 * only reads, read-only plain objects instead ({@link readOnly}).
 */
export async function selectEntities<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  rest: string,
  params: readonly unknown[],
): Promise<T[]> {
  const { select } = readOf(em, em.getMetadata().get<T>(entity));
  const rows = await sqlParams<Record<string, unknown>>(em, `${select} ${rest}`, [...params]);
  return rows.map((row) => entityOf(em, entity, row));
}

/**
 * The columns {@link selectEntities} reads of `entity`, for a statement that
 * reads them beside another entity's (a join): each qualified with `alias`
 * and named `<prefix><column>` (a name quoted here: the platform's
 * `quoteIdentifier` would split it at a dot of the prefix). {@link entityOf}
 * makes the entity of a row.
 */
export function columnsOf<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  alias: string,
  prefix: string,
): string {
  const quote = (name: string) => em.getPlatform().quoteIdentifier(name);
  return readOf(em, em.getMetadata().get<T>(entity))
    .columns.map((column) => `${alias}.${quote(column)} as "${(prefix + column).replaceAll('"', '""')}"`)
    .join(', ');
}

/**
 * The entity of `em` that `row` holds in its columns named `<prefix><column>`
 * ({@link columnsOf}; without a prefix, a row of the entity's columns alone,
 * as {@link selectEntities} reads them), made as `find` makes entities of
 * its rows: a row of an entity `em` already holds updates it, keeping the
 * changes made to it and not yet flushed. For a request that only reads, a
 * plain object with the entity's values, read-only ({@link readOnly}).
 */
export function entityOf<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  row: Record<string, unknown>,
  prefix = '',
): T {
  const meta = em.getMetadata().get<T>(entity);
  const read = readOf(em, meta);
  let own = row;
  if (prefix !== '') {
    own = {};
    for (const column of read.columns) own[column] = row[`${prefix}${column}`];
  }
  const data = em.getDriver().mapResult(own as EntityDictionary<T>, meta) as EntityData<T>;
  if (read.viewable && readOnlyManagers.has(em)) {
    // The entity's values as the hydrator makes them (types converted as for the entity), each read-only.
    const values = {} as T;
    em.getHydrator().hydrate(values, meta, data, em.getEntityFactory(), 'full', false, true);
    const view = {} as T;
    for (const key in values) Object.defineProperty(view, key, { value: values[key], enumerable: true });
    return view;
  }
  return em.getEntityFactory().create<T>(entity, data, { merge: true, convertCustomTypes: true });
}

/** The EntityManagers of requests that only read ({@link readOnly}). */
const readOnlyManagers = new WeakSet<EntityManager>();

/**
 * Marks `em` (a query's own fork) as serving a request that only reads: from
 * then on, what {@link selectEntities}, {@link entityOf} and the loaders
 * read through it are plain objects with the entity's values, not entities
 * of its unit of work. Making a managed entity of a row (MikroORM defines
 * accessors on each new instance and snapshots it for change tracking)
 * costs several times the rest of reading it, and a query has no changes to
 * track. Each of the view's properties is read-only: a change to one throws
 * (modules are strict), so code that would write through it fails loudly
 * instead of losing the write. The object stays extensible, for what
 * GraphQL libraries add to results (`__typename` on `_entities`). An entity
 * with relations or embedded values is still read as an entity, and reads
 * through `em.find` and through the EntityManagers of transactions still
 * give entities.
 */
export function readOnly(em: EntityManager): void {
  readOnlyManagers.add(em);
}

/**
 * What is read of each entity: its columns, `select <them> from <its table>`,
 * and whether a read-only request may read it as a plain object (its
 * properties are all scalars); worked out once per metadata.
 */
interface Read {
  columns: string[];
  select: string;
  viewable: boolean;
}
const reads = new WeakMap<object, Read>();

function readOf<T extends object>(em: EntityManager, meta: EntityMetadata<T>): Read {
  let read = reads.get(meta);
  if (read === undefined) {
    const quote = (name: string) => em.getPlatform().quoteIdentifier(name);
    const columns = meta.props.filter((p) => !p.lazy && p.persist !== false).flatMap((p) => p.fieldNames);
    read = {
      columns,
      select: `select ${columns.map(quote).join(', ')} from ${quote(meta.tableName)}`,
      viewable: meta.props.every((p) => p.kind === ReferenceKind.SCALAR),
    };
    reads.set(meta, read);
  }
  return read;
}

/** The column of an entity's property. */
function columnOf(meta: { properties: object }, property: string): string {
  return (meta.properties as Record<string, { fieldNames: string[] }>)[property]!.fieldNames[0]!;
}

/** The rows of `entity` whose `property` is one of `keys`, in `orderBy` order. */
function rowsOf<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  property: keyof T & string,
  keys: readonly unknown[],
  orderBy: Partial<Record<keyof T & string, 'asc' | 'desc'>> = {},
): Promise<T[]> {
  const meta = em.getMetadata().get<T>(entity);
  const column = (name: string) => em.getPlatform().quoteIdentifier(columnOf(meta, name));
  const order = Object.entries(orderBy).map(([name, direction]) => `${column(name)} ${direction}`);
  return selectEntities(
    em,
    entity,
    `where ${column(property)} = any(?)${order.length > 0 ? ` order by ${order.join(', ')}` : ''}`,
    [[...keys]],
  );
}

/** Rows by a unique property (`id`, `seq`...): null for a key with no row. */
export function rowLoader<T extends object, K extends string | number>(
  em: EntityManager,
  entity: EntityClass<T>,
  property: keyof T & string,
): DataLoader<K, T | null> {
  return new DataLoader<K, T | null>(async (keys) => {
    const rows = await rowsOf(em, entity, property, keys);
    const byKey = new Map(rows.map((row) => [matchKey(row[property]), row]));
    return keys.map((key) => byKey.get(matchKey(key)) ?? null);
  });
}

/** The rows of each key of a non-unique property (a conversation's participants...), in `orderBy` order. */
export function rowsLoader<T extends object, K extends string | number>(
  em: EntityManager,
  entity: EntityClass<T>,
  property: keyof T & string,
  orderBy: Partial<Record<keyof T & string, 'asc' | 'desc'>>,
): DataLoader<K, T[]> {
  return new DataLoader<K, T[]>(async (keys) => {
    const rows = await rowsOf(em, entity, property, keys, orderBy);
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
