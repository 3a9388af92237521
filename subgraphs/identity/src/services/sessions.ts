/**
 * The sessions a user can see and end. A session is one refresh-token family
 * (the `sessions` row's id is the family id): ending it revokes every token
 * of the family, so the next refresh fails; its access tokens lapse within
 * their lifetime (ACCESS_TOKEN_TTL_SECONDS).
 */
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import type { Config } from '../../../../platform/config.ts';
import { NotFoundError } from '../../../../platform/errors.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { parseId } from '../../../../platform/validation.ts';
import { RefreshToken, Session } from '../entities/index.ts';
import type { AuditLog } from './audit-log.ts';

export class Sessions {
  readonly #em: EntityManager;
  readonly #config: Config;
  readonly #caller: Caller;
  readonly #audit: AuditLog;

  constructor(deps: { em: EntityManager; config: Config; caller: Caller; audit: AuditLog }) {
    this.#em = deps.em;
    this.#config = deps.config;
    this.#caller = deps.caller;
    this.#audit = deps.audit;
  }

  /** The session the caller's access token belongs to, when it names one. */
  get currentId(): string | null {
    return this.#caller.kind === 'user' ? (this.#caller.sessionId ?? null) : null;
  }

  /** The live sessions of `userId`, most recently used first. */
  async list(userId: string): Promise<Session[]> {
    const since = new Date(Date.now() - this.#config.auth.refreshTokenTtlDays * 86_400_000);
    return this.#em.find(
      Session,
      { userId, revokedAt: null, lastUsedAt: { $gt: since } },
      { orderBy: { lastUsedAt: 'desc', id: 'asc' } },
    );
  }

  /** Ends one of the caller's sessions (the current one too). False when it had already ended. */
  async revoke(sessionId: string): Promise<boolean> {
    const { userId } = requireUser(this.#caller);
    const id = parseId(sessionId, 'id');
    return this.#em.transactional(async (em) => {
      const session = await em.findOne(Session, { id, userId });
      if (!session) throw new NotFoundError('Session');
      const ended = await this.end(em, id);
      if (ended) this.#audit.record(em, { type: 'SESSION_REVOKED', userId, details: { sessionId: id } });
      return ended;
    });
  }

  /** Ends every session of the caller but the current one; returns how many ended. */
  async revokeOthers(): Promise<number> {
    const { userId } = requireUser(this.#caller);
    return this.#em.transactional(async (em) => {
      const count = await this.endAllBut(em, userId, this.currentId);
      this.#audit.record(em, { type: 'OTHER_SESSIONS_REVOKED', userId, details: { sessionsEnded: count } });
      return count;
    });
  }

  /** Ends session `id` (its tokens and the row) in `em`'s transaction. False when it had already ended. */
  async end(em: EntityManager, id: string): Promise<boolean> {
    await em.nativeUpdate(RefreshToken, { familyId: id, revokedAt: null }, { revokedAt: new Date() });
    return (await em.nativeUpdate(Session, { id, revokedAt: null }, { revokedAt: new Date() })) > 0;
  }

  /** Ends every session of `userId` except `keepId` (all when null); returns how many ended. */
  async endAllBut(em: EntityManager, userId: string, keepId: string | null): Promise<number> {
    const others = { userId, revokedAt: null, ...(keepId ? { id: { $ne: keepId } } : {}) };
    const ids = (await em.find(Session, others, { fields: ['id'] })).map((s) => s.id);
    if (ids.length === 0) return 0;
    await em.nativeUpdate(RefreshToken, { familyId: { $in: ids }, revokedAt: null }, { revokedAt: new Date() });
    return em.nativeUpdate(Session, { id: { $in: ids }, revokedAt: null }, { revokedAt: new Date() });
  }
}
