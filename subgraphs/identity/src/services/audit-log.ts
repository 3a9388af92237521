import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '../../../../platform/orm.ts';
import { decodeCursor, pageSize, toConnection, type Connection } from '../../../../platform/pagination.ts';
import { parseId } from '../../../../platform/validation.ts';
import { AuditEvent, type AuditEventType } from '../entities/index.ts';

export interface AuditEntry {
  type: AuditEventType;
  userId?: string | null;
  actorId?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

/** Sort key of an audit page cursor: time, then id. */
const CURSOR = z.tuple([z.iso.datetime(), z.uuid()]);

/** The append-only audit log of security events. */
export class AuditLog {
  readonly #em: EntityManager;

  constructor(em: EntityManager) {
    this.#em = em;
  }

  /** Adds an event to the unit of work of `em` (flushed with the change it records). */
  record(em: EntityManager, entry: AuditEntry): AuditEvent {
    return em.create(AuditEvent, {
      id: randomUUID(),
      type: entry.type,
      userId: entry.userId ?? null,
      actorId: entry.actorId ?? null,
      details: entry.details ?? {},
      occurredAt: new Date(),
    });
  }

  /** A page of events, newest first. */
  async list(args: {
    first?: number | null;
    after?: string | null;
    userId?: string | null;
  }): Promise<Connection<AuditEvent>> {
    const limit = pageSize(args.first);
    const where: Record<string, unknown> = {};
    if (args.userId) where.userId = parseId(args.userId, 'userId');
    if (args.after) {
      const [at, id] = decodeCursor(args.after, CURSOR);
      const occurredAt = new Date(at);
      where.$or = [{ occurredAt: { $lt: occurredAt } }, { occurredAt, id: { $lt: id } }];
    }
    const rows = await this.#em.find(AuditEvent, where, {
      orderBy: { occurredAt: 'desc', id: 'desc' },
      limit: limit + 1,
    });
    return toConnection(rows, limit, (e) => [e.occurredAt.toISOString(), e.id]);
  }
}
