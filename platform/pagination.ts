/**
 * Relay-style connections. Cursors are opaque to clients (base64url of a
 * JSON array of the sort key), and pages are read with keyset pagination so
 * they stay stable while rows are inserted.
 */
import type { z } from 'zod';
import { BadUserInputError } from './errors.ts';

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;

/** Checks `first` (1..max, MAX_PAGE_SIZE unless the connection allows more). */
export function pageSize(first: number | null | undefined, fallback = 20, max = MAX_PAGE_SIZE): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new BadUserInputError(`"first" must be between 1 and ${max}.`, 'first');
  }
  return size;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} and checks its sort key with
 * `shape` (for example `z.tuple([z.iso.datetime(), z.uuid()])`);
 * BAD_USER_INPUT on `field` when it is not one of ours.
 */
export function decodeCursor<S extends z.ZodType>(cursor: string, shape: S, field = 'after'): z.infer<S> {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const parsed = shape.safeParse(key);
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: fall through
  }
  throw new BadUserInputError('The cursor is not valid.', field);
}

/**
 * Builds a connection from `rows` fetched with `limit + 1` (the extra row
 * only tells whether a next page exists).
 */
export function toConnection<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
