/**
 * Demo data of the embedded default (`npm start` outside production): a
 * conversation between the demo owner and the demo banker about financing
 * an oven, over the last few days, its last message (the banker's) not yet
 * read by the owner.
 *
 * A conversation needs both people in messaging's directory, which learns
 * them from identity's events a moment after they are created: on a first
 * start that moment may not have come yet. The seed records the two demo
 * users' roles (which it knows: platform/demo-data.ts) as of the epoch, so
 * identity's own events, always newer, overwrite them. The conversation
 * and its messages are then written by the chat services, as the two would
 * write them, and moved back to the times they were sent.
 *
 * Written only when the owner has no conversation with the banker: a second
 * start adds nothing.
 */
import type { Caller } from '../../../platform/caller.ts';
import { DEMO_BANKER, DEMO_OWNER, type DemoUser } from '../../../platform/demo-data.ts';
import type { StartDeps } from '../../../platform/subgraph.ts';
import { Conversation, Message, Participant } from './entities/index.ts';
import { createMessagingServices } from './services/index.ts';

const HOUR_MS = 3_600_000;

export const DEMO_CONVERSATION_SUBJECT = 'Financing a new deck oven';

/** The conversation, oldest first: who wrote each message and how many hours before the first start. */
export const DEMO_MESSAGES: readonly { from: DemoUser; hoursAgo: number; body: string }[] = [
  {
    from: DEMO_OWNER,
    hoursAgo: 98,
    body:
      'Hi Beatriz, I’m Omar from Omar’s Bakery. Our oven runs at capacity every weekend and I’d like to ' +
      'finance a second deck oven, about $45,000. Is that something you could help with?',
  },
  {
    from: DEMO_BANKER,
    hoursAgo: 95,
    body:
      'Hi Omar, thanks for reaching out. Equipment financing fits that well: the oven secures the loan, ' +
      'and terms usually run 3 to 7 years. Could you send me the supplier’s quote and your last two years ' +
      'of business tax returns?',
  },
  {
    from: DEMO_OWNER,
    hoursAgo: 74,
    body: 'Great. The quote from Rhine Ovens is $43,800 installed. I’ll attach the tax returns to the application.',
  },
  {
    from: DEMO_BANKER,
    hoursAgo: 50,
    body:
      'Perfect. With your sales deposits, 60 months looks comfortable. When you apply, choose equipment ' +
      'financing with me as your banker and I’ll start the commercial review the same day.',
  },
  {
    from: DEMO_OWNER,
    hoursAgo: 27,
    body: 'Will do, thank you! Could a small line of credit for flour over the holiday season go alongside it?',
  },
  {
    from: DEMO_BANKER,
    hoursAgo: 3,
    body: 'Yes, a line of credit of $15,000 to $25,000 next to the equipment loan is possible. Does a call on Thursday at 3 pm work for you?',
  },
];

export async function seedDemoConversation({ orm, config, logger, bus }: StartDeps): Promise<void> {
  const em = orm.em.fork();
  const started = await em.find(Conversation, { startedBy: DEMO_OWNER.id }, { fields: ['id'] });
  const withBanker = await em.count(Participant, {
    conversationId: { $in: started.map((c) => c.id) },
    userId: DEMO_BANKER.id,
  });
  if (withBanker > 0) return;

  // What identity's events will say, as of the epoch: a real event always wins.
  for (const user of [DEMO_OWNER, DEMO_BANKER]) {
    await em
      .getConnection()
      .execute(`insert into known_users (user_id, roles, as_of) values (?, ?, ?) on conflict (user_id) do nothing`, [
        user.id,
        `{${user.role}}`,
        new Date(0),
      ]);
  }

  const servicesOf = (user: DemoUser) => {
    const caller: Caller = { kind: 'user', userId: user.id, roles: [user.role] };
    return createMessagingServices({ em: orm.em.fork(), caller, config, logger, bus });
  };
  const [first, ...replies] = DEMO_MESSAGES;
  if (!first) return;
  const conversation = await servicesOf(first.from).conversations.start({
    participantId: DEMO_BANKER.id,
    subject: DEMO_CONVERSATION_SUBJECT,
    body: first.body,
  });
  for (const [index, reply] of replies.entries()) {
    await servicesOf(reply.from).messages.send({
      conversationId: conversation.id,
      body: reply.body,
      clientMessageId: `demo-${index + 2}`,
    });
  }

  // Back to when they were written: messages in sending order, the conversation and its participants.
  const now = Date.now();
  const sentAt = DEMO_MESSAGES.map((m) => new Date(now - m.hoursAgo * HOUR_MS));
  await orm.em.fork().transactional(async (trx) => {
    const messages = await trx.find(Message, { conversationId: conversation.id }, { orderBy: { seq: 'asc' } });
    messages.forEach((message, i) => (message.sentAt = sentAt[i] ?? message.sentAt));
    const saved = await trx.findOneOrFail(Conversation, { id: conversation.id });
    saved.createdAt = sentAt[0] ?? saved.createdAt;
    saved.lastMessageAt = sentAt[sentAt.length - 1] ?? saved.lastMessageAt;
    for (const participant of await trx.find(Participant, { conversationId: conversation.id })) {
      participant.joinedAt = saved.createdAt;
    }
  });
  logger.info({ messages: DEMO_MESSAGES.length }, 'demo conversation created');
}
