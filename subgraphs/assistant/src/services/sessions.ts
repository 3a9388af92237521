/**
 * Sessions and turns as their owner sees them: a session, its turns and its
 * actions exist only for the user they belong to (NOT_FOUND, or null through
 * `_entities`, for anyone else, exactly as for an id that does not exist).
 */
import type DataLoader from 'dataloader';
import { z } from 'zod';
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import { ForbiddenError, NotFoundError } from '../../../../platform/errors.ts';
import { rowLoader } from '../../../../platform/loaders.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { decodeCursor, pageSize, toConnection, type Connection } from '../../../../platform/pagination.ts';
import { isUuid, parseId } from '../../../../platform/validation.ts';
import { AssistantAction, AssistantSession, AssistantTurn } from '../entities/index.ts';

/** A turn's cursor: its `seq`. */
const TURN_CURSOR = z.tuple([z.number().int().positive()]);
/**
 * A session's cursor: its sort key, `lastTurnAt` and id. Keyset, not an
 * offset: a session that moves to the top between two pages (a new turn) or
 * starts then does not shift the next page onto one already read.
 */
const SESSION_CURSOR = z.tuple([z.iso.datetime(), z.uuid()]);

export class Sessions {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #sessions: DataLoader<string, AssistantSession | null>;
  readonly #turns: DataLoader<string, AssistantTurn | null>;
  readonly #actions: DataLoader<string, AssistantAction | null>;

  constructor(em: EntityManager, caller: Caller) {
    this.#em = em;
    this.#caller = caller;
    this.#sessions = rowLoader(em, AssistantSession, 'id');
    this.#turns = rowLoader(em, AssistantTurn, 'id');
    this.#actions = rowLoader(em, AssistantAction, 'id');
  }

  /** True when `row` belongs to the calling user. */
  #owns(row: { userId: string } | null): boolean {
    return row !== null && this.#caller.kind === 'user' && row.userId === this.#caller.userId;
  }

  /** The caller's session, or null (someone else's and a made-up id alike). */
  async find(id: string): Promise<AssistantSession | null> {
    if (!isUuid(id)) return null;
    const session = await this.#sessions.load(id);
    return this.#owns(session) ? session : null;
  }

  /** The caller's session, or NOT_FOUND naming `field`. */
  async get(id: unknown, field = 'sessionId'): Promise<AssistantSession> {
    requireUser(this.#caller);
    const session = await this.find(parseId(String(id), field));
    if (!session) throw new NotFoundError('The assistant session', { field });
    return session;
  }

  async findTurn(id: string): Promise<AssistantTurn | null> {
    if (!isUuid(id)) return null;
    const turn = await this.#turns.load(id);
    return this.#owns(turn) ? turn : null;
  }

  async findAction(id: string): Promise<AssistantAction | null> {
    if (!isUuid(id)) return null;
    const action = await this.#actions.load(id);
    return this.#owns(action) ? action : null;
  }

  /** The caller's sessions, most recent first. */
  async listFor(
    userId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<AssistantSession>> {
    const caller = requireUser(this.#caller);
    if (caller.userId !== userId) throw new ForbiddenError('You can only see your own assistant sessions.');
    const limit = pageSize(args.first, 10, 50);
    const where: Record<string, unknown> = { userId };
    if (args.after) {
      const [at, id] = decodeCursor(args.after, SESSION_CURSOR);
      const lastTurnAt = new Date(at);
      where.$or = [{ lastTurnAt: { $lt: lastTurnAt } }, { lastTurnAt, id: { $lt: id } }];
    }
    const rows = await this.#em.find(AssistantSession, where, {
      orderBy: { lastTurnAt: 'desc', id: 'desc' },
      limit: limit + 1,
    });
    return toConnection(rows, limit, (s) => [s.lastTurnAt.toISOString(), s.id]);
  }

  /** A session's turns, oldest first. */
  async turns(
    session: AssistantSession,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<AssistantTurn>> {
    const limit = pageSize(args.first, 50);
    const after = args.after ? decodeCursor(args.after, TURN_CURSOR)[0] : 0;
    const rows = await this.#em.find(
      AssistantTurn,
      { sessionId: session.id, seq: { $gt: after } },
      { orderBy: { seq: 'asc' }, limit: limit + 1 },
    );
    return toConnection(rows, limit, (t) => [t.seq]);
  }

  /** The session's action still waiting for confirmation after `turn` (the newest pending one, if not expired). */
  pendingAfter(turn: AssistantTurn): Promise<AssistantAction | null> {
    return this.pending(turn.sessionId, { proposedBy: turn.createdAt });
  }

  /** A session's newest pending action that has not expired by `now` (proposed by `proposedBy`, when given). */
  async pending(sessionId: string, options: { now?: Date; proposedBy?: Date } = {}): Promise<AssistantAction | null> {
    const action = await this.#em.findOne(
      AssistantAction,
      {
        sessionId,
        status: 'PENDING',
        expiresAt: { $gt: options.now ?? new Date() },
        ...(options.proposedBy ? { createdAt: { $lte: options.proposedBy } } : {}),
      },
      { orderBy: { createdAt: 'desc' } },
    );
    return action && this.#owns(action) ? action : null;
  }
}
