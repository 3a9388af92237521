/**
 * Entities a subgraph said every signed-in caller may share, kept by the
 * router for as long as the subgraph said, so that the next fetch of the
 * same entities is answered without calling it (the dashboard's bankers:
 * their names and public profiles, asked of identity on every dashboard).
 *
 * What may be shared is the subgraph's decision, never the router's: a
 * subgraph with cache hints (platform/subgraph.ts, `cacheHints`) answers an
 * entity fetch whose every field is public under its `@cacheControl` hints
 * with `cache-control: max-age=N, public`, and any other operation without
 * one. Only such answers, without errors, are kept, and only answers
 * fetched for a signed-in user are kept and given, to signed-in users alone:
 * a subgraph may refuse anonymous callers what it shows every user.
 *
 * Each entity is kept as the JSON it came as, per subgraph, operation text,
 * the fetch's other variables (these three as one SHA-256, so that a long
 * operation does not weigh on every entry) and representation, and is
 * parsed again for each request that uses it: the gateway merges what a
 * fetch returns into the request's own result, by reference, and later
 * fetches add to it. What is kept is bounded in characters, the oldest out
 * first: a client choosing its operation cannot grow it past that.
 */
import { hash } from 'node:crypto';
import { USER_ERASED } from '../../platform/data-rights.ts';
import type { EventBus, Unsubscribe } from '../../platform/event-bus.ts';
import { isRecord } from '../../platform/http-server.ts';
import { eventTopic } from '../../platform/outbox.ts';

/** A fetch answered from the cache: its entities, and the seconds left of the shortest-lived. */
export interface SharedEntities {
  entities: unknown[];
  maxAgeSeconds: number;
}

export interface EntityCacheOptions {
  /** Most characters kept, keys and entities together; the oldest go first. */
  maxCharacters?: number;
  /** Longest a subgraph's hint is followed, in seconds. */
  maxAgeSeconds?: number;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

interface Entry {
  json: string;
  expiresAt: number;
}

/**
 * An entity fetch's representations, and the key of everything else that
 * shapes its answer (the subgraph, the operation, the other variables);
 * undefined when it is not an entity fetch.
 */
function entityFetch(
  subgraph: string,
  query: string,
  variables: Record<string, unknown> | undefined,
): { representations: unknown[]; prefix: string } | undefined {
  if (variables === undefined || !Array.isArray(variables.representations)) return undefined;
  const { representations, ...rest } = variables;
  if (representations.length === 0) return undefined;
  // base64 holds no NUL, nor does JSON: the representation is what follows the key's last NUL.
  return { representations, prefix: `${hash('sha256', `${subgraph}\0${query}\0${JSON.stringify(rest)}`, 'base64')}\0` };
}

export class EntityCache {
  readonly #entries = new Map<string, Entry>();
  /** Subgraphs that have marked an answer public: the entity fetches of others are not looked up. */
  readonly #sharing = new Set<string>();
  readonly #maxCharacters: number;
  #characters = 0;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: EntityCacheOptions = {}) {
    this.#maxCharacters = options.maxCharacters ?? 16 * 1024 * 1024;
    this.#maxAgeMs = (options.maxAgeSeconds ?? 60) * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** How many entities are kept (expired ones included until they are next asked for or pushed out). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The kept answer of every representation of this entity fetch, or
   * undefined when one of them is missing or stale (the fetch is then sent
   * as a whole).
   */
  lookup(subgraph: string, query: string, variables: Record<string, unknown> | undefined): SharedEntities | undefined {
    if (!this.#sharing.has(subgraph)) return undefined;
    const fetch = entityFetch(subgraph, query, variables);
    if (fetch === undefined) return undefined;
    const now = this.#now();
    const entities: unknown[] = [];
    let expiresAt = Infinity;
    for (const representation of fetch.representations) {
      const key = fetch.prefix + JSON.stringify(representation);
      const entry = this.#entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now) {
        this.#delete(key);
        return undefined;
      }
      entities.push(JSON.parse(entry.json));
      expiresAt = Math.min(expiresAt, entry.expiresAt);
    }
    return { entities, maxAgeSeconds: Math.floor((expiresAt - now) / 1000) };
  }

  /**
   * Drops every entity whose representation names `id` (a user identity
   * erased, say), in every subgraph and operation.
   */
  forget(id: string): void {
    const needle = JSON.stringify(id);
    for (const key of this.#entries.keys()) {
      // The representation is the key's last part (JSON holds no NUL of its own).
      if (key.slice(key.lastIndexOf('\0') + 1).includes(needle)) this.#delete(key);
    }
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#characters -= key.length + entry.json.length;
  }

  /**
   * Keeps each entity of an answer the subgraph marked public for
   * `maxAgeSeconds` (at most the cache's own limit); an answer whose
   * entities do not match its representations one for one is not kept.
   * True when it was kept.
   */
  store(
    subgraph: string,
    query: string,
    variables: Record<string, unknown> | undefined,
    entities: unknown,
    maxAgeSeconds: number,
  ): boolean {
    const ttl = Math.min(maxAgeSeconds * 1000, this.#maxAgeMs);
    if (!(ttl > 0) || !Array.isArray(entities)) return false;
    const fetch = entityFetch(subgraph, query, variables);
    if (fetch === undefined || entities.length !== fetch.representations.length) return false;
    const expiresAt = this.#now() + ttl;
    this.#sharing.add(subgraph);
    fetch.representations.forEach((representation, i) => {
      const key = fetch.prefix + JSON.stringify(representation);
      const json = JSON.stringify(entities[i] ?? null);
      // Re-inserted at the end: the oldest entries are the first of the map.
      this.#delete(key);
      this.#entries.set(key, { json, expiresAt });
      this.#characters += key.length + json.length;
    });
    for (const key of this.#entries.keys()) {
      if (this.#characters <= this.#maxCharacters) break;
      this.#delete(key);
    }
    return true;
  }
}

/**
 * Forgets each user identity erases as soon as the event reaches this
 * router (live, at most once: one missed is still gone within its max-age),
 * so that an erased name is not shown from the cache.
 */
export function forgetErasedUsers(bus: EventBus, cache: EntityCache): Promise<Unsubscribe> {
  return bus.subscribe(eventTopic(USER_ERASED), (message) => {
    const userId = isRecord(message) && isRecord(message.payload) ? message.payload.userId : undefined;
    if (typeof userId === 'string') cache.forget(userId);
  });
}
