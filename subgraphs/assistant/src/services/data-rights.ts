/**
 * The assistant's part of the customer's data rights (platform/data-rights.ts):
 * the export section (every session with its turns and actions) and the
 * anonymization after an erasure: what the customer wrote and what the
 * assistant answered (which quotes their data) are replaced, as are the
 * actions' summaries. Amounts and outcomes of actions stay: they point at
 * ledger transactions the bank must keep.
 */
import { requireService, type Caller } from '../../../../platform/caller.ts';
import { ERASED_TEXT, iso, type DataSection } from '../../../../platform/data-rights.ts';
import { fromMinorUnits, type Currency } from '../../../../platform/money.ts';
import { sql, type EntityManager } from '../../../../platform/orm.ts';
import { parseId } from '../../../../platform/validation.ts';

type Row = Record<string, unknown>;

/** Identity only: everything the assistant holds about `userId`. */
export async function assistantPersonalData(
  em: EntityManager,
  caller: Caller,
  rawUserId: string,
): Promise<DataSection> {
  requireService(caller, 'identity');
  const userId = parseId(rawUserId, 'userId');
  const sessions = await sql<Row>(em, `select * from assistant_sessions where user_id = ? order by started_at, id`, [
    userId,
  ]);
  const turns = await sql<Row>(em, `select * from assistant_turns where user_id = ? order by seq`, [userId]);
  const actions = await sql<Row>(em, `select * from assistant_actions where user_id = ? order by created_at, id`, [
    userId,
  ]);
  return {
    counts: { assistantSessions: sessions.length, assistantTurns: turns.length, assistantActions: actions.length },
    data: {
      assistantSessions: sessions.map((s) => ({
        id: s.id,
        startedAt: iso(s.started_at as Date),
        handedOffConversationId: s.handed_off_conversation_id,
        turns: turns
          .filter((t) => t.session_id === s.id)
          .map((t) => ({
            id: t.id,
            text: t.text,
            reply: t.reply,
            intent: t.intent,
            actionId: t.action_id,
            createdAt: iso(t.created_at as Date),
          })),
        actions: actions
          .filter((a) => a.session_id === s.id)
          .map((a) => ({
            id: a.id,
            kind: a.kind,
            status: a.status,
            amount: fromMinorUnits(BigInt(a.amount as string), a.currency as Currency),
            currency: a.currency,
            fromAccountId: a.from_account_id,
            toAccountId: a.to_account_id,
            billId: a.bill_id,
            summary: a.summary,
            transactionId: a.transaction_id,
            billPaymentId: a.bill_payment_id,
            failureCode: a.failure_code,
            createdAt: iso(a.created_at as Date),
            decidedAt: iso(a.decided_at as Date | null),
          })),
      })),
    },
  };
}

/** Anonymizes `userId`'s assistant data (consumer group `assistant-erasure`); idempotent. */
export async function eraseAssistantData(em: EntityManager, userId: string): Promise<void> {
  await sql(
    em,
    `update assistant_turns set text = case when text is null then null else ? end, reply = ?, cards = '[]', suggestions = '[]' where user_id = ? and reply <> ?`,
    [ERASED_TEXT, ERASED_TEXT, userId, ERASED_TEXT],
  );
  await sql(
    em,
    `update assistant_actions set summary = ?, status = case when status = 'PENDING' then 'CANCELLED' else status end where user_id = ? and summary <> ?`,
    [ERASED_TEXT, userId, ERASED_TEXT],
  );
}

/** The assistant's consumer group of identity's erasure events. */
export const ERASURE_CONSUMER_GROUP = 'assistant-erasure';
