/**
 * Reading notifications and marking them read: each user sees and marks only
 * their own. Notifications are made by the consumer of domain events
 * (notification-consumer.ts), never by a client.
 */
import { z } from 'zod';
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../../../platform/errors.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { decodeCursor, pageSize, toConnection, type Connection } from '../../../../platform/pagination.ts';
import { isUuid } from '../../../../platform/validation.ts';
import { Notification } from '../entities/index.ts';

const CURSOR = z.tuple([z.number().int().positive()]);

/** Most notifications one `markNotificationsRead` may name. */
export const MAX_MARK_READ = 100;

export class Notifications {
  readonly #em: EntityManager;
  readonly #caller: Caller;

  constructor(em: EntityManager, caller: Caller) {
    this.#em = em;
    this.#caller = caller;
  }

  /** A user's notifications, newest first: the user themself only. */
  async listFor(
    userId: string,
    args: { unreadOnly?: boolean | null; first?: number | null; after?: string | null },
  ): Promise<Connection<Notification>> {
    const caller = requireUser(this.#caller);
    if (caller.userId !== userId) throw new ForbiddenError('You can only see your own notifications.');
    const limit = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, CURSOR)[0] : null;
    const rows = await this.#em.find(
      Notification,
      {
        userId,
        ...(args.unreadOnly ? { readAt: null } : {}),
        ...(after !== null ? { seq: { $lt: after } } : {}),
      },
      { orderBy: { seq: 'desc' }, limit: limit + 1 },
    );
    return toConnection(rows, limit, (n) => [n.seq]);
  }

  /** One of the caller's notifications, or null (subscription events). */
  async findOwn(id: string): Promise<Notification | null> {
    if (this.#caller.kind !== 'user' || !isUuid(id)) return null;
    const notification = await this.#em.findOne(Notification, { id });
    return notification?.userId === this.#caller.userId ? notification : null;
  }

  /**
   * Marks the caller's notifications read, all or none: NOT_FOUND (on `ids`)
   * when one is not theirs or does not exist. Those already read keep their time.
   */
  async markRead(ids: readonly string[]): Promise<Notification[]> {
    const caller = requireUser(this.#caller);
    if (ids.length > MAX_MARK_READ) {
      throw new BadUserInputError(`At most ${MAX_MARK_READ} notifications at a time.`, 'ids');
    }
    const unique = [...new Set(ids)];
    if (!unique.every(isUuid)) throw new BadUserInputError('"ids" must be ids (UUIDs).', 'ids');
    if (unique.length === 0) return [];
    return this.#em.transactional(async (em) => {
      const rows = await em.find(Notification, { id: { $in: unique }, userId: caller.userId }, { refresh: true });
      // Each id must be one of the caller's notifications as the API gives its id out: PostgreSQL's uuid also
      // matches another spelling (upper case), which every other path answers NOT_FOUND, so rows are not counted.
      const byId = new Map(rows.map((n) => [n.id, n]));
      const marked = unique.map((id) => byId.get(id));
      if (!marked.every((n): n is Notification => n !== undefined)) {
        throw new NotFoundError('Notification', { field: 'ids' });
      }
      const now = new Date();
      for (const n of marked) n.readAt ??= now;
      return marked;
    });
  }
}
