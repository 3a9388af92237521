/**
 * Messaging's part of the customer's data rights (platform/data-rights.ts):
 * the export section (the user's conversations with every message in them,
 * their notifications and the deliveries queued for them), and the
 * anonymization after an erasure: the text of every message the user sent
 * and the subject of every conversation they started are replaced, their
 * notifications lose their text and link, and the deliveries queued for
 * them are deleted. The other participant's messages stay: they are that
 * person's (a banker's) record of the conversation, and the erased user now
 * appears in it as "Erased user".
 */
import { requireService, type Caller } from '../../../../platform/caller.ts';
import { ERASED_TEXT, forgetKnownUser, iso, type DataSection } from '../../../../platform/data-rights.ts';
import { sql, type EntityManager } from '../../../../platform/orm.ts';
import { parseId } from '../../../../platform/validation.ts';

type Row = Record<string, unknown>;

/** Identity only: everything messaging holds about `userId`. */
export async function messagingPersonalData(
  em: EntityManager,
  caller: Caller,
  rawUserId: string,
): Promise<DataSection> {
  requireService(caller, 'identity');
  const userId = parseId(rawUserId, 'userId');
  const conversations = await sql<Row>(
    em,
    `select c.* from conversations c join conversation_participants p on p.conversation_id = c.id
      where p.user_id = ? order by c.created_at, c.id`,
    [userId],
  );
  const ids = conversations.map((c) => c.id as string);
  const participants = ids.length
    ? await sql<Row>(em, `select * from conversation_participants where conversation_id in (?)`, [ids])
    : [];
  const messages = ids.length
    ? await sql<Row>(em, `select * from messages where conversation_id in (?) order by seq`, [ids])
    : [];
  const notifications = await sql<Row>(em, `select * from notifications where user_id = ? order by seq`, [userId]);
  const deliveries = await sql<Row>(
    em,
    `select * from notification_deliveries where user_id = ? order by created_at, id`,
    [userId],
  );
  return {
    counts: {
      conversations: conversations.length,
      messages: messages.length,
      notifications: notifications.length,
      notificationDeliveries: deliveries.length,
    },
    data: {
      conversations: conversations.map((c) => ({
        id: c.id,
        subject: c.subject,
        startedBy: c.started_by,
        loanApplicationId: c.loan_application_id,
        createdAt: iso(c.created_at as Date),
        participants: participants.filter((p) => p.conversation_id === c.id).map((p) => p.user_id),
        messages: messages
          .filter((m) => m.conversation_id === c.id)
          .map((m) => ({
            id: m.id,
            senderId: m.sender_id,
            sentByYou: m.sender_id === userId,
            body: m.body,
            sentAt: iso(m.sent_at as Date),
          })),
      })),
      notifications: notifications.map((n) => ({
        id: n.id,
        kind: n.kind,
        title: n.title,
        body: n.body,
        link: n.link,
        createdAt: iso(n.created_at as Date),
        readAt: iso(n.read_at as Date | null),
      })),
      notificationDeliveries: deliveries.map((d) => ({
        notificationId: d.notification_id,
        channel: d.channel,
        status: d.status,
        createdAt: iso(d.created_at as Date),
        sentAt: iso(d.sent_at as Date | null),
      })),
    },
  };
}

/** Anonymizes `userId`'s messaging data (consumer group `messaging-erasure`); idempotent. */
export async function eraseMessagingData(em: EntityManager, userId: string): Promise<void> {
  await forgetKnownUser(em, userId);
  await sql(em, `update messages set body = ? where sender_id = ? and body <> ?`, [ERASED_TEXT, userId, ERASED_TEXT]);
  await sql(em, `update conversations set subject = ? where started_by = ? and subject <> ?`, [
    ERASED_TEXT,
    userId,
    ERASED_TEXT,
  ]);
  await sql(em, `update notifications set title = ?, body = ?, link = null where user_id = ? and body <> ?`, [
    ERASED_TEXT,
    ERASED_TEXT,
    userId,
    ERASED_TEXT,
  ]);
  await sql(em, `delete from notification_deliveries where user_id = ?`, [userId]);
}

/** Messaging's consumer group of identity's erasure events. */
export const ERASURE_CONSUMER_GROUP = 'messaging-erasure';
